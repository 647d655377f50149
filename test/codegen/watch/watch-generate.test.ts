import { rename, rm, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { runCli } from "@postbus/codegen";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { eventually } from "../../support/eventually.js";
import { json, type TempProject, tempProject } from "../support/project.js";

// `postbus generate --watch` as the command line runs it: `runCli`, the real emitter
// (types package and catalog), chokidar on real files in a temp folder.

const CONFIG = { schemas: "schemas", packages: { types: { dir: "out/types", name: "@acme/events" } } };
const FILES = {
  "postbus.config.json": json(CONFIG),
  "schemas/shared/money.json": json({ type: "object", properties: { amount: { type: "number" } } }),
  "schemas/orders/order.placed.yaml": "type: object\nproperties:\n  id: { type: string }\n",
  "schemas/signals/signal.triggered.json": json({
    type: "object",
    properties: { price: { $ref: "../shared/money.json" } },
  }),
};
const TYPES = "out/types/src/types.ts";
const GENERATED = /^postbus: generated in (\d+) ms/;

let project: TempProject;
let watch: Watching | undefined;

beforeEach(async () => {
  project = await tempProject(FILES);
});

afterEach(async () => {
  await watch?.stop();
  watch = undefined;
  await project.remove();
});

interface Watching {
  readonly out: string[];
  readonly err: string[];
  /** The generation lines so far. */
  generations(): string[];
  /** Waits for the `count`-th generation line and returns it. */
  generation(count: number): Promise<string>;
  /** Waits until an error line matches. */
  errorLine(pattern: RegExp): Promise<string>;
  stop(): Promise<number>;
}

async function startWatch(): Promise<Watching> {
  const out: string[] = [];
  const err: string[] = [];
  const abort = new AbortController();
  const status = runCli(["generate", "--watch", "--config", path.join(project.root, "postbus.config.json")], {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    signal: abort.signal,
  });
  const generations = () => out.filter((line) => GENERATED.test(line));
  const watching: Watching = {
    out,
    err,
    generations,
    async generation(count) {
      await waitFor(() => generations().length >= count, `generation ${count}`, out, err);
      return generations()[count - 1]!;
    },
    async errorLine(pattern) {
      await waitFor(() => err.some((line) => pattern.test(line)), `an error line ${pattern}`, out, err);
      return err.find((line) => pattern.test(line))!;
    },
    async stop() {
      abort.abort();
      return status;
    },
  };
  await waitFor(() => out.some((line) => line.startsWith("postbus: watching")), "the watcher", out, err);
  return watching;
}

async function waitFor(condition: () => boolean, what: string, out: string[], err: string[]): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}\nout:\n${out.join("\n")}\nerr:\n${err.join("\n")}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

let saves = 0;

/**
 * What an editor's atomic save does: write a hidden temp file next to the target (gedit's
 * `.goutputstream-*`, Go's renameio, many atomic-write libraries), then rename it over.
 * `outside` puts the temp file in the project root instead, outside the schema folder.
 */
async function atomicSave(
  relative: string,
  text: string,
  where: "beside" | "outside" = "beside",
): Promise<void> {
  const target = path.join(project.root, relative);
  const folder = where === "beside" ? path.dirname(target) : project.root;
  const temp = path.join(folder, `.${path.basename(target)}.${++saves}.tmp`);
  await writeFile(temp, text);
  await rename(temp, target);
}

/** Long enough for the watcher to have reacted to anything it was going to react to. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 600));

const orderWith = (field: string) =>
  `type: object\nproperties:\n  id: { type: string }\n  ${field}: { type: string }\n`;

describe("postbus generate --watch", () => {
  it("regenerates once for each of ten atomic saves in a row, the last with the tenth content", async () => {
    watch = await startWatch();
    expect(watch.generations()).toHaveLength(1);
    for (let save = 1; save <= 10; save++) {
      await atomicSave("schemas/orders/order.placed.yaml", orderWith(`edit${save}`));
      const line = await watch.generation(1 + save);
      expect(line).toMatch(/ after schemas\/orders\/order\.placed\.yaml changed; wrote /);
      expect(await project.read(TYPES)).toContain(`edit${save}`);
    }
    await settle();
    expect(watch.generations()).toHaveLength(11);
    const types = await project.read(TYPES);
    expect(types).toContain("edit10");
    expect(types).not.toContain("edit9");
    expect(watch.err).toEqual([]);
  });

  it("sees atomic saves whose temp file is written outside the schema folder", async () => {
    watch = await startWatch();
    for (let save = 1; save <= 3; save++) {
      await atomicSave("schemas/orders/order.placed.yaml", orderWith(`outside${save}`), "outside");
      expect(await watch.generation(1 + save)).toMatch(
        / after schemas\/orders\/order\.placed\.yaml changed; /,
      );
      expect(await project.read(TYPES)).toContain(`outside${save}`);
    }
  });

  it("sees a second in-place write that lands within chokidar's 50 ms change throttle of the first", async () => {
    watch = await startWatch();
    const file = path.join(project.root, "schemas/orders/order.placed.yaml");
    // The first write's batch runs 40 ms after its event; a second write a little later lands
    // after that batch read the file but inside chokidar's throttle: no event of its own.
    for (let round = 1; round <= 8; round++) {
      await writeFile(file, orderWith(`first${round}`));
      await new Promise((resolve) => setTimeout(resolve, 40 + round * 2));
      await writeFile(file, orderWith(`second${round}`));
      const types = await eventually(
        () => project.read(TYPES),
        (text) => text.includes(`second${round}`),
      );
      expect(types).toContain(`second${round}`);
    }
  });

  it("does not regenerate for a save, a touch or a temp file that change no input's contents", async () => {
    watch = await startWatch();
    await atomicSave("schemas/orders/order.placed.yaml", FILES["schemas/orders/order.placed.yaml"]);
    await writeFile(
      path.join(project.root, "schemas/signals/signal.triggered.json"),
      FILES["schemas/signals/signal.triggered.json"],
    );
    const now = new Date();
    await utimes(path.join(project.root, "postbus.config.json"), now, now);
    await writeFile(path.join(project.root, "schemas/orders/notes.txt"), "not a schema");
    await writeFile(path.join(project.root, "schemas/orders/.order.placed.yaml.swp"), "vim's swap file");
    await settle();
    expect(watch.generations()).toHaveLength(1);
  });

  it("generates a new schema file and removes the output of a deleted one", async () => {
    watch = await startWatch();
    await project.write(
      "schemas/orders/order.shipped.yaml",
      "type: object\nproperties:\n  carrier: { type: string }\n",
    );
    expect(await watch.generation(2)).toMatch(/ after schemas\/orders\/order\.shipped\.yaml added; wrote /);
    expect(await project.read(TYPES)).toContain("carrier");
    expect(await project.read("out/types/src/registry.ts")).toContain("order.shipped");

    await rm(path.join(project.root, "schemas/orders/order.shipped.yaml"));
    expect(await watch.generation(3)).toMatch(/ after schemas\/orders\/order\.shipped\.yaml removed; wrote /);
    expect(await project.read(TYPES)).not.toContain("carrier");
    expect(await project.read("out/types/src/registry.ts")).not.toContain("order.shipped");
  });

  it("regenerates the events that use a shared definition when the definition changes", async () => {
    watch = await startWatch();
    await atomicSave(
      "schemas/shared/money.json",
      json({ type: "object", properties: { amount: { type: "number" }, currency: { type: "string" } } }),
    );
    expect(await watch.generation(2)).toMatch(/ after schemas\/shared\/money\.json changed; wrote /);
    expect(await project.read(TYPES)).toContain("currency");
  });

  it("reloads postbus.config.json, and watches the schema folder it names from then on", async () => {
    watch = await startWatch();
    await atomicSave(
      "postbus.config.json",
      json({ ...CONFIG, packages: { types: { ...CONFIG.packages.types, name: "@acme/contracts" } } }),
    );
    expect(await watch.generation(2)).toMatch(/ after postbus\.config\.json changed; wrote /);
    expect(JSON.parse(await project.read("out/types/package.json")).name).toBe("@acme/contracts");

    await project.write(
      "contracts/fills/fill.received.yaml",
      "type: object\nproperties:\n  qty: { type: integer }\n",
    );
    await atomicSave("postbus.config.json", json({ ...CONFIG, schemas: "contracts" }));
    expect(await watch.generation(3)).toMatch(/ after postbus\.config\.json changed; /);
    expect(await project.read("out/types/src/registry.ts")).toContain("fill.received");
    expect(await project.read("out/types/src/registry.ts")).not.toContain("order.placed");

    await atomicSave(
      "contracts/fills/fill.received.yaml",
      "type: object\nproperties:\n  price: { type: number }\n",
    );
    expect(await watch.generation(4)).toMatch(/ after contracts\/fills\/fill\.received\.yaml changed; /);
    expect(await project.read(TYPES)).toContain("price");
    await atomicSave("schemas/orders/order.placed.yaml", orderWith("ignored"));
    await settle();
    expect(watch.generations()).toHaveLength(4);
  });

  it("prints a bad edit's diagnostic, keeps watching, and generates the next good save", async () => {
    watch = await startWatch();
    const before = await project.read(TYPES);
    await atomicSave("schemas/orders/order.placed.yaml", "type: object\nproperties:\n  id: { type: strin\n");
    const summary = await watch.errorLine(/^postbus: 1 problem in \d+ ms after /);
    expect(summary).toMatch(
      /after schemas\/orders\/order\.placed\.yaml changed; nothing written, still watching$/,
    );
    expect(watch.err[0]).toMatch(
      /^schemas\/orders\/order\.placed\.yaml:\d+:\d+: POSTBUS_SCHEMA_PARSE Invalid YAML/,
    );
    expect(await project.read(TYPES)).toBe(before);

    await atomicSave("schemas/orders/order.placed.yaml", orderWith("fixed"));
    expect(await watch.generation(2)).toMatch(/ after schemas\/orders\/order\.placed\.yaml changed; wrote /);
    expect(await project.read(TYPES)).toContain("fixed");
  });

  it("keeps the last good config through a broken one and picks up the fix", async () => {
    watch = await startWatch();
    await atomicSave("postbus.config.json", '{ "schemas": "schemas", "packagez": {} }\n');
    await watch.errorLine(/^postbus: the config has 1 problem; still watching with the previous one$/);
    expect(watch.err[0]).toMatch(
      /^postbus\.config\.json:1:\d+: POSTBUS_SCHEMA_CONFIG Unknown config key "packagez"/,
    );
    await atomicSave("schemas/orders/order.placed.yaml", orderWith("meanwhile"));
    expect(await watch.generation(2)).toMatch(/ after schemas\/orders\/order\.placed\.yaml changed; /);
    expect(await project.read(TYPES)).toContain("meanwhile");

    await atomicSave(
      "postbus.config.json",
      json({ ...CONFIG, packages: { types: { dir: "out/types", name: "@acme/fixed" } } }),
    );
    expect(await watch.generation(3)).toMatch(/ after postbus\.config\.json changed; /);
    expect(JSON.parse(await project.read("out/types/package.json")).name).toBe("@acme/fixed");
  });

  it("with the config's sources, regenerates on a change to the application's code, never on its own output", async () => {
    await project.write("app/publish.ts", "export const channel = 'orders';\n");
    // A glob over the whole project: the generated package and catalog lie inside it too.
    await project.write("postbus.config.json", json({ ...CONFIG, sources: ["**/*.ts"] }));
    watch = await startWatch();
    await atomicSave("app/publish.ts", "export const channel = 'signals';\n");
    expect(await watch.generation(2)).toMatch(/ after app\/publish\.ts changed; /);
    await atomicSave("schemas/orders/order.placed.yaml", orderWith("coded"));
    expect(await watch.generation(3)).toMatch(/ after schemas\/orders\/order\.placed\.yaml changed; wrote /);
    await settle();
    expect(watch.generations()).toHaveLength(3);
    expect(await project.read(TYPES)).toContain("coded");
  });

  it("stops with status 0 when its signal aborts", async () => {
    const started = await startWatch();
    expect(await started.stop()).toBe(0);
  });

  it("reports how long regenerating after a one-file change takes", async () => {
    watch = await startWatch();
    const took: number[] = [];
    for (let save = 1; save <= 5; save++) {
      await atomicSave("schemas/orders/order.placed.yaml", orderWith(`timed${save}`));
      took.push(Number(GENERATED.exec(await watch.generation(1 + save))![1]));
    }
    const sorted = [...took].sort((a, b) => a - b);
    console.log(`watch: one-file regenerate ${took.join(", ")} ms (median ${sorted[2]} ms)`);
    expect(took).toHaveLength(5);
    expect(await project.read(TYPES)).toContain("timed5");
  });
});
