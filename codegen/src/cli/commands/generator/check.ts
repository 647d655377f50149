import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { fromPool, readStatus } from "@postbus/client";
import { changesetFor } from "../../../compat/changeset.js";
import { checkCompatibility } from "../../../compat/check-compatibility.js";
import type { ContractSide } from "../../../compat/contract-side.js";
import {
  CHECK_FORMATS,
  type CheckFormat,
  type CheckOutput,
  formatCheck,
  liveGroupsOf,
} from "../../../compat/format-report.js";
import { openGitRepository } from "../../../compat/git-snapshot.js";
import { loadSide } from "../../../compat/load-side.js";
import { nextVersion, recommendBump } from "../../../compat/recommend-bump.js";
import { createUpcastRun, type UpcastReport } from "../../../compat/run-upcasters.js";
import { scanStoredLog } from "../../../compat/scan-stored-log.js";
import { type StoredLogReport, storedContractCheck } from "../../../compat/stored-log.js";
import { coverFindings } from "../../../compat/upcaster-coverage.js";
import { createGenerateCache } from "../../../generate.js";
import { isTransitive } from "../../../ir/compatibility-modes.js";
import { formatDiagnostic } from "../../../ir/diagnostic.js";
import type { Diagnostic } from "../../../ir/model.js";
import { importUpcasters } from "../../../upcast/import-upcasters.js";
import { connect, type DatabaseFlags } from "../../connect.js";
import { loadProjectConfig } from "../../load-project-config.js";
import { usageError } from "../../usage-error.js";

/** Flags of `postbus check`. */
export interface CheckFlags extends DatabaseFlags {
  readonly config?: string | undefined;
  readonly against?: string | undefined;
  readonly format?: string | undefined;
  readonly sample?: string | undefined;
  readonly "max-history"?: string | undefined;
  readonly strict?: boolean | undefined;
  /** Write the recommended bump as a changeset (`.changeset/postbus-<bump>-<hash>.md`). */
  readonly changeset?: boolean | undefined;
}

/** Where `check` writes. */
export interface CheckIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Folder the config is looked up from; default `process.cwd()`. */
  readonly cwd?: string | undefined;
  /** Whether to draw a progress line on stderr while reading stored events; default: stderr is a terminal and CI is unset. */
  readonly progress?: boolean | undefined;
}

/** The exit statuses of `postbus check`. */
export const CHECK_EXIT = { compatible: 0, breaking: 1, usage: 2 } as const;

const DEFAULT_MAX_HISTORY = 100;

/**
 * `postbus check [--against REF] [--database-url URL] [--format text|json|github]
 * [--sample N] [--max-history N] [--strict]`: compares the working tree's contracts with
 * those at `REF` (default `HEAD`), read from git without a checkout. Exits 0 when
 * compatible (unproven changes are warnings, errors with `--strict`), 1 when a change
 * is breaking, stored events fail the new contracts or an upcaster fails on an example or a
 * stored event, 2 for usage or contract errors (upcasters that do not type-check included).
 * A breaking change between versions that an upcaster chain covers is reported as covered.
 * Recommends the release's semver bump (`release:`); with `--changeset` writes it as a
 * changeset for `@changesets/cli`, else writes nothing.
 */
export async function checkCommand(args: readonly string[], flags: CheckFlags, io: CheckIo): Promise<number> {
  if (args.length > 0) {
    throw usageError(
      "check takes no arguments",
      "Usage: postbus check [--against REF] [--database-url URL] [--format text|json|github]",
    );
  }
  const format = (flags.format ?? "text") as CheckFormat;
  if (!(CHECK_FORMATS as readonly string[]).includes(format)) {
    throw usageError(`--format must be one of ${CHECK_FORMATS.join(", ")} (got "${flags.format}")`);
  }
  const sample = flags.sample === undefined ? undefined : positiveInteger("--sample", flags.sample, 10_000);
  const maxHistory =
    flags["max-history"] === undefined
      ? DEFAULT_MAX_HISTORY
      : positiveInteger("--max-history", flags["max-history"], 10_000);
  if (sample !== undefined && flags["database-url"] === undefined && !process.env.DATABASE_URL) {
    throw usageError(
      "--sample needs a database",
      "Pass --database-url (or set DATABASE_URL) to check stored events",
    );
  }
  const loaded = await loadProjectConfig(io.cwd ?? process.cwd(), flags.config);
  if (loaded.config === undefined) return contractErrors(loaded.diagnostics, "the config", io);
  const config = loaded.config;
  const cache = createGenerateCache();
  const current = await loadSide(config, "the working tree", undefined, cache, { upcasters: true });
  if (current.side === undefined) return contractErrors(current.diagnostics, "the working tree", io);

  const ref = flags.against ?? "HEAD";
  const repository = await openGitRepository(config.root, config.schemasDir);
  const snapshot = await repository.snapshot(ref);
  const old = await loadSide(config, ref, snapshot.source, cache);
  if (old.side === undefined)
    return contractErrors(old.diagnostics, `${ref} (${snapshot.commit.slice(0, 12)})`, io);

  const history: ContractSide[] = [];
  const modes = [...current.side.model.events, ...old.side.model.events].map(
    (event) => event.compatibility ?? config.compatibility,
  );
  if (modes.some(isTransitive)) {
    for (const commit of await repository.history(ref, maxHistory)) {
      if (commit === snapshot.commit) continue;
      const earlier = await repository.snapshot(commit);
      const side = await loadSide(config, commit.slice(0, 12), earlier.source, cache);
      if (side.side !== undefined) history.push(side.side);
      else
        io.err(
          `postbus: skipped commit ${commit.slice(0, 12)} for the transitive modes: its contracts do not load`,
        );
    }
  }

  const compared = checkCompatibility({
    old: old.side,
    current: current.side,
    history,
    defaultMode: config.compatibility,
  });
  // A breaking change between versions that upcasters take care of is covered, not breaking.
  const report = { ...compared, findings: coverFindings(compared.findings, current.side.model) };
  const steps = current.side.model.upcasters ?? [];
  const upcastRun =
    steps.length === 0 ? undefined : createUpcastRun(current.side, await importUpcasters(steps));
  upcastRun?.examples();

  let storedEvents: StoredLogReport | null = null;
  let upcasters: UpcastReport | null = upcastRun?.report(null) ?? null;
  let liveGroups: CheckOutput["liveGroups"] = null;
  if (flags["database-url"] !== undefined || process.env.DATABASE_URL) {
    const connection = connect(flags);
    try {
      const progress = io.progress ?? (process.stderr.isTTY === true && !process.env.CI);
      const started = performance.now();
      // One pass over the log serves both checks: the new contracts, and the upcaster chains.
      const contracts = storedContractCheck(old.side, current.side, report.events);
      const read = await scanStoredLog(
        connection.bus,
        [...contracts.channels, ...(upcastRun?.channels ?? [])],
        {
          sample,
          onProgress: progress
            ? (count) => process.stderr.write(`\rpostbus check: ${count} stored events read`)
            : undefined,
        },
        (event) => {
          contracts.visit(event);
          upcastRun?.visit(event);
        },
      );
      storedEvents = contracts.report(read, performance.now() - started);
      upcasters = upcastRun?.report(read) ?? null;
      if (progress) process.stderr.write("\n");
      const status = await readStatus(fromPool(connection.pool), { schema: connection.bus.schema });
      const channels = report.events
        .filter((event) => event.status !== "unchanged")
        .map((event) => event.channel);
      liveGroups = liveGroupsOf(status.groups, new Set(channels));
    } finally {
      await connection.close();
    }
  }

  const breaking = report.findings.filter((finding) => finding.severity === "breaking").length;
  const covered = report.findings.filter((finding) => finding.severity === "covered").length;
  const unproven = report.findings.length - breaking - covered;
  const upcastFailed = upcasters?.failed ?? null;
  const storedRejected =
    storedEvents === null ? null : storedEvents.results.reduce((sum, result) => sum + result.rejected, 0);
  const count = (status: string) => report.events.filter((event) => event.status === status).length;
  const recommendation = recommendBump(report, old.side.model, current.side.model);
  const compatible =
    breaking === 0 &&
    (storedRejected ?? 0) === 0 &&
    (upcastFailed ?? 0) === 0 &&
    (!flags.strict || unproven === 0);
  const output: CheckOutput = {
    formatVersion: 1,
    against: { ref, commit: snapshot.commit },
    compatible,
    summary: {
      breaking,
      unproven,
      covered,
      changed: count("changed"),
      added: count("added"),
      removed: count("removed"),
      renamed: count("renamed"),
      storedRejected,
      upcastFailed,
    },
    events: report.events,
    findings: report.findings,
    storedEvents,
    upcasters,
    liveGroups,
    release: {
      package: config.types.name,
      version: config.types.version,
      bump: recommendation.bump,
      nextVersion: nextVersion(config.types.version, recommendation.bump),
      reasons: recommendation.reasons,
    },
  };
  for (const line of formatCheck(output, format)) io.out(line);
  if (flags.changeset) await writeChangeset(config.root, changesetFor(config.types.name, recommendation), io);
  return compatible ? CHECK_EXIT.compatible : CHECK_EXIT.breaking;
}

/** Writes the changeset under `root` (unless the same one is there); says so on stderr. */
async function writeChangeset(
  root: string,
  changeset: ReturnType<typeof changesetFor>,
  io: CheckIo,
): Promise<void> {
  if (changeset === undefined) {
    io.err("postbus: no contract changed; no changeset written");
    return;
  }
  const target = path.join(root, changeset.path);
  const existing = await readFile(target, "utf8").catch(() => undefined);
  if (existing === changeset.contents) {
    io.err(`postbus: ${changeset.path} is already there`);
    return;
  }
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, changeset.contents);
  io.err(`postbus: wrote ${changeset.path}`);
  const configured = await stat(path.join(root, ".changeset/config.json")).then(
    () => true,
    () => false,
  );
  if (!configured)
    io.err("postbus: .changeset/config.json is missing: run `npx @changesets/cli@2.31.1 init` once");
}

function contractErrors(diagnostics: readonly Diagnostic[], where: string, io: CheckIo): number {
  for (const d of diagnostics) io.err(formatDiagnostic(d));
  io.err(
    `postbus: the contracts of ${where} have ${diagnostics.length} ${diagnostics.length === 1 ? "problem" : "problems"}; nothing was compared`,
  );
  return CHECK_EXIT.usage;
}

function positiveInteger(flag: string, value: string, max: number): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < 1 || number > max) {
    throw usageError(`${flag} must be an integer from 1 to ${max} (got "${value}")`);
  }
  return number;
}
