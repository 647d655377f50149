import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runCli } from "@postbus/codegen";

const REPO = fileURLToPath(new URL("../../../../", import.meta.url));

/** Where zod lives for the generated package of the app (linked into its node_modules). */
const ZOD = path.dirname(
  createRequire(path.join(REPO, "packages/types/package.json")).resolve("zod/package.json"),
);

/** One contract of the shop: event type, channel, declared producers and consumers, reply types. */
export interface ShopContract {
  readonly eventType: string;
  readonly channel: string;
  readonly producers: readonly string[];
  readonly consumers: readonly string[];
  readonly response?: string;
  readonly errorResponse?: string;
}

/** The declarations that match the app's code exactly. */
export const TRUE_CONTRACTS: readonly ShopContract[] = [
  { eventType: "order.placed", channel: "orders", producers: ["orders"], consumers: ["fills"] },
  { eventType: "order.cancelled", channel: "orders", producers: ["orders"], consumers: ["fills"] },
  {
    eventType: "risk.check.requested",
    channel: "risk",
    producers: ["orders"],
    consumers: ["risk"],
    response: "risk.check.completed",
    errorResponse: "risk.check.rejected",
  },
  { eventType: "risk.check.completed", channel: "risk", producers: ["risk"], consumers: ["orders"] },
  { eventType: "risk.check.rejected", channel: "risk", producers: ["risk"], consumers: ["orders"] },
  { eventType: "fill.booked", channel: "fills", producers: ["fills"], consumers: ["ledger"] },
];

/**
 * The shop's application: typed clients per slice, and every way of calling them the scan reads —
 * an imported client, a client held in a class property, a handler's `tx`, `withTransaction`'s
 * scope, `publishMany`, `drain` with `eventTypes`, a responder with its default group — plus an
 * unrelated object with a `publish` method and a publish whose event type is not a literal.
 * Each call line ends with a `// @marker` the tests find lines by.
 */
export const APP_FILES: Readonly<Record<string, string>> = {
  "src/clients.ts": `import { createTypedPostbus } from "@postbus/client";
import { contracts } from "@shop/events";

declare const db: Parameters<typeof createTypedPostbus>[0]["db"];
export const orders = createTypedPostbus({ db, contracts, producer: "orders" });
export const fills = createTypedPostbus({ db, contracts, producer: "fills" });
export const risk = createTypedPostbus({ db, contracts, producer: "risk" });
`,
  "src/orders.ts": `import { orders } from "./clients.js";

export async function placeOrder(orderId: string): Promise<boolean> {
  await orders.publish("order.placed", { orderId }); // @order-placed
  const reply = await orders.request("risk.check.requested", { orderId }, { timeoutMs: 1000 }); // @risk-request
  await orders.withTransaction(async (tx) => {
    await tx.publishMany([{ type: "order.cancelled", data: { orderId } }]); // @order-cancelled
  });
  return reply.data.approved;
}
`,
  "src/fills.ts": `import { fills } from "./clients.js";

export class FillsSlice {
  private readonly bus = fills;

  start() {
    return this.bus.subscribe({ // @fills-subscribe
      group: "fills",
      channels: ["orders"],
      handler: async (event, { tx }) => {
        if (event.type === "order.placed") await tx.publish("fill.booked", { orderId: event.data.orderId }); // @fill-booked
      },
    });
  }
}
`,
  "src/ledger.ts": `import { fills } from "./clients.js";

export const catchUp = () =>
  fills.drain({ group: "ledger", channels: "fills", eventTypes: ["fill.booked"], handler: () => {} }); // @ledger-drain
`,
  "src/risk.ts": `import { risk } from "./clients.js";

export const responder = risk.respond({ // @risk-respond
  requestType: "risk.check.requested",
  handler: (request, { replyError }) =>
    request.data.orderId === "" ? replyError({ orderId: request.data.orderId }) : { orderId: request.data.orderId, approved: true },
});
`,
  "src/decoy.ts": `const mailer = { publish: (type: string, body: unknown) => [type, body] };
mailer.publish("order.placed", {}); // @decoy
`,
  "src/dynamic.ts": `import { orders } from "./clients.js";

declare const kind: "order.placed" | "order.cancelled";
export const sendAny = () => orders.publish(kind, { orderId: "1" }); // @dynamic
`,
};

/** A throwaway shop: config, contracts, its generated package (`types/`), tsconfig and app. */
export interface ShopApp {
  readonly root: string;
  /** `postbus <args…> --config <root>/postbus.config.json`, in process. */
  cli(...args: string[]): Promise<{ status: number; out: string[]; err: string[] }>;
  /** Writes the contracts' schema files (replacing those there). */
  writeContracts(contracts: readonly ShopContract[]): Promise<void>;
  write(relative: string, text: string): Promise<void>;
  read(relative: string): Promise<string>;
  /** The 1-based line of the app file holding `// @marker`. */
  lineOf(file: string, marker: string): number;
  remove(): Promise<void>;
}

/**
 * Creates the shop under the temp folder and generates its types package (`postbus generate
 * --no-build`) from `contracts`; `sources` go into the config.
 */
export async function createShopApp(
  options: { contracts?: readonly ShopContract[]; sources?: readonly string[] } = {},
): Promise<ShopApp> {
  const root = await mkdtemp(path.join(os.tmpdir(), "postbus-scan-"));
  const write = async (relative: string, text: string) => {
    await mkdir(path.dirname(path.join(root, relative)), { recursive: true });
    await writeFile(path.join(root, relative), text);
  };
  const app: ShopApp = {
    root,
    async cli(...args) {
      const out: string[] = [];
      const err: string[] = [];
      const status = await runCli([...args, "--config", path.join(root, "postbus.config.json")], {
        out: (line) => out.push(line),
        err: (line) => err.push(line),
      });
      return { status, out, err };
    },
    async writeContracts(contracts) {
      await rm(path.join(root, "schemas"), { recursive: true, force: true });
      for (const contract of contracts) {
        await write(`schemas/${contract.channel}/${contract.eventType}.json`, schemaText(contract));
      }
    },
    write,
    read: (relative) => readFile(path.join(root, relative), "utf8"),
    lineOf(file, marker) {
      const text = APP_FILES[file] ?? "";
      const index = text.split("\n").findIndex((line) => line.endsWith(`// @${marker}`));
      if (index < 0) throw new Error(`no // @${marker} in ${file}`);
      return index + 1;
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
  await write(
    "postbus.config.json",
    JSON.stringify({
      schemas: "schemas",
      packages: { types: { dir: "types", name: "@shop/events" } },
      docs: "docs",
      ...(options.sources === undefined ? {} : { sources: options.sources }),
    }),
  );
  await write("package.json", JSON.stringify({ name: "@shop/app", private: true, type: "module" }));
  await write(
    "tsconfig.json",
    JSON.stringify({
      compilerOptions: {
        strict: true,
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        skipLibCheck: true,
        noEmit: true,
        types: [],
        paths: {
          "@postbus/client": [path.join(REPO, "packages/client/src/index.ts")],
          "@shop/events": ["./types/src/index.ts"],
        },
      },
      include: ["src"],
    }),
  );
  await mkdir(path.join(root, "node_modules"), { recursive: true });
  await symlink(ZOD, path.join(root, "node_modules/zod"), "dir");
  for (const [file, text] of Object.entries(APP_FILES)) await write(file, text);
  await app.writeContracts(options.contracts ?? TRUE_CONTRACTS);
  const generated = await app.cli("generate", "--no-build");
  if (generated.status !== 0) throw new Error(`generate failed: ${generated.err.join("\n")}`);
  return app;
}

function schemaText(contract: ShopContract): string {
  const reply = contract.eventType === "risk.check.completed";
  return `${JSON.stringify(
    {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      title: contract.eventType,
      "x-postbus": {
        eventType: contract.eventType,
        channel: contract.channel,
        producers: contract.producers,
        consumers: contract.consumers,
        ...(contract.response === undefined ? {} : { response: contract.response }),
        ...(contract.errorResponse === undefined ? {} : { errorResponse: contract.errorResponse }),
      },
      type: "object",
      properties: { orderId: { type: "string" }, ...(reply ? { approved: { type: "boolean" } } : {}) },
      required: reply ? ["orderId", "approved"] : ["orderId"],
      additionalProperties: false,
    },
    null,
    2,
  )}\n`;
}
