import { readFile } from "node:fs/promises";

/** How one input differs from what the watch last saw of it. */
export interface ContentChange {
  /** Absolute path. */
  readonly file: string;
  readonly kind: "added" | "changed" | "removed";
}

/**
 * The last seen text of each watched input (absent files have none). A file-system
 * event only says something may have changed; {@link ContentSnapshot.compare} reads
 * the file and reports it only when its text differs, so a save without an edit,
 * a `touch` or the temporary files of an atomic save regenerate nothing.
 */
export interface ContentSnapshot {
  /** Reads `files` and remembers their texts without reporting anything (the start, a config switch). */
  seed(files: readonly string[]): Promise<void>;
  /** Reads `files` and returns those whose text differs from the last seen one, remembering the new texts. */
  compare(files: readonly string[]): Promise<ContentChange[]>;
}

/** A new, empty {@link ContentSnapshot}. */
export function createContentSnapshot(): ContentSnapshot {
  const texts = new Map<string, string>();
  const remember = (file: string, text: string | undefined) => {
    if (text === undefined) texts.delete(file);
    else texts.set(file, text);
  };
  return {
    async seed(files) {
      const read = await Promise.all(files.map(readIfPresent));
      files.forEach((file, index) => {
        remember(file, read[index]);
      });
    },
    async compare(files) {
      const read = await Promise.all(files.map(readIfPresent));
      const changes: ContentChange[] = [];
      files.forEach((file, index) => {
        const before = texts.get(file);
        const after = read[index];
        if (before === after) return;
        changes.push({
          file,
          kind: before === undefined ? "added" : after === undefined ? "removed" : "changed",
        });
        remember(file, after);
      });
      return changes;
    },
  };
}

/** A file's text, or `undefined` when it does not exist (or is a folder). */
async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "EISDIR" || code === "ENOTDIR") return undefined;
    throw error;
  }
}
