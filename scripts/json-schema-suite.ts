/**
 * Runs the official JSON-Schema-Test-Suite (https://github.com/json-schema-org/JSON-Schema-Test-Suite)
 * against the generated validators and, in the same run, against ajv 8 with ajv-formats, and prints
 * the pass rates per draft (required tests, then `optional/`).
 *
 * Each test group becomes one throwaway Postbus project: its schema is the event file
 * `schemas/suite/suite.case.json` (a boolean schema is wrapped in `allOf`, a missing `$schema` is the
 * draft's), generated with `generate(config, { emit: emitTypesPackage })`; the group's tests run against
 * the exported payload validator of `validators.ts`. A group the generator refuses (diagnostics or an
 * error) counts all its tests as failed and is listed as refused. ajv gets the suite's `remotes/` as
 * added schemas under `http://localhost:1234/`. Postbus reads only its schema folder, so the remotes a
 * group's schema reaches (through `$ref`, `$dynamicRef` or `$schema`, transitively) are written there as
 * definition files under `schemas/remotes/`, each with its retrieval URL as `$id` (a remote whose own
 * `$id` differs gets a second file: that URL, `allOf` a `$ref` to its `$id`) and the draft's `$schema`
 * when it names none — what a Postbus user would write for a shared schema.
 *
 * The projects follow the specification on `format`: `"format": { "2020-12": "annotation" }` (the
 * required 2020-12 `format.json` expects an invalid string to pass), except for the files under
 * `optional/format/`, where, as the suite's README asks of runners, format assertion is enabled
 * (`"assertion"`, Postbus's default). draft-07 always asserts `format`.
 *
 * Usage: `tsx scripts/json-schema-suite.ts <suite folder> [--draft draft7|draft2020-12] [--json] [--verbose]`
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import ts from "typescript";
import type { FormatMode } from "../codegen/src/config/config.js";
import { loadConfig } from "../codegen/src/config/load-config.js";
import { emitTypesPackage } from "../codegen/src/emit/index.js";
import { generate } from "../codegen/src/generate.js";

const require = createRequire(new URL("../codegen/package.json", import.meta.url));
const zod = require("zod") as unknown;
type AjvClass = new (
  options: object,
) => {
  addSchema(schema: unknown, key?: string): void;
  compile(schema: unknown): (value: unknown) => boolean;
};
const Ajv7 = (require("ajv") as { default: AjvClass }).default;
const Ajv2020 = (require("ajv/dist/2020") as { default: AjvClass }).default;
const addFormats = (require("ajv-formats") as { default: (ajv: unknown) => void }).default;

const DRAFTS = {
  draft7: { uri: "http://json-schema.org/draft-07/schema#", Ajv: Ajv7 },
  "draft2020-12": { uri: "https://json-schema.org/draft/2020-12/schema", Ajv: Ajv2020 },
} as const;
type DraftName = keyof typeof DRAFTS;

interface SuiteTest {
  readonly description: string;
  readonly data: unknown;
  readonly valid: boolean;
}
interface SuiteGroup {
  readonly description: string;
  readonly schema: unknown;
  readonly tests: readonly SuiteTest[];
}

/** Pass counts of one implementation over a set of files. */
interface Score {
  passed: number;
  total: number;
  refusedGroups: number;
  /** `file: group` of each refused group (Postbus) or group ajv would not compile. */
  readonly refused: string[];
  /** `file: group: test` of each failed test where a validator was generated. */
  readonly wrong: string[];
}

const newScore = (): Score => ({ passed: 0, total: 0, refusedGroups: 0, refused: [], wrong: [] });

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const suite = args.find((arg) => !arg.startsWith("--"));
  if (suite === undefined) {
    console.error("usage: tsx scripts/json-schema-suite.ts <JSON-Schema-Test-Suite folder> [--draft <name>]");
    process.exit(2);
  }
  const only = args.includes("--draft") ? args[args.indexOf("--draft") + 1] : undefined;
  const verbose = args.includes("--verbose");
  const remotes = await readRemotes(path.join(suite, "remotes"));
  const work = await mkdtemp(path.join(os.tmpdir(), "postbus-suite-"));
  const results: Record<string, { postbus: Score; ajv: Score }> = {};
  try {
    for (const draft of Object.keys(DRAFTS) as DraftName[]) {
      if (only !== undefined && only !== draft) continue;
      for (const optional of [false, true]) {
        const folder = path.join(suite, "tests", draft, ...(optional ? ["optional"] : []));
        const files = await suiteFiles(folder, optional);
        const postbus = newScore();
        const ajv = newScore();
        for (const file of files) {
          const groups = JSON.parse(await readFile(path.join(folder, file), "utf8")) as SuiteGroup[];
          for (const group of groups) {
            const label = `${file}: ${group.description}`;
            const format = optional && file.startsWith("format/") ? "assertion" : "annotation";
            await scoreGroup(work, draft, group, label, remotes, format, postbus);
            scoreAjv(draft, group, label, remotes, ajv);
          }
        }
        results[`${draft} ${optional ? "optional" : "required"}`] = { postbus, ajv };
      }
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  if (args.includes("--json")) {
    console.log(JSON.stringify(results, null, 2));
    return;
  }
  console.log("| JSON-Schema-Test-Suite | Postbus (groups refused) | ajv 8 + ajv-formats |");
  console.log("|---|---|---|");
  for (const [name, { postbus, ajv }] of Object.entries(results)) {
    console.log(`| ${name} | ${rate(postbus)} (${postbus.refusedGroups} refused) | ${rate(ajv)} |`);
  }
  if (verbose) {
    for (const [name, { postbus }] of Object.entries(results)) {
      console.log(
        `\n## ${name}: refused\n${postbus.refused.join("\n")}\n## ${name}: wrong\n${postbus.wrong.join("\n")}`,
      );
    }
  }
}

const rate = (score: Score): string =>
  `${((100 * score.passed) / Math.max(score.total, 1)).toFixed(1)}% (${score.passed}/${score.total})`;

async function suiteFiles(folder: string, optional: boolean): Promise<string[]> {
  const entries = await readdir(folder, { recursive: optional });
  return entries
    .filter((entry) => entry.endsWith(".json"))
    .map((entry) => entry.split(path.sep).join("/"))
    .sort();
}

async function readRemotes(folder: string): Promise<Map<string, unknown>> {
  const remotes = new Map<string, unknown>();
  for (const entry of await readdir(folder, { recursive: true })) {
    if (!entry.endsWith(".json")) continue;
    const relative = entry.split(path.sep).join("/");
    remotes.set(
      `http://localhost:1234/${relative}`,
      JSON.parse(await readFile(path.join(folder, entry), "utf8")),
    );
  }
  return remotes;
}

let projectCount = 0;

async function scoreGroup(
  work: string,
  draft: DraftName,
  group: SuiteGroup,
  label: string,
  remotes: Map<string, unknown>,
  format: FormatMode,
  score: Score,
) {
  score.total += group.tests.length;
  const root = path.join(work, String(projectCount++));
  let accepts: ((value: unknown) => boolean) | undefined;
  let reason = "";
  try {
    accepts = await generatedValidator(root, draft, group.schema, remotes, format);
  } catch (error) {
    reason = (error as Error).message.split("\n")[0] ?? "";
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  if (accepts === undefined) {
    score.refusedGroups++;
    score.refused.push(`${label} — ${reason}`);
    return;
  }
  for (const test of group.tests) {
    let verdict: boolean | undefined;
    try {
      verdict = accepts(test.data);
    } catch {
      verdict = undefined;
    }
    if (verdict === test.valid) score.passed++;
    else score.wrong.push(`${label}: ${test.description}`);
  }
}

async function generatedValidator(
  root: string,
  draft: DraftName,
  schema: unknown,
  remotes: Map<string, unknown>,
  format: FormatMode,
): Promise<(value: unknown) => boolean> {
  const file =
    typeof schema === "object" && schema !== null && !Array.isArray(schema)
      ? { $schema: DRAFTS[draft].uri, ...schema }
      : { $schema: DRAFTS[draft].uri, allOf: [schema] };
  await mkdir(path.join(root, "schemas", "suite"), { recursive: true });
  await writeFile(
    path.join(root, "postbus.config.json"),
    `${JSON.stringify({ definitions: ["schemas/remotes/**"], format: { "2020-12": format } })}\n`,
  );
  await writeFile(path.join(root, "schemas", "suite", "suite.case.json"), JSON.stringify(file, null, 2));
  await writeRemotes(path.join(root, "schemas", "remotes"), draft, file, remotes);
  const { config } = await loadConfig({ cwd: root });
  if (config === undefined) throw new Error("no config");
  const result = await generate(config, { emit: emitTypesPackage });
  if (result.diagnostics.length > 0) {
    const first = result.diagnostics[0];
    throw new Error(`${first?.code} ${first?.location.pointer}: ${first?.message}`);
  }
  const validators = result.files.find((entry) => entry.path.endsWith("/src/validators.ts"));
  if (validators === undefined) throw new Error("no validators.ts");
  const exports = evaluate(validators.contents);
  const payload = exports.SuiteCaseSchema;
  if (payload === undefined) throw new Error("no SuiteCaseSchema");
  return (value) => payload.safeParse(value).success;
}

const REMOTE_BASE = "http://localhost:1234/";

/** The remotes `schema` reaches, written as definition files (see the module comment). */
async function writeRemotes(
  folder: string,
  draft: DraftName,
  schema: unknown,
  remotes: Map<string, unknown>,
): Promise<void> {
  const byId = new Map<string, string>();
  for (const [url, remote] of remotes) {
    const id = isRecord(remote) && typeof remote.$id === "string" ? new URL(remote.$id, url).href : url;
    byId.set(id.replace(/#$/, ""), url);
  }
  const included = new Set<string>();
  const pending: [unknown, string][] = [[schema, "file:///suite/suite.case.json"]];
  while (pending.length > 0) {
    const [node, base] = pending.pop() as [unknown, string];
    for (const reference of referencesIn(node, base)) {
      const url = remotes.has(reference) ? reference : byId.get(reference);
      if (url === undefined || included.has(url)) continue;
      included.add(url);
      pending.push([remotes.get(url), url]);
    }
  }
  for (const url of included) {
    const remote = remotes.get(url);
    const relative = url.slice(REMOTE_BASE.length);
    const body: Record<string, unknown> = isRecord(remote) ? { ...remote } : { allOf: [remote] };
    if (body.$schema === undefined) body.$schema = DRAFTS[draft].uri;
    const ownId = typeof body.$id === "string" ? new URL(body.$id, url).href.replace(/#$/, "") : undefined;
    if (ownId === undefined) body.$id = url;
    await mkdir(path.dirname(path.join(folder, relative)), { recursive: true });
    await writeFile(path.join(folder, relative), JSON.stringify(body, null, 2));
    if (ownId !== undefined && ownId !== url) {
      const alias = { $schema: DRAFTS[draft].uri, $id: url, allOf: [{ $ref: ownId }] };
      await writeFile(path.join(folder, `${relative}.alias.json`), JSON.stringify(alias, null, 2));
    }
  }
}

/** The absolute URIs (no fragment) of every `$ref`, `$dynamicRef` and `$schema` in `node`, `$id`s changing the base. */
function referencesIn(node: unknown, base: string): string[] {
  const found: string[] = [];
  const walk = (value: unknown, current: string): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item, current);
      return;
    }
    if (!isRecord(value)) return;
    let inner = current;
    if (typeof value.$id === "string") {
      try {
        inner = new URL(value.$id, current).href;
      } catch {
        // Not a URI: the base stays.
      }
    }
    for (const keyword of ["$ref", "$dynamicRef", "$schema"]) {
      const reference = value[keyword];
      if (typeof reference !== "string") continue;
      try {
        const url = new URL(reference, inner);
        url.hash = "";
        found.push(url.href);
      } catch {
        // Not a URI reference.
      }
    }
    for (const child of Object.values(value)) walk(child, inner);
  };
  walk(node, base);
  return found;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

type Exports = Record<string, { safeParse(value: unknown): { success: boolean } } | undefined>;

function evaluate(source: string): Exports {
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  const exports: Exports = {};
  const load = (specifier: string): unknown => {
    if (specifier !== "zod") throw new Error(`validators.ts imports ${specifier}`);
    return zod;
  };
  new Function("require", "exports", "module", outputText)(load, exports, { exports });
  return exports;
}

function scoreAjv(
  draft: DraftName,
  group: SuiteGroup,
  label: string,
  remotes: Map<string, unknown>,
  score: Score,
) {
  score.total += group.tests.length;
  let validate: (value: unknown) => boolean;
  try {
    const ajv = new DRAFTS[draft].Ajv({ strict: false, validateFormats: true, logger: false });
    addFormats(ajv);
    for (const [uri, remote] of remotes) {
      try {
        ajv.addSchema(remote, uri);
      } catch {
        // A remote written for another draft; the groups that need it fail.
      }
    }
    validate = ajv.compile(group.schema);
  } catch (error) {
    score.refusedGroups++;
    score.refused.push(`${label} — ${(error as Error).message.split("\n")[0]}`);
    return;
  }
  for (const test of group.tests) {
    let verdict: boolean | undefined;
    try {
      verdict = validate(test.data);
    } catch {
      verdict = undefined;
    }
    if (verdict === test.valid) score.passed++;
    else score.wrong.push(`${label}: ${test.description}`);
  }
}

await main();
