import { describe, expect, it } from "vitest";
import type { ContentChange } from "../../../codegen/src/watch/content-snapshot.js";
import { describeChanges, describeWrites } from "../../../codegen/src/watch/describe-run.js";

describe("describeChanges", () => {
  const cases: [string, { given: ContentChange[]; want: string }][] = [
    ["one change", { given: [{ file: "schemas/a.yaml", kind: "changed" }], want: "schemas/a.yaml changed" }],
    [
      "each kind, changed first",
      {
        given: [
          { file: "schemas/new.yaml", kind: "added" },
          { file: "schemas/old.yaml", kind: "removed" },
          { file: "postbus.config.json", kind: "changed" },
        ],
        want: "postbus.config.json changed, schemas/new.yaml added, schemas/old.yaml removed",
      },
    ],
    [
      "many files",
      {
        given: ["a", "b", "c", "d", "e", "f"].map((name) => ({
          file: `${name}.json`,
          kind: "changed" as const,
        })),
        want: "a.json, b.json, c.json, d.json and 2 more changed",
      },
    ],
  ];
  it.each(cases)("%s", (_name, { given, want }) => {
    expect(describeChanges(given)).toBe(want);
  });
});

describe("describeWrites", () => {
  const cases: [string, { given: string[]; want: string }][] = [
    ["nothing", { given: [], want: "no output changed" }],
    [
      "writes and removals",
      { given: ["wrote a.ts", "wrote b.ts", "removed c.ts"], want: "wrote a.ts, b.ts; removed c.ts" },
    ],
    [
      "up to five names in full, then four and a count",
      {
        given: ["wrote 1", "wrote 2", "wrote 3", "wrote 4", "wrote 5", "wrote 6"],
        want: "wrote 1, 2, 3, 4 and 2 more",
      },
    ],
  ];
  it.each(cases)("%s", (_name, { given, want }) => {
    expect(describeWrites(given)).toBe(want);
  });
});
