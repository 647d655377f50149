import { describe, expect, test } from "vitest";
import { type FieldChanges, fieldChanges } from "../../codegen/src/emit/catalog/field-changes.js";
import type { FieldRow } from "../../codegen/src/emit/catalog/index.js";

const row = (path: string, overrides: Partial<FieldRow> = {}): FieldRow => ({
  path,
  type: [{ kind: "text", text: "string" }],
  required: false,
  constraints: [],
  description: undefined,
  deprecated: false,
  ...overrides,
});

describe("fieldChanges", () => {
  test.each<{ name: string; before: FieldRow[]; after: FieldRow[]; want: FieldChanges }>([
    {
      name: "a row only in the newer version is added, only in the older one removed",
      before: [row("id"), row("customerId")],
      after: [row("id"), row("salesChannel")],
      want: { added: [row("salesChannel")], removed: [row("customerId")], changed: [] },
    },
    {
      name: "a row whose type, required flag or constraints differ is changed",
      before: [row("a"), row("b"), row("c", { constraints: ["maxLength: 10"] })],
      after: [
        row("a", { type: [{ kind: "text", text: "integer" }] }),
        row("b", { required: true }),
        row("c", { constraints: ["maxLength: 20"] }),
      ],
      want: {
        added: [],
        removed: [],
        changed: [
          { path: "a", before: row("a"), after: row("a", { type: [{ kind: "text", text: "integer" }] }) },
          { path: "b", before: row("b"), after: row("b", { required: true }) },
          {
            path: "c",
            before: row("c", { constraints: ["maxLength: 10"] }),
            after: row("c", { constraints: ["maxLength: 20"] }),
          },
        ],
      },
    },
    {
      name: "a reference to another definition is a changed type",
      before: [row("price", { type: [{ kind: "ref", name: "Price" }] })],
      after: [row("price", { type: [{ kind: "ref", name: "Money" }] })],
      want: {
        added: [],
        removed: [],
        changed: [
          {
            path: "price",
            before: row("price", { type: [{ kind: "ref", name: "Price" }] }),
            after: row("price", { type: [{ kind: "ref", name: "Money" }] }),
          },
        ],
      },
    },
    {
      name: "descriptions and deprecation are not changes",
      before: [row("id", { description: "Old words." })],
      after: [row("id", { description: "New words.", deprecated: true })],
      want: { added: [], removed: [], changed: [] },
    },
    {
      name: "nested rows are matched by their whole path",
      before: [row("levels"), row("levels.low")],
      after: [row("levels"), row("levels.floor")],
      want: { added: [row("levels.floor")], removed: [row("levels.low")], changed: [] },
    },
  ])("$name", ({ before, after, want }) => {
    expect(fieldChanges(before, after)).toEqual(want);
  });
});
