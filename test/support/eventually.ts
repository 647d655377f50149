/**
 * Polls `read` until `done(value)` holds or `timeoutMs` passes, then returns
 * the last value. Reads are gap-safe and so server-wide: any transaction that
 * is open anywhere on the server (another test file's, say) holds delivery
 * back for a moment, so assertions about delivered events wait for them.
 */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let delay = 5;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 200);
  }
}
