import { PostbusInputError } from "../errors/postbus-error.js";
import { describeValue } from "../validate/describe-value.js";

/** A position in delivery order: the writing transaction and the event id. */
export interface Position {
  /** The transaction id (xid8) as a decimal string. */
  readonly tx: string;
  readonly id: number;
}

/** The position before every event. */
export const START: Position = Object.freeze({ tx: "0", id: 0 });

const POSITION = /^(\d{1,20}):(\d{1,10})$/;

/** Formats a position as `"<tx>:<id>"`, the form events carry and the CLI prints. */
export function formatPosition(position: Position): string {
  return `${position.tx}:${position.id}`;
}

/**
 * Parses `"<tx>:<id>"` (or accepts a {@link Position}); throws
 * `POSTBUS_POSITION_INVALID` naming the field otherwise.
 *
 * @example
 * ```ts
 * parsePosition("7421:96"); // { tx: "7421", id: 96 }
 * ```
 */
export function parsePosition(value: unknown, field = "after"): Position {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    // A Position object: read its two fields once, as plain values (no getters run twice, no toString).
    const { tx, id } = safeFields(value);
    const plain = (part: unknown) =>
      typeof part === "string" || typeof part === "number" || typeof part === "bigint";
    if (plain(tx) && plain(id)) return parsePosition(`${tx}:${id}`, field);
  }
  const match = typeof value === "string" ? POSITION.exec(value) : null;
  const id = match ? Number(match[2]) : Number.NaN;
  if (!match || !Number.isSafeInteger(id) || id > 2_147_483_647 || BigInt(match[1]!) >= 2n ** 64n) {
    throw new PostbusInputError(
      "POSTBUS_POSITION_INVALID",
      `Invalid position ${describeValue(value)} for ${field}`,
      {
        subject: { field },
        hint: 'Pass an event\'s "position" (the form "<tx>:<id>", e.g. "7421:96")',
      },
    );
  }
  return { tx: BigInt(match[1]!).toString(), id };
}

/** `tx` and `id` of a would-be Position, or nothing when reading them throws (a getter, a Proxy). */
function safeFields(value: object): { tx?: unknown; id?: unknown } {
  try {
    const { tx, id } = value as { tx?: unknown; id?: unknown };
    return { tx, id };
  } catch {
    return {};
  }
}
