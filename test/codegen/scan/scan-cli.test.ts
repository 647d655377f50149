import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createShopApp, type ShopApp, TRUE_CONTRACTS } from "./support/shop-app.js";

let app: ShopApp;

beforeAll(async () => {
  app = await createShopApp({ sources: ["tsconfig.json"] });
}, 120_000);

afterAll(() => app.remove());

/** The shop's contracts gone stale: order.placed declares a producer and a consumer the code does not have (and not the one it has), fill.booked's contract was deleted. */
const DRIFTING = TRUE_CONTRACTS.flatMap((contract) =>
  contract.eventType === "fill.booked"
    ? []
    : contract.eventType === "order.placed"
      ? [{ ...contract, producers: ["orders", "legacy-shop"], consumers: ["analytics"] }]
      : [contract],
);

describe("postbus scan", () => {
  it("lets generate's first run on a fresh project mark the catalog from the code (the scan reads the types being generated)", async () => {
    // beforeAll ran `generate` once, before any types package existed on disk.
    const page = await app.read("docs/events/risk.check.requested.md");
    expect(page).toContain("| Producers | [orders](../slices/orders.md) (declared, in code) |");
    expect(page).toContain("| Consumers | [risk](../slices/risk.md) (declared, in code) |");
  });

  it("prints each event type's producers and consumers with file:line, and no drift for true declarations", async () => {
    await app.writeContracts(TRUE_CONTRACTS);
    const { status, out, err } = await app.cli("scan", "--check");
    expect(err).toEqual([]);
    expect(status).toBe(0);
    expect(out[0]).toBe("postbus scan: 7 files, 8 Postbus calls, 6 event types in the code");
    const placed = out.indexOf("order.placed");
    expect(out.slice(placed, placed + 3)).toEqual([
      "order.placed",
      `  produced by orders  src/orders.ts:${app.lineOf("src/orders.ts", "order-placed")}:16 publish`,
      `  consumed by fills  src/fills.ts:${app.lineOf("src/fills.ts", "fills-subscribe")}:21 subscribe`,
    ]);
    expect(out).toContain(
      `  consumed by risk (group risk.check.requested.responders)  src/risk.ts:${app.lineOf("src/risk.ts", "risk-respond")}:31 respond`,
    );
    expect(out).toContain(
      `  src/dynamic.ts:${app.lineOf("src/dynamic.ts", "dynamic")}:37 publish eventType \`kind\` (one of "order.cancelled", "order.placed")`,
    );
    expect(out.at(-1)).toBe("no drift: the contracts' producers and consumers match the code");
  }, 60_000);

  it("reports drift both ways and exits 1 under --check", async () => {
    await app.writeContracts(DRIFTING);
    const { status, out } = await app.cli("scan", "--check");
    expect(status).toBe(1);
    const fills = `src/fills.ts:${app.lineOf("src/fills.ts", "fills-subscribe")}:21`;
    const drift = out.slice(out.indexOf("drift against the contracts' x-postbus declarations:") + 1);
    expect(drift).toEqual([
      `  fill.booked: used at src/fills.ts:${app.lineOf("src/fills.ts", "fill-booked")}:53, src/ledger.ts:${app.lineOf("src/ledger.ts", "ledger-drain")}:9 but no contract defines it (regenerate the types package?)`,
      '  order.placed: producer "legacy-shop" is declared (schemas/orders/order.placed.json:9) but publishes it nowhere in the code',
      '  order.placed: consumer "analytics" is declared (schemas/orders/order.placed.json:12) but consumes it nowhere in the code',
      `  order.placed: consumed by "fills" at ${fills}, which its contract does not declare as a consumer`,
      "postbus scan: 4 drift findings",
    ]);
  }, 60_000);

  it("prints the report as JSON with the drift, and exits 0 on drift without --check", async () => {
    await app.writeContracts(DRIFTING);
    const { status, out } = await app.cli("scan", "--json");
    expect(status).toBe(0);
    const report = JSON.parse(out.join("\n"));
    expect(Object.keys(report)).toEqual(["files", "calls", "events", "dynamic", "drift"]);
    expect(
      report.drift.map((finding: { kind: string; eventType: string; name?: string }) => [
        finding.kind,
        finding.eventType,
        finding.name,
      ]),
    ).toEqual([
      ["not-in-contracts", "fill.booked", undefined],
      ["declared-not-produced", "order.placed", "legacy-shop"],
      ["declared-not-consumed", "order.placed", "analytics"],
      ["consumed-not-declared", "order.placed", "fills"],
    ]);
    expect(report.drift[3].sites).toEqual([
      { file: "src/fills.ts", line: app.lineOf("src/fills.ts", "fills-subscribe"), column: 21 },
    ]);
    expect(report.drift[1].declaredIn).toMatchObject({
      file: "schemas/orders/order.placed.json",
      pointer: "/x-postbus/producers/1",
      line: 9,
    });
  }, 60_000);

  it("reads the sources given as arguments instead of the config's, and refuses a missing one with exit 2", async () => {
    await app.writeContracts(TRUE_CONTRACTS);
    // A glob checks its files with the nearest tsconfig above it: the app's, not the current folder's.
    const { status, out } = await app.cli("scan", `${app.root}/src/orders.ts`);
    expect(status).toBe(0);
    expect(out[0]).toBe("postbus scan: 1 file, 3 Postbus calls, 5 event types in the code");
    const missing = await app.cli("scan", `${app.root}/nope/tsconfig.json`);
    expect(missing.status).toBe(2);
    expect(missing.err).toEqual([
      expect.stringMatching(
        /^postbus: POSTBUS_USAGE: The tsconfig ".*nope\/tsconfig\.json" does not exist\. /,
      ),
    ]);
  }, 60_000);

  it("marks in the catalog where each producer and consumer comes from when the config lists sources", async () => {
    await app.writeContracts(DRIFTING.filter((contract) => contract.eventType !== "fill.booked"));
    const docs = await app.cli("docs");
    expect(docs.err).toEqual([]);
    expect(docs.status).toBe(0);
    const page = await app.read("docs/events/order.placed.md");
    expect(page).toContain(
      "| Producers | [legacy-shop](../slices/legacy-shop.md) (declared, not in code), [orders](../slices/orders.md) (declared, in code) |",
    );
    expect(page).toContain(
      "| Consumers | [analytics](../slices/analytics.md) (declared, not in code), [fills](../slices/fills.md) (in code, not declared) |",
    );
    const html = await app.read("docs/site/events/order.placed.html");
    expect(html).toContain('<a href="../slices/fills.html">fills</a> (in code, not declared)</span></dd>');
  }, 60_000);
});

describe("postbus scan without sources", () => {
  let bare: ShopApp;
  beforeAll(async () => {
    bare = await createShopApp();
  }, 120_000);
  afterAll(() => bare.remove());

  it("is a usage error naming the config's sources, exit 2", async () => {
    const { status, err } = await bare.cli("scan");
    expect(status).toBe(2);
    expect(err[0]).toMatch(
      /^postbus: POSTBUS_USAGE: postbus scan has no sources to read\. List the application's tsconfig files or globs in the "sources" of /,
    );
  });

  it("still generates the types package when a source is missing, saying the catalog lists declarations only", async () => {
    await bare.write(
      "postbus.config.json",
      JSON.stringify({
        packages: { types: { dir: "types", name: "@shop/events" } },
        docs: "docs",
        sources: ["web/tsconfig.json"],
      }),
    );
    const { status, err } = await bare.cli("generate", "--no-build");
    expect(status).toBe(0);
    expect(err).toEqual([
      'postbus.config.json:1:1: POSTBUS_SCAN_SOURCES The tsconfig "web/tsconfig.json" does not exist at /sources/0 (Name a tsconfig.json of the application, relative to the folder of postbus.config.json)',
      "postbus: the catalog lists the declared producers and consumers only; fix the sources above",
    ]);
    expect(await bare.read("docs/events/order.placed.md")).toContain(
      "| Producers | [orders](../slices/orders.md) |",
    );
    const docs = await bare.cli("docs");
    expect(docs.status).toBe(1);
  }, 60_000);

  it("refuses sources that are not a list of strings, naming the key", async () => {
    await bare.write(
      "postbus.config.json",
      JSON.stringify({ packages: { types: { dir: "types" } }, sources: "tsconfig.json" }),
    );
    const { status, err } = await bare.cli("scan");
    expect(status).toBe(1);
    expect(err[0]).toBe(
      'postbus.config.json:1:39: POSTBUS_SCHEMA_CONFIG "sources" must be an array of tsconfig files or globs at /sources (For example ["tsconfig.json"] or ["src/**/*.ts"])',
    );
  });
});
