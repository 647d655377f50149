import { redactSecrets } from "../driver/wrap-database-error.js";

/** Longest error text kept in the group's row or a dead letter. */
const MAX_ERROR_TEXT = 4_000;

/** A handler error as stored text: name, message and code, credentials removed, bounded. */
export function describeError(error: unknown): string {
  let text: string;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    text = `${error.name}${typeof code === "string" ? ` [${code}]` : ""}: ${error.message}`;
  } else {
    text = String(error);
  }
  text = redactSecrets(text);
  return text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT)}…` : text;
}
