import { PostbusInputError } from "../errors/postbus-error.js";

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
  if (typeof value === "object" && value !== null && "tx" in value && "id" in value) {
    return parsePosition(`${String(value.tx)}:${String(value.id)}`, field);
  }
  const match = typeof value === "string" ? POSITION.exec(value) : null;
  const id = match ? Number(match[2]) : Number.NaN;
  if (!match || !Number.isSafeInteger(id) || id > 2_147_483_647 || BigInt(match[1]!) >= 2n ** 64n) {
    throw new PostbusInputError(
      "POSTBUS_POSITION_INVALID",
      `Invalid position ${JSON.stringify(value)} for ${field}`,
      {
        subject: { field },
        hint: 'Pass an event\'s "position" (the form "<tx>:<id>", e.g. "7421:96")',
      },
    );
  }
  return { tx: BigInt(match[1]!).toString(), id };
}
