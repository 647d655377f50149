import { describe, expect, it } from "vitest";
import { matchGlob } from "../../../codegen/src/config/match-glob.js";
import { eventTypeName, pascalCase } from "../../../codegen/src/ir/names.js";
import { pathDefaults } from "../../../codegen/src/load/path-defaults.js";

describe("defaults derived from a schema file's path", () => {
  it.each([
    ["signals/signal.triggered.json", { domain: "signals", eventType: "signal.triggered", version: 1 }],
    ["signals/signal.triggered.v2.json", { domain: "signals", eventType: "signal.triggered", version: 2 }],
    ["orders/order-placed.v12.yaml", { domain: "orders", eventType: "order-placed", version: 12 }],
    ["orders/internal/order.audited.yml", { domain: "orders", eventType: "order.audited", version: 1 }],
    ["setup.received.json", { domain: "setup", eventType: "setup.received", version: 1 }],
    ["billing/invoice.v0.json", { domain: "billing", eventType: "invoice.v0", version: 1 }],
    ["billing/orders:v2.json", { domain: "billing", eventType: "orders:v2", version: 1 }],
    ["orders/order.placed.schema.json", { domain: "orders", eventType: "order.placed", version: 1 }],
    ["orders/order.placed.v3.schema.yaml", { domain: "orders", eventType: "order.placed", version: 3 }],
  ])("%s → %o", (given, want) => {
    expect(pathDefaults(given)).toEqual(want);
  });
});

describe("type names", () => {
  it.each([
    ["signal.triggered", "SignalTriggered"],
    ["order-placed", "OrderPlaced"],
    ["orders:v2", "OrdersV2"],
    ["moneyAmount", "MoneyAmount"],
    ["3ds.checked", "T3dsChecked"],
    ["order_side", "OrderSide"],
  ])("pascalCase(%s) = %s", (given, want) => {
    expect(pascalCase(given)).toBe(want);
  });

  it("gives older versions a V<N> suffix and the latest the plain name", () => {
    expect(eventTypeName("signal.triggered", 1, 2)).toBe("SignalTriggeredV1");
    expect(eventTypeName("signal.triggered", 2, 2)).toBe("SignalTriggered");
  });
});

describe("definition globs", () => {
  it.each([
    ["schemas/shared/**", "schemas/shared/money.json", true],
    ["schemas/shared/**", "schemas/shared/deep/er/money.yaml", true],
    ["schemas/shared/**", "schemas/sharedx/money.json", false],
    ["schemas/*/common.json", "schemas/orders/common.json", true],
    ["schemas/*/common.json", "schemas/orders/x/common.json", false],
    ["**/*.defs.json", "schemas/a/b.defs.json", true],
    ["**/*.defs.json", "b.defs.json", true],
    ["schemas/?.json", "schemas/a.json", true],
    ["schemas/a.json", "schemas/aXjson", false],
  ])("%s matches %s: %s", (pattern, file, want) => {
    expect(matchGlob(pattern, file)).toBe(want);
  });
});
