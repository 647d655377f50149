/** What {@link stopOnSignals} returns. */
export interface StopSignals {
  /** Aborted on SIGINT, SIGTERM, the caller's signal, or `stop()`. */
  readonly signal: AbortSignal;
  /** Resolves once stopped. */
  readonly stopped: Promise<void>;
  /** Stops now. */
  stop(): void;
  /** Removes the process and caller listeners. */
  dispose(): void;
}

/**
 * For long-running commands (`consume`, `generate --watch`): an AbortSignal that
 * fires on SIGINT, SIGTERM or the caller's `outer` signal. The process listeners
 * are `once`: a second Ctrl-C while closing gets Node's default and ends the process.
 */
export function stopOnSignals(outer: AbortSignal | undefined): StopSignals {
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  outer?.addEventListener("abort", stop, { once: true });
  if (outer?.aborted) abort.abort();
  const stopped = new Promise<void>((resolve) => {
    if (abort.signal.aborted) resolve();
    else abort.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  return {
    signal: abort.signal,
    stopped,
    stop,
    dispose() {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      outer?.removeEventListener("abort", stop);
    },
  };
}
