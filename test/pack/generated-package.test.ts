/**
 * `postbus generate` for a project outside the workspace (its own schemas, its own
 * package name and version) writes a package that `npm pack` publishes as is: installed
 * from the tarball into a consumer project, it type-checks under tsc --strict and a
 * typed publish/consume runs on PostgreSQL. The same for a generated corpus of 270
 * event types, whose build once failed on its declarations (TS7056).
 */
import { copyFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runCli } from "@postbus/codegen";
import { afterAll, beforeAll, expect, test } from "vitest";
import { EVENTS, writeCorpus } from "../../bench/lib/schema-corpus.js";
import { useTestDatabase } from "../support/test-database.js";
import {
  compile,
  npmInstall,
  npmPack,
  packClient,
  runService,
  writeConsumer,
} from "./support/consumer-project.js";

const db = useTestDatabase();
let work: string;
let client: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "postbus-generated-pack-"));
  client = await packClient(work);
}, 120_000);
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

async function generate(configFile: string): Promise<{ status: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runCli(["generate", "--config", configFile], {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { status, out, err };
}

test("a package generated for a project outside the workspace installs from its tarball, compiles strict and runs typed on PostgreSQL", async () => {
  const project = path.join(work, "shop");
  await cp(fileURLToPath(new URL("./fixture/shop/", import.meta.url)), project, { recursive: true });
  const generated = await generate(path.join(project, "postbus.config.json"));
  expect(generated.err).toEqual([]);
  expect(generated.status).toBe(0);

  const packageDir = path.join(project, "out/shop-events");
  const manifest = JSON.parse(await readFile(path.join(packageDir, "package.json"), "utf8"));
  expect(manifest).toMatchObject({
    name: "@acme/shop-events",
    version: "2.3.0",
    license: "MIT",
    sideEffects: false,
    files: ["dist"],
    dependencies: { zod: "4.6.7" },
  });
  expect(Object.keys(manifest.dependencies)).toEqual(["zod"]);
  expect(await readFile(path.join(packageDir, "README.md"), "utf8")).toContain("`basket.checked-out`");

  const consumer = path.join(work, "shop-consumer");
  await mkdir(consumer);
  await copyFile(
    fileURLToPath(new URL("./fixture/shop-service.ts", import.meta.url)),
    path.join(consumer, "service.ts"),
  );
  const events = await npmPack(packageDir, consumer);
  await writeConsumer(consumer, {
    "@postbus/client": client.replace("file:./", `file:${work}/`),
    "@acme/shop-events": events,
  });
  await npmInstall(consumer);
  expect(await compile(consumer)).toBe("");
  expect(await runService(consumer, db.url)).toEqual({
    version: 1,
    cjsSameEventTypes: true,
    rejected: "POSTBUS_VALIDATION_FAILED",
    handled: ["basket.checked-out 1999 EUR", "parcel.shipped dhl"],
  });
}, 240_000);

test(`a generated package of ${EVENTS} event types builds its declarations, installs, compiles strict and runs typed`, async () => {
  const project = path.join(work, "corpus");
  await writeCorpus(project);
  const started = performance.now();
  const generated = await generate(path.join(project, "postbus.config.json"));
  const seconds = (performance.now() - started) / 1000;
  expect(generated.err).toEqual([]);
  expect(generated.status).toBe(0);
  console.log(`generate + build of ${EVENTS} event types: ${seconds.toFixed(1)} s (${generated.out.at(-1)})`);

  const consumer = path.join(work, "corpus-consumer");
  await mkdir(consumer);
  await writeFile(path.join(consumer, "service.ts"), corpusService());
  const events = await npmPack(path.join(project, "packages/types"), consumer);
  await writeConsumer(consumer, {
    "@postbus/client": client.replace("file:./", `file:${work}/`),
    "@postbus/types": events,
  });
  await npmInstall(consumer);
  expect(await compile(consumer)).toBe("");
  expect(await runService(consumer, db.url)).toEqual({ eventTypes: EVENTS, handled: ["event7.happened a"] });
}, 480_000);

/** A consumer of the corpus package: the registry has every event type, and one is published and consumed typed. */
function corpusService(): string {
  return `import { createTypedPostbus, fromPool, migrate } from "@postbus/client";
import { contracts, type Event7Happened } from "@postbus/types";
import pg from "pg";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, application_name: "corpus-service" });
try {
  await migrate(fromPool(pool));
  const bus = createTypedPostbus({ db: pool, contracts, producer: "service7", listen: false });
  const data: Event7Happened = { subject: { id: "5f0c7f0e-1b2a-4c3d-9e8f-0123456789ab" }, kind: "a", at: "2025-05-15T10:30:45Z" };
  await bus.publish("event7.happened", data);
  // @ts-expect-error: event7.happened requires "at"
  void (() => bus.publish("event7.happened", { subject: { id: "x" } }));
  const handled: string[] = [];
  for (let attempt = 0; handled.length === 0 && attempt < 100; attempt++) {
    await bus.drain({
      group: "corpus",
      channels: ["event7.happened"],
      handler: (event) => {
        handled.push(\`\${event.type} \${event.data.kind}\`);
      },
    });
    if (handled.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await bus.close();
  console.log(JSON.stringify({ eventTypes: Object.keys(contracts).length, handled }));
} finally {
  await pool.end();
}
`;
}
