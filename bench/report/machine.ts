import os from "node:os";
import type pg from "pg";
import { readServerSettings } from "../lib/database.js";

/** The machine and server a run was measured on. */
export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly loadAverage: readonly number[];
  readonly os: string;
  readonly node: string;
  readonly postgres: Record<string, string>;
}

/** Reads the machine's and the PostgreSQL server's facts. */
export async function readMachine(pool: pg.Pool): Promise<MachineInfo> {
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    loadAverage: os.loadavg().map((value) => Math.round(value * 100) / 100),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: await readServerSettings(pool),
  };
}
