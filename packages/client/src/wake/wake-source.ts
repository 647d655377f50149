/** Channels a wake-up is about, or `"all"` when the writer did not say. */
export type WakeChannels = readonly string[] | "all";

/** Where a subscription hears that events may have committed. */
export interface WakeSource {
  /** Calls `onWake` on each hint and `onReconnect` after hints may have been lost; returns the unsubscribe. */
  subscribe(onWake: (channels: WakeChannels) => void, onReconnect: () => void): () => Promise<void>;
}
