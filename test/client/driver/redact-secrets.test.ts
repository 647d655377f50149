import { redactSecrets } from "@postbus/client";
import { describe, expect, it } from "vitest";

describe("redactSecrets", () => {
  it.each([
    ["postgres://me:secret@db:5432/app", "postgres://***@db:5432/app"],
    ["see postgresql://me:se/cr:et@db/app now", "see postgresql://***@db/app now"],
    ["postgres://me:p@ss@db/app", "postgres://***@db/app"],
    ["host=db password=secret user=me", "host=db password=*** user=me"],
    ["host=db password='a b''c' user=me", "host=db password=*** user=me"],
    ["no secrets here", "no secrets here"],
  ])("%s", (input, output) => {
    expect(redactSecrets(input)).toBe(output);
  });
});
