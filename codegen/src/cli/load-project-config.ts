/**
 * The config of a generator command, or a usage error that says why there is none. Without a
 * `postbus.config.json` the defaults apply when a `schemas/` folder is there (a plain folder of
 * schemas generates); otherwise the error says that no config was found and where it was looked
 * for, instead of pointing at a file that does not exist.
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import { CONFIG_FILE, type LoadedConfig, loadConfig } from "../config/load-config.js";
import { usageError } from "./usage-error.js";

/**
 * Loads the config at `configPath` (relative to `cwd`), or the first one from `cwd` upward. Throws
 * `POSTBUS_USAGE` (exit status 2) when `--config` names no file, or when none is found and the
 * default schema folder is missing too.
 *
 * @example
 * ```ts
 * const loaded = await loadProjectConfig(process.cwd(), flags.config);
 * if (loaded.config === undefined) printDiagnostics(loaded.diagnostics);
 * ```
 */
export async function loadProjectConfig(cwd: string, configPath: string | undefined): Promise<LoadedConfig> {
  const start = path.resolve(cwd);
  if (configPath !== undefined) {
    const file = path.resolve(start, configPath);
    if (!(await isFile(file))) {
      throw usageError(
        `No config file at ${file} (--config ${configPath})`,
        `Check the path, or run postbus init in the project's folder to create its ${CONFIG_FILE}`,
      );
    }
    return loadConfig({ cwd: start, configPath });
  }
  const loaded = await loadConfig({ cwd: start });
  if (loaded.file !== undefined || loaded.config === undefined) return loaded;
  if (await isFolder(loaded.config.schemasDir)) return loaded;
  throw usageError(
    `No ${CONFIG_FILE} found in ${start} or any folder above it, and no schemas/ folder there`,
    `Looked for ${CONFIG_FILE} in ${foldersUpward(start).join(", ")}. Run postbus init to start a project here, or pass --config PATH`,
  );
}

/** `/a/b`, `/a`, `/`: where the config is looked for. */
function foldersUpward(start: string): string[] {
  const folders = [start];
  while (path.dirname(folders.at(-1)!) !== folders.at(-1)) folders.push(path.dirname(folders.at(-1)!));
  return folders;
}

async function isFile(file: string): Promise<boolean> {
  return stat(file).then(
    (found) => found.isFile(),
    () => false,
  );
}

async function isFolder(folder: string): Promise<boolean> {
  return stat(folder).then(
    (found) => found.isDirectory(),
    () => false,
  );
}
