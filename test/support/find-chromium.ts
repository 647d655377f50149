/**
 * Finds a Chromium for the browser tests: the system's `/usr/bin/chromium` when there is one, else the
 * Chromium inside the `@sparticuz/chromium` devDependency (binary, NSS libraries and a font), unpacked
 * once per checkout into `node_modules/.cache/postbus-chromium/<version>/`. Nothing is installed
 * outside `node_modules`, so `npm test` needs no apt.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";

/** Where Debian's `chromium` package puts its browser. */
export const SYSTEM_CHROMIUM = "/usr/bin/chromium";

/** A Chromium to launch: its executable and what it needs besides the caller's own arguments. */
export interface ChromiumLaunch {
  /** `system` for {@link SYSTEM_CHROMIUM} or a path given in `POSTBUS_CHROMIUM`, `bundled` for the npm one. */
  readonly source: "system" | "bundled";
  readonly executablePath: string;
  /** Environment variables the browser needs on top of the test's own (empty for a system Chromium). */
  readonly env: Readonly<Record<string, string>>;
}

const PACKAGE = "@sparticuz/chromium";
const root = fileURLToPath(new URL("../..", import.meta.url));
/** The package's archives, each unpacked by the package's own `inflate` into the folder of `TMPDIR`. */
const ARCHIVES = ["chromium.br", "fonts.tar.br", "swiftshader.tar.br", "al2023.tar.br"];
/** Written last into an unpacked folder: a folder without it is an interrupted unpack and is not used. */
const COMPLETE = ".complete";
/** Between a version and a random suffix: the name of a folder still being unpacked. */
const UNPACKING = ".unpacking-";

/**
 * The Chromium the browser tests launch. `POSTBUS_CHROMIUM` chooses:
 * - unset or empty: {@link SYSTEM_CHROMIUM} if it exists, else the bundled one;
 * - `bundled`: always the Chromium of `@sparticuz/chromium` (to try the bare-machine path on a
 *   machine that has a system Chromium);
 * - `system`: {@link SYSTEM_CHROMIUM}, failing if it is missing;
 * - an absolute path: that executable (a Chrome or Chromium elsewhere, e.g. on macOS).
 *
 * The bundled Chromium is Linux x64 only. It gets `LD_LIBRARY_PATH` pointing at its own NSS and expat
 * libraries and a fontconfig file (`FONTCONFIG_FILE`) with its Open Sans plus the system's fonts when
 * `/etc/fonts/fonts.conf` exists; on a machine without fonts all text is Open Sans (code included).
 *
 * @example
 * const found = await findChromium();
 * const browser = await chromium.launch({
 *   executablePath: found.executablePath,
 *   env: { ...process.env, ...found.env },
 * });
 */
export async function findChromium(choice = process.env.POSTBUS_CHROMIUM ?? ""): Promise<ChromiumLaunch> {
  if (choice === "" && existsSync(SYSTEM_CHROMIUM)) return system(SYSTEM_CHROMIUM);
  if (choice === "" || choice === "bundled") return bundled();
  if (choice === "system") return system(SYSTEM_CHROMIUM);
  if (path.isAbsolute(choice)) return system(choice);
  throw new Error(
    `POSTBUS_CHROMIUM=${choice} is not understood: use "bundled", "system" or an absolute path to a Chromium (unset: ${SYSTEM_CHROMIUM} if it exists, else bundled)`,
  );
}

function system(executablePath: string): ChromiumLaunch {
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium is missing at ${executablePath}. Unset POSTBUS_CHROMIUM (or set it to "bundled") to use the Chromium of ${PACKAGE}`,
    );
  }
  return { source: "system", executablePath, env: {} };
}

async function bundled(): Promise<ChromiumLaunch> {
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error(
      `No Chromium: ${SYSTEM_CHROMIUM} is missing and the Chromium of ${PACKAGE} runs on Linux x64 only (this is ${process.platform} ${process.arch}). Set POSTBUS_CHROMIUM to the path of a Chrome or Chromium`,
    );
  }
  const entry = createRequire(import.meta.url).resolve(PACKAGE);
  const packageRoot = path.join(path.dirname(entry), "..");
  const { version } = JSON.parse(await readFile(path.join(packageRoot, "package.json"), "utf8")) as {
    version: string;
  };
  const folder = path.join(root, "node_modules/.cache/postbus-chromium", version);
  if (!existsSync(path.join(folder, COMPLETE))) await unpack(entry, path.join(packageRoot, "bin"), folder);
  return {
    source: "bundled",
    executablePath: path.join(folder, "chromium"),
    env: {
      LD_LIBRARY_PATH: [path.join(folder, "al2023/lib"), process.env.LD_LIBRARY_PATH]
        .filter((part) => part !== undefined && part !== "")
        .join(":"),
      FONTCONFIG_FILE: path.join(folder, "fonts.conf"),
    },
  };
}

/**
 * Unpacks the package's archives into a fresh folder next to `folder`, then renames it to `folder`, so
 * a test run that is killed midway, or two runs at once, never leave a half-unpacked Chromium in use.
 * The package's `inflate` writes into `os.tmpdir()`, so it runs in a child process whose `TMPDIR` is
 * the fresh folder (the package's `executablePath()` would unpack into the shared `/tmp` instead).
 */
async function unpack(entry: string, bin: string, folder: string): Promise<void> {
  await mkdir(path.dirname(folder), { recursive: true });
  await removeAbandoned(folder);
  const staging = await mkdtemp(`${folder}${UNPACKING}`);
  try {
    const script = `const { inflate } = await import(${JSON.stringify(pathToFileURL(entry).href)});
await Promise.all(${JSON.stringify(ARCHIVES.map((archive) => path.join(bin, archive)))}.map((file) => inflate(file)));`;
    await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
      env: { ...process.env, TMPDIR: staging },
    });
    await writeFile(path.join(staging, "fonts.conf"), fontconfig(folder));
    await writeFile(path.join(staging, COMPLETE), "");
    await install(staging, folder);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Renames `staging` to `folder`, unless another run got there first; moves an incomplete `folder` aside. */
async function install(staging: string, folder: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await rename(staging, folder);
    } catch (error) {
      if (existsSync(path.join(folder, COMPLETE))) return; // another run finished first: use its folder
      const code = (error as NodeJS.ErrnoException).code;
      if (attempt > 2 || (code !== "ENOTEMPTY" && code !== "EEXIST")) throw error;
      // Only a complete folder is ever renamed in, so this one lost files since (a temp cleaner).
      const aside = `${folder}${UNPACKING}stale-${process.pid}`;
      await rename(folder, aside).catch(() => undefined); // another run may have moved it already
      await rm(aside, { recursive: true, force: true });
    }
  }
}

/** Removes the staging folders of unpacks that were killed (older than an hour; an unpack takes seconds). */
async function removeAbandoned(folder: string): Promise<void> {
  const parent = path.dirname(folder);
  const prefix = `${path.basename(folder)}${UNPACKING}`;
  for (const name of await readdir(parent)) {
    if (!name.startsWith(prefix)) continue;
    const stale = path.join(parent, name);
    const age = await stat(stale).then(
      (found) => Date.now() - found.mtimeMs,
      () => 0,
    ); // gone already
    if (age > 3_600_000) await rm(stale, { recursive: true, force: true });
  }
}

/** A fontconfig file: the system's configuration when there is one, then the bundled Open Sans. */
function fontconfig(folder: string): string {
  return `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>${path.join(folder, "fonts/fonts")}</dir>
  <cachedir>${path.join(folder, "fontconfig-cache")}</cachedir>
</fontconfig>
`;
}
