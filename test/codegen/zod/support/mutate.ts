/**
 * One structural mutation of a JSON value at a chosen depth: drop or add a key, swap a value for one of
 * another type, nudge a number by 1 or epsilon, grow or shrink a string or array, duplicate an item.
 */
import fc from "fast-check";

const REPLACEMENTS: readonly unknown[] = [null, true, 0, 1.5, -1, "", "x", "😀😀", [], [1], {}, { a: 1 }];

export const mutationArbitrary = (valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
  fc
    .tuple(valid, fc.nat({ max: 9 }), fc.nat({ max: 1000 }), fc.nat({ max: REPLACEMENTS.length - 1 }))
    .map(([value, kind, choice, replacement]) => mutate(value, kind, choice, REPLACEMENTS[replacement]));

function mutate(value: unknown, kind: number, choice: number, replacement: unknown): unknown {
  if (Array.isArray(value) && value.length > 0 && choice % 3 === 0) {
    const index = choice % value.length;
    return value.map((item, at) =>
      at === index ? mutate(item, kind, Math.floor(choice / 3), replacement) : item,
    );
  }
  if (value !== null && typeof value === "object" && !Array.isArray(value) && choice % 3 === 0) {
    const keys = Object.keys(value);
    if (keys.length > 0) {
      const key = keys[choice % keys.length] as string;
      const record = value as Record<string, unknown>;
      return { ...record, [key]: mutate(record[key], kind, Math.floor(choice / 3), replacement) };
    }
  }
  switch (kind) {
    case 0:
      return replacement;
    case 1:
      if (typeof value === "number") return value + (choice % 2 === 0 ? 1 : -1);
      break;
    case 2:
      if (typeof value === "number") return value + (choice % 2 === 0 ? 1e-9 : -Number.EPSILON);
      break;
    case 3:
      if (typeof value === "string") return choice % 2 === 0 ? `${value}😀` : value.slice(0, -1);
      break;
    case 4:
      if (Array.isArray(value))
        return choice % 2 === 0 ? [...value, value[0] ?? replacement] : value.slice(1);
      break;
    case 5:
      if (value !== null && typeof value === "object" && !Array.isArray(value)) {
        const keys = Object.keys(value);
        const drop = keys[choice % Math.max(1, keys.length)];
        return Object.fromEntries(Object.entries(value).filter(([key]) => key !== drop));
      }
      break;
    case 6:
      if (value !== null && typeof value === "object" && !Array.isArray(value))
        return { ...value, extra: replacement };
      break;
    case 7:
      if (typeof value === "number") return Number.isInteger(value) ? value + 0.5 : Math.round(value);
      break;
  }
  return choice % 5 === 0 ? replacement : value;
}
