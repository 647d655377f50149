/**
 * A background-error reporter that emits one process warning, `<prefix>: <message>`,
 * and stays silent after that — the default wherever Postbus keeps retrying on its own.
 *
 * @example
 * ```ts
 * const onError = warnOnce("Postbus background work failed");
 * onError(new Error("connection refused")); // one warning
 * onError(new Error("connection refused")); // nothing
 * ```
 */
export function warnOnce(prefix: string): (error: unknown) => void {
  let warned = false;
  return (error) => {
    if (warned) return;
    warned = true;
    process.emitWarning(`${prefix}: ${error instanceof Error ? error.message : String(error)}`);
  };
}
