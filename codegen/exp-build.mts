import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
const root = "/tmp/c17/bench";
const src = path.join(root, "packages/types/src");
const files = readdirSync(src).map((f) => ({ path: `packages/types/src/${f}`, contents: readFileSync(path.join(src, f), "utf8") }));
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const { packageCompilerHost } = await import("./src/build/compiler-host.ts");
const opts: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, lib: ["lib.es2022.d.ts"], types: [], strict: true, noUncheckedIndexedAccess: true, verbatimModuleSyntax: true, skipLibCheck: true, declaration: true, emitDeclarationOnly: true, noEmitOnError: false, rootDir: src, outDir: path.join(root, "packages/types/dist") };
const pkg = [path.join(root, "packages/types/package.json"), readFileSync(path.join(root, "packages/types/package.json"), "utf8")] as const;
const variant = process.argv[2];
const t: Record<string, number> = {};
let c = cpu();
const mark = (k: string) => { const n = cpu(); t[k] = Math.round(n - c); c = n; };
let inMemory = new Map([...files.map((f) => [path.join(root, f.path), f.contents] as const), pkg]);
let roots = files.map((f) => path.join(root, f.path));
if (variant === "decl-schemas") {
  const s = files.find((f) => f.path.endsWith("schemas.ts"))!;
  const d = ts.transpileDeclaration(s.contents, { fileName: s.path, compilerOptions: { ...opts } });
  mark("transpileDeclaration schemas");
  console.log("decl diags", d.diagnostics?.length, d.outputText.length);
  const abs = path.join(root, s.path);
  inMemory.delete(abs);
  inMemory.set(abs.replace(/\.ts$/, ".d.ts"), d.outputText);
  roots = roots.map((r) => (r === abs ? abs.replace(/\.ts$/, ".d.ts") : r));
}
const program = ts.createProgram({ rootNames: roots, options: opts, host: packageCompilerHost(opts, inMemory) });
mark("createProgram(parse)");
if (variant !== "nocheck") { ts.getPreEmitDiagnostics(program); mark("check"); }
const out = new Map<string, string>();
const r = program.emit(undefined, (f, x) => out.set(f, x));
mark("declEmit");
console.log("emit diags", r.diagnostics.length, [...out.keys()].map((k) => path.basename(k)).join(" "));
for (const f of files) {
  ts.transpileModule(f.contents, { fileName: f.path, compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } });
  ts.transpileModule(f.contents, { fileName: f.path, compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS } });
  mark(`transpile ${path.basename(f.path)}`);
}
console.log(variant, t, "total", Object.values(t).reduce((a, b) => a + b, 0));
