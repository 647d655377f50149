import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CodeScan } from "../../../codegen/src/scan/code-scan.js";
import { scanSources } from "../../../codegen/src/scan/scan-sources.js";
import { createShopApp, type ShopApp } from "./support/shop-app.js";

let app: ShopApp;
let scan: CodeScan;

beforeAll(async () => {
  app = await createShopApp();
  const result = scanSources({ root: app.root, sources: ["tsconfig.json"] });
  expect(result.diagnostics).toEqual([]);
  scan = result.scan;
}, 120_000);

afterAll(() => app.remove());

const usage = (eventType: string) => scan.events.find((event) => event.eventType === eventType);

describe("scanSources on a small app", () => {
  it("reads every file of the tsconfig and counts only the typed client's calls", () => {
    expect(scan.files).toBe(7);
    // 3 publish-like, 1 subscribe, 1 drain, 1 request, 1 respond, 1 dynamic publish; not the decoy.
    expect(scan.calls).toBe(8);
    expect(scan.events.map((event) => event.eventType)).toEqual([
      "fill.booked",
      "order.cancelled",
      "order.placed",
      "risk.check.completed",
      "risk.check.rejected",
      "risk.check.requested",
    ]);
  });

  it("finds a publish on an imported client with the literal event type, its file:line and slice", () => {
    expect(usage("order.placed")?.producers).toEqual([
      {
        file: "src/orders.ts",
        line: app.lineOf("src/orders.ts", "order-placed"),
        column: 16,
        method: "publish",
        slice: "orders",
        package: "@shop/app",
      },
    ]);
  });

  it("does not count an object that merely has a publish method", () => {
    const decoyLine = app.lineOf("src/decoy.ts", "decoy");
    const everySite = scan.events.flatMap((event) => [...event.producers, ...event.consumers]);
    expect(everySite.filter((site) => site.file === "src/decoy.ts")).toEqual([]);
    expect(scan.dynamic.filter((call) => call.file === "src/decoy.ts" && call.line === decoyLine)).toEqual(
      [],
    );
  });

  it("follows a handler's tx and withTransaction's scope to the client that gave them", () => {
    expect(usage("fill.booked")?.producers).toMatchObject([
      {
        file: "src/fills.ts",
        line: app.lineOf("src/fills.ts", "fill-booked"),
        method: "publish",
        slice: "fills",
      },
    ]);
    expect(usage("order.cancelled")?.producers).toMatchObject([
      {
        file: "src/orders.ts",
        line: app.lineOf("src/orders.ts", "order-cancelled"),
        method: "publishMany",
        slice: "orders",
      },
    ]);
  });

  it("gives a subscription every event type of its channels, and a drain only its eventTypes", () => {
    const subscribe = {
      file: "src/fills.ts",
      line: app.lineOf("src/fills.ts", "fills-subscribe"),
      method: "subscribe",
      group: "fills",
      slice: "fills",
    };
    expect(usage("order.placed")?.consumers).toMatchObject([subscribe]);
    expect(usage("order.cancelled")?.consumers).toMatchObject([subscribe]);
    expect(usage("fill.booked")?.consumers).toMatchObject([
      {
        file: "src/ledger.ts",
        line: app.lineOf("src/ledger.ts", "ledger-drain"),
        method: "drain",
        group: "ledger",
      },
    ]);
  });

  it("reads request and respond with their reply types from the registry", () => {
    const request = {
      file: "src/orders.ts",
      line: app.lineOf("src/orders.ts", "risk-request"),
      method: "request",
    };
    const respond = {
      file: "src/risk.ts",
      line: app.lineOf("src/risk.ts", "risk-respond"),
      method: "respond",
    };
    expect(usage("risk.check.requested")?.producers).toMatchObject([{ ...request, slice: "orders" }]);
    expect(usage("risk.check.requested")?.consumers).toMatchObject([
      { ...respond, group: "risk.check.requested.responders", slice: "risk" },
    ]);
    for (const reply of ["risk.check.completed", "risk.check.rejected"]) {
      expect(usage(reply)?.producers).toMatchObject([{ ...respond, slice: "risk" }]);
      expect(usage(reply)?.consumers).toMatchObject([{ ...request, group: undefined, slice: "orders" }]);
    }
  });

  it("reports an event type that is not a literal as dynamic, with the literals it may be", () => {
    expect(scan.dynamic).toEqual([
      {
        file: "src/dynamic.ts",
        line: app.lineOf("src/dynamic.ts", "dynamic"),
        column: 37,
        method: "publish",
        argument: "eventType",
        text: "kind",
        candidates: ["order.cancelled", "order.placed"],
      },
    ]);
  });

  it("scans globs like a tsconfig, with the root tsconfig's options", () => {
    const { scan: byGlob, diagnostics } = scanSources({ root: app.root, sources: ["src/**/*.ts"] });
    expect(diagnostics).toEqual([]);
    expect(byGlob).toEqual(scan);
  });

  it("names a missing tsconfig and an empty glob, at their index in the config", () => {
    const { diagnostics } = scanSources({
      root: app.root,
      sources: ["src/**/*.ts", "apps/web/tsconfig.json", "lib/**/*.ts"],
      origin: "postbus.config.json",
    });
    expect(diagnostics.map((d) => [d.code, d.location.file, d.location.pointer, d.message])).toEqual([
      [
        "POSTBUS_SCAN_SOURCES",
        "postbus.config.json",
        "/sources/1",
        'The tsconfig "apps/web/tsconfig.json" does not exist',
      ],
      [
        "POSTBUS_SCAN_SOURCES",
        "postbus.config.json",
        "/sources/2",
        'The glob "lib/**/*.ts" matches no TypeScript file',
      ],
    ]);
  });

  it("refuses to guess the consumers of a client whose contracts do not resolve", async () => {
    const tsconfig = JSON.parse(await app.read("tsconfig.json"));
    delete tsconfig.compilerOptions.paths["@shop/events"];
    await app.write("untyped/tsconfig.json", JSON.stringify({ ...tsconfig, include: ["."] }));
    await app.write(
      "untyped/fills.ts",
      (await app.read("src/fills.ts")).replace("./clients.js", "../src/clients.js"),
    );
    const { diagnostics } = scanSources({ root: app.root, sources: ["untyped/tsconfig.json"] });
    expect(diagnostics).toContainEqual(
      expect.objectContaining({
        code: "POSTBUS_SCAN_UNRESOLVED",
        location: {
          file: "untyped/fills.ts",
          pointer: "",
          line: app.lineOf("src/fills.ts", "fills-subscribe"),
          column: 21,
        },
      }),
    );
  });

  it("refuses to guess when @postbus/client does not resolve: no call is recognized and the import is named", async () => {
    await app.write(
      "broken/tsconfig.json",
      JSON.stringify({
        compilerOptions: { strict: true, module: "NodeNext", moduleResolution: "NodeNext", types: [] },
        include: ["."],
      }),
    );
    await app.write(
      "broken/main.ts",
      'import { createTypedPostbus } from "@postbus/client";\nexport const bus = createTypedPostbus;\n',
    );
    const { scan: broken, diagnostics } = scanSources({
      root: app.root,
      sources: [path.join("broken", "tsconfig.json")],
    });
    expect(broken.calls).toBe(0);
    expect(diagnostics).toMatchObject([
      { code: "POSTBUS_SCAN_UNRESOLVED", location: { file: "broken/main.ts", line: 1, column: 1 } },
    ]);
  });
});
