import type { Executor } from "../driver/executor.js";

type Listener = (channels: readonly string[] | "all") => void;

/** Per executor (so per pool), per NOTIFY channel: the in-process listeners of commits. */
const registries = new WeakMap<Executor, Map<string, Set<Listener>>>();

/**
 * Hears every commit that any Postbus client of this process makes through
 * `executor` on `notifyChannel`, at once and without a round trip through the
 * server. Returns the unsubscribe.
 */
export function onLocalCommit(executor: Executor, notifyChannel: string, listener: Listener): () => void {
  let byChannel = registries.get(executor);
  if (!byChannel) {
    byChannel = new Map();
    registries.set(executor, byChannel);
  }
  let listeners = byChannel.get(notifyChannel);
  if (!listeners) {
    listeners = new Set();
    byChannel.set(notifyChannel, listeners);
  }
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** Tells this process's listeners on `executor` and `notifyChannel` that `channels` committed. */
export function emitLocalCommit(
  executor: Executor,
  notifyChannel: string,
  channels: readonly string[] | "all",
): void {
  const listeners = registries.get(executor)?.get(notifyChannel);
  if (!listeners) return;
  for (const listener of listeners) listener(channels);
}
