/**
 * Which findings an upcaster chain covers: backward, between two versions, with a chain from
 * the older version to the newest — and nothing else (forward findings, changes in place of one
 * version, a chain that stops short).
 */
import { describe, expect, it } from "vitest";
import type { Finding } from "../../../codegen/src/compat/check-compatibility.js";
import { chainFrom, coverFindings } from "../../../codegen/src/compat/upcaster-coverage.js";
import type { UpcasterStep } from "../../../codegen/src/ir/model.js";
import { contractModel, event } from "../emit/support/model.js";

const step = (from: number, to: number): UpcasterStep => ({
  kind: "upcaster",
  eventType: "order.placed",
  from,
  to,
  functionName: "upcast",
  source: {
    file: `schemas/orders/upcasters/order.placed.v${from}-to-v${to}.ts`,
    pointer: "",
    line: 3,
    column: 1,
  },
  packageText: "",
});
const versions = [1, 2, 3].map((version) => event("order.placed", { type: "object" }, { version }));
const model = (steps: UpcasterStep[]) => ({ ...contractModel({ events: versions }), upcasters: steps });

const finding = (fields: Partial<Finding>): Finding => ({
  severity: "breaking",
  eventType: "order.placed",
  version: 3,
  mode: "BACKWARD_TRANSITIVE",
  direction: "backward",
  against: { side: "the working tree", eventType: "order.placed", version: 1 },
  rule: "required-added",
  change: '"unit" is now required',
  old: undefined,
  new: undefined,
  consumers: [],
  hint: "",
  ...fields,
});

describe("coverFindings", () => {
  const chain = model([step(1, 2), step(2, 3)]);
  it.each([
    {
      name: "a backward finding v3 against v1 with the chain v1 → v2 → v3",
      given: finding({}),
      covered: true,
    },
    {
      name: "an unproven finding between versions",
      given: finding({
        severity: "unproven",
        against: { side: "HEAD", eventType: "order.placed", version: 2 },
      }),
      covered: true,
    },
    {
      name: "a forward finding (old readers of new events)",
      given: finding({ direction: "forward" }),
      covered: false,
    },
    {
      name: "a change in place of one version",
      given: finding({ against: { side: "HEAD", eventType: "order.placed", version: 3 } }),
      covered: false,
    },
    { name: "another event type", given: finding({ eventType: "order.cancelled" }), covered: false },
  ])("$name: covered is $covered", ({ given, covered }) => {
    const [result] = coverFindings([given], chain);
    expect(result?.severity === "covered").toBe(covered);
    if (covered) expect(result?.coveredBy?.severity).toBe(given.severity);
  });

  it("names the whole chain from the older version to the newest", () => {
    const [result] = coverFindings([finding({})], chain);
    expect(result?.coveredBy?.upcasters.map((ref) => `${ref.file}:${ref.line}`)).toEqual([
      "schemas/orders/upcasters/order.placed.v1-to-v2.ts:3",
      "schemas/orders/upcasters/order.placed.v2-to-v3.ts:3",
    ]);
  });

  it("does not cover when the chain stops short of the newest version", () => {
    expect(chainFrom(model([step(1, 2)]), "order.placed", 1)).toBeUndefined();
    expect(coverFindings([finding({})], model([step(1, 2)]))[0]?.severity).toBe("breaking");
  });
});
