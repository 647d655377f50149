import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

/** An upcaster file found under the schema folder, its step read from its name. */
export interface UpcasterFile {
  /** Path relative to the config's root, `/`-separated. */
  readonly file: string;
  readonly text: string;
  /** From the name `<event type>.v<from>-to-v<to>.ts`; undefined when the name does not follow it. */
  readonly step: { readonly eventType: string; readonly from: number; readonly to: number } | undefined;
}

/** `order.placed.v1-to-v2.ts` → event type `order.placed`, 1 → 2. */
const STEP_NAME = /^(.+)\.v([1-9][0-9]*)-to-v([1-9][0-9]*)\.ts$/;

/**
 * Finds the upcasters of a schema folder: every `.ts` file inside a folder named
 * `upcasters/` (at any depth), sorted by path. Reads files; writes nothing.
 */
export async function findUpcasters(root: string, schemasDir: string): Promise<UpcasterFile[]> {
  const found: string[] = [];
  await walk(schemasDir, false, found);
  found.sort();
  return Promise.all(
    found.map(async (absolute) => {
      const match = STEP_NAME.exec(path.basename(absolute));
      return {
        file: path.relative(root, absolute).split(path.sep).join("/"),
        text: await readFile(absolute, "utf8"),
        step:
          match === null ? undefined : { eventType: match[1]!, from: Number(match[2]), to: Number(match[3]) },
      };
    }),
  );
}

async function walk(dir: string, inUpcasters: boolean, found: string[]): Promise<void> {
  let entries: import("node:fs").Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  for (const entry of entries) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await walk(full, inUpcasters || entry.name === "upcasters", found);
    else if (inUpcasters && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) found.push(full);
  }
}
