/**
 * `pnpm bench`: Postbus against raw PostgreSQL and against its peers (issue 7).
 *
 *   pnpm bench                    full run → docs/benchmarks.md, docs/benchmarks/{results.json,*.svg}
 *   pnpm bench -- --quick         1–2 minute smoke run → $TMPDIR/postbus-bench-quick/ (or --out)
 *   pnpm bench -- --only publish,latency   only these scenarios
 *
 * Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) to create
 * and drop its own database. Exits 1 when a correctness check fails or a scenario crashes;
 * a missed performance target is reported, not fatal.
 */
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { nowMs } from "./lib/clock.js";
import { ConsumerProcess } from "./lib/consumer-process.js";
import { createBenchDatabase } from "./lib/database.js";
import { mergeChecks } from "./lib/merge-checks.js";
import { PAYLOAD_BYTES } from "./lib/payload.js";
import { readMachine } from "./report/machine.js";
import type { RunResult, ScenarioOutcome } from "./report/run-result.js";
import { writeReport } from "./report/write-report.js";
import { scenarios } from "./scenarios/index.js";
import type { BenchContext } from "./scenarios/types.js";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    quick: { type: "boolean", default: process.env.BENCH_QUICK === "1" },
    only: { type: "string" },
    out: { type: "string" },
    rounds: { type: "string" },
  },
});
const quick = values.quick ?? false;
const only = values.only?.split(",").map((name) => name.trim());
const selected = only ? scenarios.filter((scenario) => only.includes(scenario.name)) : scenarios;
if (only && selected.length !== only.length) {
  console.error(
    `unknown scenario in --only; known: ${scenarios.map((scenario) => scenario.name).join(", ")}`,
  );
  process.exit(2);
}
const repo = path.join(import.meta.dirname, "..");
const out = values.out
  ? path.resolve(values.out)
  : quick || only
    ? path.join(os.tmpdir(), "postbus-bench-quick")
    : path.join(repo, "docs");
const rounds = values.rounds ? Number(values.rounds) : quick ? 1 : 4;

/** Errors raised outside any awaited call (a pg client's 'error' event without a listener, …). */
const stray: string[] = [];
process.on("uncaughtException", (error) => {
  stray.push(error.stack ?? error.message);
  console.error(`  ✗ uncaught error (the run will fail): ${error.stack ?? error.message}`);
});
process.on("unhandledRejection", (reason) => {
  const message = reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
  stray.push(message);
  console.error(`  ✗ unhandled rejection (the run will fail): ${message}`);
});

const started = nowMs();
const startedAt = new Date().toISOString();
const db = await createBenchDatabase();
const admin = new pg.Pool({ connectionString: db.url, max: 3 });
process.once("SIGINT", () => {
  console.error(`\ninterrupted: dropping ${db.name}`);
  void consumer
    .close()
    .then(() => admin.end())
    .then(() => db.drop())
    .finally(() => process.exit(130));
});
const consumer = new ConsumerProcess();
const outcomes: ScenarioOutcome[] = [];
let ok = true;
try {
  const machine = await readMachine(admin);
  console.log(
    `postbus bench: ${quick ? "quick" : "full"} run, ${rounds} round(s), database ${db.name}, ${machine.cpus} cores, PostgreSQL ${machine.postgres.server_version}`,
  );
  const context: BenchContext = {
    db,
    admin,
    consumer,
    quick,
    rounds,
    duration: (fullMs) => (quick ? Math.max(500, Math.round(fullMs / 3)) : fullMs),
    log: (line) => console.log(`  ${line}`),
  };
  for (const scenario of selected) {
    console.log(`\n▶ ${scenario.title}`);
    const began = nowMs();
    const strayBefore = stray.length;
    try {
      const measured = await scenario.run(context);
      const strayErrors = stray.slice(strayBefore).map((message) => ({
        name: "no uncaught errors during the scenario",
        ok: false,
        detail: message.split("\n").slice(0, 3).join(" "),
      }));
      const result = { ...measured, checks: mergeChecks([...measured.checks, ...strayErrors]) };
      outcomes.push({ ...scenarioHeader(scenario), seconds: (nowMs() - began) / 1000, result });
      for (const check of result.checks) {
        console.log(`  ${check.ok ? "✓" : "✗ CORRECTNESS FAILURE:"} ${check.name}: ${check.detail}`);
        if (!check.ok) ok = false;
      }
    } catch (error) {
      ok = false;
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      console.error(`  ✗ scenario ${scenario.name} crashed: ${message}`);
      outcomes.push({ ...scenarioHeader(scenario), seconds: (nowMs() - began) / 1000, error: message });
    }
  }
  const run: RunResult = {
    startedAt,
    seconds: (nowMs() - started) / 1000,
    quick,
    rounds,
    payloadBytes: PAYLOAD_BYTES,
    machine,
    scenarios: outcomes,
    ok,
  };
  const written = await writeReport(run, out);
  console.log(`\nwrote ${written.join(", ")}`);
  console.log(`total ${Math.round(run.seconds)} s`);
} finally {
  await consumer.close();
  await admin.end();
  await db.drop();
}
if (!ok) {
  console.error("\npostbus bench: FAILED — a correctness check failed or a scenario crashed (see above)");
  process.exit(1);
}

function scenarioHeader(scenario: (typeof scenarios)[number]) {
  return { name: scenario.name, title: scenario.title, target: scenario.target };
}
