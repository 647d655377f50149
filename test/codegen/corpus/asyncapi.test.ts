/**
 * A real-world corpus: the draft-07 JSON Schemas of `@asyncapi/specs` (every spec version's
 * `definitions/<version>/*.json`, plus the bindings, extensions and common files they reach through
 * `$id` URLs such as `http://asyncapi.com/definitions/2.6.0/Reference.json`), all marked as
 * definition-only files. Each version must generate with no diagnostics, compile under strict
 * TypeScript, and its real examples (the `examples` arrays and the `examples/<version>/*.json` files
 * that `example: { "$ref": … }` points at) must get the same verdict from the generated zod
 * validators as from ajv (draft-07) on the original files, and be accepted whenever ajv accepts them.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as zod from "zod";
import AjvModule from "../../../codegen/node_modules/ajv/dist/ajv.js";
import addFormatsModule from "../../../codegen/node_modules/ajv-formats/dist/index.js";
import { loadConfig } from "../../../codegen/src/config/load-config.js";
import { emitTypesPackage } from "../../../codegen/src/emit/index.js";
import { MULTIPLE_OF_PRECISION } from "../../../codegen/src/emit/zod/emit-zod.js";
import { generate } from "../../../codegen/src/generate.js";
import type { GeneratedFile } from "../../../codegen/src/ir/model.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const SPECS = path.join(ROOT, "node_modules/@asyncapi/specs");
/** Never written: compiled files are virtual, placed here so `zod` resolves from the workspace. */
const VIRTUAL_DIR = path.join(ROOT, "test/codegen/corpus/.virtual");
const DRAFT_07 = "http://json-schema.org/draft-07/schema#";
const SOURCE_DIRS = ["definitions", "bindings", "extensions", "common"];
/** Spec versions that are not draft-07 corpora: 1.x is draft-04; 2.0.0-rc1 refers into the draft-04 meta-schema. */
const NOT_DRAFT_07 = ["1.0.0", "1.1.0", "1.2.0", "2.0.0-rc1"];

const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface SourceFile {
  /** Path inside the package, e.g. `definitions/2.6.0/info.json`. */
  readonly path: string;
  readonly json: { [key: string]: Json };
}

/** One schema with real examples: the file, the pointer of the schema, the examples. */
interface Subject {
  readonly file: string;
  readonly pointer: string;
  readonly examples: readonly Json[];
}

let byId: Map<string, string>;
let scratch: string;

beforeAll(async () => {
  byId = new Map();
  for (const dir of SOURCE_DIRS) {
    for (const entry of await readdir(path.join(SPECS, dir), { recursive: true })) {
      if (!entry.endsWith(".json")) continue;
      const json = JSON.parse(await readFile(path.join(SPECS, dir, entry), "utf8")) as { $id?: unknown };
      if (typeof json.$id === "string")
        byId.set(json.$id.replace(/#$/, ""), `${dir}/${entry.split(path.sep).join("/")}`);
    }
  }
  scratch = await mkdtemp(path.join(os.tmpdir(), "postbus-corpus-asyncapi-"));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const versions = (await readdir(path.join(SPECS, "definitions"))).sort();

/** The version's definitions and every file they reach through `$ref`s to `http://asyncapi.com/…` `$id`s. */
async function corpus(version: string): Promise<SourceFile[]> {
  const queue = (await readdir(path.join(SPECS, "definitions", version))).map(
    (name) => `definitions/${version}/${name}`,
  );
  const files = new Map<string, SourceFile>();
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (files.has(file)) continue;
    const text = await readFile(path.join(SPECS, file), "utf8");
    files.set(file, { path: file, json: JSON.parse(text) });
    for (const match of text.matchAll(/"\$ref":\s*"(http:\/\/asyncapi\.com\/[^"#]+)/g)) {
      const target = byId.get(match[1] as string);
      if (target !== undefined) queue.push(target);
      else expect(match[1]).toMatch(/^http:\/\/asyncapi\.com\/examples\//);
    }
  }
  return [...files.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Every schema (by pointer) with `examples`, and AsyncAPI's `example: { "$ref": <examples file> }`. */
async function subjectsOf(file: SourceFile): Promise<Subject[]> {
  const subjects: Subject[] = [];
  const visit = async (node: Json, pointer: string): Promise<void> => {
    if (node === null || typeof node !== "object" || Array.isArray(node)) return;
    const examples: Json[] = Array.isArray(node.examples) ? [...node.examples] : [];
    const example = node.example;
    if (example !== undefined && example !== null && typeof example === "object" && !Array.isArray(example)) {
      const ref = example.$ref;
      if (typeof ref === "string" && ref.startsWith("http://asyncapi.com/examples/")) {
        const linked = path.join(SPECS, ref.slice("http://asyncapi.com/".length));
        examples.push(...(JSON.parse(await readFile(linked, "utf8")) as Json[]));
      }
    }
    if (examples.length > 0) subjects.push({ file: file.path, pointer, examples });
    for (const [keyword, value] of Object.entries(node)) {
      if (["enum", "const", "default", "examples", "example"].includes(keyword)) continue;
      const at = `${pointer}/${keyword.replaceAll("~", "~0").replaceAll("/", "~1")}`;
      if (Array.isArray(value)) await Promise.all(value.map((item, index) => visit(item, `${at}/${index}`)));
      else if (value !== null && typeof value === "object") {
        const container = ["properties", "patternProperties", "definitions", "dependencies"].includes(
          keyword,
        );
        if (container) {
          for (const [key, inner] of Object.entries(value))
            await visit(inner, `${at}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`);
        } else await visit(value, at);
      }
    }
  };
  await visit(file.json, "");
  return subjects;
}

/** ajv (draft-07, ajv-formats) over the original files, judging `<$id>#<pointer>`. */
function ajvFor(
  files: readonly SourceFile[],
): (file: SourceFile, pointer: string, value: unknown) => boolean {
  const ajv = new Ajv({ strict: false, multipleOfPrecision: MULTIPLE_OF_PRECISION, allErrors: false });
  addFormats(ajv);
  for (const file of files) ajv.addSchema(file.json);
  return (file, pointer, value) => {
    const id = String(file.json.$id).replace(/#$/, "");
    const validate = ajv.getSchema(pointer === "" ? id : `${id}#${encodeURI(pointer)}`);
    if (validate === undefined) throw new Error(`ajv has no schema ${id}#${pointer}`);
    return validate(value) === true;
  };
}

/** Parsed library files (TypeScript's lib, zod's declarations), shared by every version's program. */
const librarySources = new Map<string, ts.SourceFile>();

/** `tsc --noEmit` in memory: strict, noUncheckedIndexedAccess, NodeNext; returns the diagnostics. */
function typecheck(files: readonly GeneratedFile[], dir: string): string[] {
  const virtual = new Map(files.map((file) => [path.join(dir, file.path), file.contents]));
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2023.d.ts"],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: false,
    verbatimModuleSyntax: true,
    isolatedModules: true,
    skipLibCheck: true,
    noEmit: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile: read } = host;
  host.fileExists = (file) => virtual.has(file) || fileExists.call(host, file);
  host.directoryExists = (directory) =>
    [...virtual.keys()].some((file) => file.startsWith(`${directory}${path.sep}`)) ||
    ts.sys.directoryExists(directory);
  host.readFile = (file) => virtual.get(file) ?? read.call(host, file);
  host.getSourceFile = (file, language, onError, create) => {
    const text = virtual.get(file);
    if (text !== undefined) return ts.createSourceFile(file, text, language, true);
    const cached = librarySources.get(file);
    if (cached !== undefined) return cached;
    const parsed = getSourceFile.call(host, file, language, onError, create);
    if (parsed !== undefined) librarySources.set(file, parsed);
    return parsed;
  };
  const program = ts.createProgram([...virtual.keys()], options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
    if (!diagnostic.file || diagnostic.start === undefined) return message;
    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    return `${path.relative(dir, diagnostic.file.fileName)}:${line + 1}:${character + 1} ${message}`;
  });
}

type SafeParse = (value: unknown) => { readonly success: boolean };

/** The generated `validators.ts`, transpiled and run with `require("zod")` answered by the workspace's zod. */
function loadValidators(source: string): Readonly<Record<string, { safeParse: SafeParse }>> {
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  const exports: Record<string, { safeParse: SafeParse }> = {};
  const require = (specifier: string): unknown => {
    if (specifier !== "zod") throw new Error(`validators.ts imports ${specifier}`);
    return zod;
  };
  new Function("require", "exports", "module", outputText)(require, exports, { exports });
  return exports;
}

/** Every version's generated files, under `<version>/`: type-checked together in one program. */
const generated: GeneratedFile[] = [];
const totals = { versions: 0, files: 0, definitions: 0, examples: 0, upstreamInvalid: 0 };

describe("the @asyncapi/specs draft-07 corpus", () => {
  it("covers every spec version except the draft-04 ones", () => {
    expect(versions.filter((version) => NOT_DRAFT_07.includes(version))).toEqual(NOT_DRAFT_07);
  });

  it.each(versions.filter((version) => !NOT_DRAFT_07.includes(version)))(
    "AsyncAPI %s generates, compiles and agrees with ajv on its examples",
    async (version) => {
      const files = await corpus(version);
      for (const file of files) expect(file.json.$schema, file.path).toBe(DRAFT_07);
      const judge = ajvFor(files);
      const byPath = new Map(files.map((file) => [file.path, file]));
      const subjects = (await Promise.all(files.map(subjectsOf))).flat();

      // Upstream examples that ajv rejects (typos such as `msgVpn` for `msvVpn`) would fail the
      // generator's own example check; they are left out of the copy, and only agreement is required.
      const project = path.join(scratch, version);
      const dropped = new Map<string, Set<number>>();
      for (const subject of subjects) {
        const file = byPath.get(subject.file) as SourceFile;
        subject.examples.forEach((example, index) => {
          if (judge(file, subject.pointer, example)) return;
          const key = `${subject.file}#${subject.pointer}`;
          dropped.set(key, (dropped.get(key) ?? new Set()).add(index));
        });
      }
      for (const file of files) {
        const copy = structuredClone(file.json);
        for (const [key, indexes] of dropped) {
          const [name, pointer] = key.split("#") as [string, string];
          if (name !== file.path) continue;
          let node: Json = copy;
          for (const segment of pointer.split("/").slice(1))
            node = (node as Record<string, Json>)[
              segment.replaceAll("~1", "/").replaceAll("~0", "~")
            ] as Json;
          const holder = node as Record<string, Json>;
          if (Array.isArray(holder.examples))
            holder.examples = holder.examples.filter((_, index) => !indexes.has(index));
        }
        const target = path.join(project, "schemas", file.path);
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, `${JSON.stringify(copy, null, 2)}\n`);
      }
      await writeFile(
        path.join(project, "postbus.config.json"),
        JSON.stringify({
          schemas: "schemas",
          definitions: ["schemas/**"],
          packages: { types: { dir: "packages/types", name: "@asyncapi-corpus/types" } },
        }),
      );

      const { config, diagnostics: configProblems } = await loadConfig({ cwd: project });
      expect(configProblems).toEqual([]);
      if (config === undefined) throw new Error("no config");
      const started = performance.now();
      const result = await generate(config, { emit: emitTypesPackage });
      const generateMs = performance.now() - started;
      expect(
        result.diagnostics.map(
          (d) => `${d.location.file}:${d.location.line} ${d.code} ${d.message} at ${d.location.pointer}`,
        ),
      ).toEqual([]);
      const model = result.model;
      if (model === undefined) throw new Error("no model");
      const definitions = new Map(
        model.definitions.map((definition) => [
          `${definition.source.file}#${definition.source.pointer}`,
          definition.name,
        ]),
      );
      // Every file is a definition (one per file at least), none an event.
      for (const file of files) expect(definitions.has(`schemas/${file.path}#`), file.path).toBe(true);
      expect(model.events).toEqual([]);

      generated.push(
        ...result.files
          .filter((file) => file.path.endsWith(".ts"))
          .map((file) => ({ ...file, path: `${version}/${file.path}` })),
      );

      const validatorsFile = result.files.find((file) => file.path.endsWith("/validators.ts"));
      const validators = loadValidators(validatorsFile?.contents ?? "");
      const disagreements: string[] = [];
      let checked = 0;
      let upstreamInvalid = 0;
      for (const subject of subjects) {
        const name = definitions.get(`schemas/${subject.file}#${subject.pointer}`);
        if (name === undefined) throw new Error(`${subject.file}#${subject.pointer} is no definition`);
        const schema = validators[`${name}Schema`];
        if (schema === undefined) throw new Error(`validators.ts has no ${name}Schema`);
        const file = byPath.get(subject.file) as SourceFile;
        subject.examples.forEach((example, index) => {
          const byAjv = judge(file, subject.pointer, example);
          const byZod = schema.safeParse(example).success;
          checked++;
          if (!byAjv) upstreamInvalid++;
          if (byAjv !== byZod)
            disagreements.push(
              `${subject.file}#${subject.pointer} example ${index}: ajv ${byAjv}, zod ${byZod}`,
            );
        });
      }
      expect(disagreements).toEqual([]);
      totals.versions++;
      totals.files += files.length;
      totals.definitions += model.definitions.length;
      totals.examples += checked;
      totals.upstreamInvalid += upstreamInvalid;
      console.info(
        `asyncapi ${version}: ${files.length} files, ${model.definitions.length} definitions, ${checked} examples (${upstreamInvalid} invalid upstream), generated in ${Math.round(generateMs)} ms`,
      );
    },
    60_000,
  );

  it("every version's generated package compiles under strict TypeScript", () => {
    expect(generated.length).toBe(totals.versions * 5);
    const started = performance.now();
    expect(typecheck(generated, VIRTUAL_DIR)).toEqual([]);
    console.info(`type-checked ${totals.versions} packages in ${Math.round(performance.now() - started)} ms`);
  }, 120_000);

  afterAll(() => {
    console.info(`asyncapi corpus: ${JSON.stringify(totals)}`);
  });
});
