import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { CONFIG_FILE } from "../../../config/load-config.js";
import { cliVersion } from "../../cli-version.js";
import { usageError } from "../../usage-error.js";
import { generateCommand } from "./generate.js";
import {
  INIT_EXAMPLE,
  INIT_PACKAGE_DIR,
  isNpmName,
  projectNameFromFolder,
  scaffold,
} from "./init-scaffold.js";

/** Flags of `postbus init`. */
export interface InitFlags {
  /** Build the generated package's `dist/` after generating (default true). */
  readonly build?: boolean | undefined;
}

/** Where `init` prints, and the project folder (default `process.cwd()`). */
export interface InitIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly cwd?: string | undefined;
}

/**
 * `postbus init`: scaffolds a new project in the current folder — `postbus.config.json`, one example
 * contract under `schemas/`, and a `package.json` (when there is none) that makes the generated
 * package a workspace package — then runs `postbus generate`. Refuses (a usage error, exit 2) and
 * writes nothing when the folder has a `postbus.config.json`, or already holds a file it would write.
 */
export async function initCommand(flags: InitFlags, io: InitIo): Promise<number> {
  const root = path.resolve(io.cwd ?? process.cwd());
  if (await exists(path.join(root, CONFIG_FILE))) {
    throw usageError(
      `${CONFIG_FILE} already exists in ${root}`,
      "postbus init starts a new project; edit that config instead, or run postbus generate",
    );
  }
  const manifest = await readManifest(root);
  const files = scaffold({
    projectName:
      manifest.name !== undefined && isNpmName(manifest.name)
        ? manifest.name
        : projectNameFromFolder(path.basename(root)),
    hasPackageJson: manifest.exists,
    codegenVersion: cliVersion(),
  });
  const taken = [];
  for (const file of files) if (await exists(path.join(root, file.path))) taken.push(file.path);
  if (taken.length > 0) {
    throw usageError(
      `${root} already has ${taken.join(", ")}, which postbus init would write`,
      "Run it in an empty folder, or move those files away first",
    );
  }
  for (const file of files) {
    const target = path.join(root, file.path);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.contents, { flag: "wx" });
    io.out(`created ${file.path}`);
  }
  if (manifest.exists)
    io.out("postbus: package.json left as it was; add the generated package to its workspaces");
  const status = await generateCommand({ build: flags.build !== false }, { ...io, cwd: root });
  if (status !== 0) return status;
  io.out(
    `postbus: ready. Edit ${INIT_EXAMPLE} (or add contracts next to it), then run postbus generate; npm install links ${INIT_PACKAGE_DIR} into the project`,
  );
  return 0;
}

/** The project's `package.json`: whether there is one, and its name when it has a usable one. */
async function readManifest(root: string): Promise<{ exists: boolean; name?: string }> {
  let text: string;
  try {
    text = await readFile(path.join(root, "package.json"), "utf8");
  } catch {
    return { exists: false };
  }
  try {
    const name = (JSON.parse(text) as { name?: unknown }).name;
    return typeof name === "string" && name !== "" ? { exists: true, name } : { exists: true };
  } catch {
    return { exists: true };
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
