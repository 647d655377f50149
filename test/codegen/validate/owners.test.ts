import { describe, expect, it } from "vitest";
import { fakeEmitter, generateFiles, json, problemsOf } from "../support/project.js";

const withOwners = (owners: unknown) =>
  json({ "x-postbus": { owners }, type: "object", properties: { id: { type: "string" } } });

describe("x-postbus.owners", () => {
  it("puts the declared owners, as written and in order, on the event contract", async () => {
    const result = await generateFiles(
      {
        "schemas/orders/order.placed.json": withOwners(["payments-team", "@acme/orders", "Ana Lima"]),
        "schemas/orders/order.cancelled.json": json({ type: "object" }),
      },
      fakeEmitter,
    );
    expect(result.diagnostics).toEqual([]);
    const owners = Object.fromEntries(
      result.model?.events.map((event) => [event.eventType, event.owners]) ?? [],
    );
    expect(owners).toEqual({
      "order.cancelled": [],
      "order.placed": ["payments-team", "@acme/orders", "Ana Lima"],
    });
  });

  it("refuses the singular `owner` and suggests `owners`", async () => {
    const diagnostics = await problemsOf({
      "schemas/a/x.done.json": json({ "x-postbus": { owner: "payments" }, type: "object" }),
    });
    expect(diagnostics).toContainEqual(
      expect.objectContaining({
        code: "POSTBUS_SCHEMA_UNKNOWN_KEY",
        location: expect.objectContaining({ file: "schemas/a/x.done.json", pointer: "/x-postbus/owner" }),
        hint: expect.stringMatching(/Did you mean "owners"\?/),
      }),
    );
  });

  it.each([
    ["a string instead of a list", "payments", "/x-postbus/owners", /must be an array of owner names/],
    [
      "a number in the list",
      ["payments", 7],
      "/x-postbus/owners/1",
      /owners\[1\] must be a string, not number/,
    ],
    ["an empty name", [" "], "/x-postbus/owners/0", /owners\[0\] is empty/],
    ["a name listed twice", ["payments", "payments"], "/x-postbus/owners/1", /lists "payments" twice/],
    ["a line break", ["pay\nments"], "/x-postbus/owners/0", /line break or control character/],
    ["a space at the end", ["payments "], "/x-postbus/owners/0", /space at its start or end/],
    [
      "a name of 101 characters",
      ["x".repeat(101)],
      "/x-postbus/owners/0",
      /101 characters long; at most 100/,
    ],
  ])("reports %s at its pointer, with an example in the hint", async (_, owners, pointer, message) => {
    const diagnostics = await problemsOf({ "schemas/a/x.done.json": withOwners(owners) });
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({
      code: "POSTBUS_SCHEMA_BAD_FIELD",
      message: expect.stringMatching(message),
      location: { file: "schemas/a/x.done.json", pointer },
    });
    expect(diagnostics[0]?.location.line).toBeGreaterThan(1);
    expect(diagnostics[0]?.hint).toMatch(/owners|once/);
  });
});
