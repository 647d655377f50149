/**
 * What `postbus init` writes into a new project, as files: no disk here. The config names the
 * schema folder, the shared definitions and the generated package; one example contract shows the
 * shape of a contract; the project's `package.json` (only when there is none) makes the generated
 * package a workspace package and adds the scripts.
 */
import { CONFIG_FILE } from "../../../config/load-config.js";
import type { GeneratedFile } from "../../../ir/model.js";

/** Where the generated package goes in a new project. */
export const INIT_PACKAGE_DIR = "packages/events";

/** The example contract `init` writes. */
export const INIT_EXAMPLE = "schemas/greetings/greeting.sent.json";

/** What the scaffold is made from. */
export interface ScaffoldInput {
  /** The project's npm name: its `package.json`'s, else one made from its folder's name. */
  readonly projectName: string;
  /** Whether the project has a `package.json` already (then it is left alone). */
  readonly hasPackageJson: boolean;
  /** The version of `@postbus/codegen` the project's scripts run. */
  readonly codegenVersion: string;
}

/**
 * The files of a new project, in path order.
 *
 * @example
 * ```ts
 * scaffold({ projectName: "shop", hasPackageJson: false, codegenVersion: "0.1.0" }).map((f) => f.path);
 * // ["package.json", "postbus.config.json", "schemas/greetings/greeting.sent.json"]
 * ```
 */
export function scaffold(input: ScaffoldInput): GeneratedFile[] {
  const files: GeneratedFile[] = [
    { path: CONFIG_FILE, contents: json(config(eventsPackageName(input.projectName))) },
    { path: INIT_EXAMPLE, contents: json(EXAMPLE_CONTRACT) },
  ];
  if (!input.hasPackageJson) {
    files.push({
      path: "package.json",
      contents: json({
        name: input.projectName,
        version: "0.1.0",
        private: true,
        type: "module",
        workspaces: [INIT_PACKAGE_DIR],
        scripts: {
          generate: "postbus generate",
          "generate:check": "postbus generate --check",
          docs: "postbus docs",
        },
        devDependencies: { "@postbus/codegen": input.codegenVersion },
      }),
    });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * An npm name for a project from its folder's name: lower case, `-` for anything npm refuses,
 * `project` when nothing is left.
 *
 * @example
 * ```ts
 * projectNameFromFolder("My Shop"); // "my-shop"
 * ```
 */
export function projectNameFromFolder(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, "-")
    .replace(/^[._~-]+/, "")
    .replace(/-+$/, "")
    .slice(0, 200);
  return name === "" ? "project" : name;
}

/** Whether npm takes `name` for a new package: lower case, URL-safe, optionally `@scope/`. */
export function isNpmName(name: string): boolean {
  return name.length <= 200 && /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/.test(name);
}

/** `shop` → `shop-events`, `@acme/shop` → `@acme/shop-events`. */
export function eventsPackageName(projectName: string): string {
  return `${projectName}-events`;
}

function config(packageName: string) {
  return {
    schemas: "schemas",
    definitions: ["schemas/shared/**"],
    packages: {
      types: {
        dir: INIT_PACKAGE_DIR,
        name: packageName,
        description:
          "Types, zod validators and the event registry, generated from the contracts in schemas/.",
      },
    },
    docs: "docs/catalog",
    compatibility: "BACKWARD",
  };
}

const EXAMPLE_CONTRACT = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  title: "Greeting sent",
  description:
    "An example contract: someone was greeted. The path says its domain (greetings) and event type (greeting.sent); replace it with your first event.",
  "x-postbus": { producers: ["greeter"], consumers: ["mailer"] },
  type: "object",
  properties: {
    greetingId: { description: "Unique id of the greeting.", type: "string", format: "uuid" },
    to: { description: "Who is greeted.", type: "string", minLength: 1 },
    text: { description: "What they are told.", type: "string", minLength: 1, maxLength: 280 },
  },
  required: ["greetingId", "to", "text"],
  additionalProperties: false,
  examples: [{ greetingId: "3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c", to: "Ada", text: "Hello, Ada!" }],
};

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
