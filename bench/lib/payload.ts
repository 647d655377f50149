/** What every benchmark message carries: its sequence number and scheduled send time. */
export interface BenchMessage {
  /** 0, 1, 2… within one cell. */
  readonly seq: number;
  /** Scheduled send time, epoch ms (see `nowMs`). Latency is measured from here. */
  readonly at: number;
}

const FILLER = {
  symbol: "BTC-USD",
  side: "buy",
  strategy: "breakout-4h",
  price: 64210.5,
  quantity: 0.25,
  venue: "bench-exchange",
  account: "acct-0001-bench",
  tags: ["momentum", "intraday", "bench"],
  note: "x".repeat(120),
};

/**
 * The benchmark payload: about 350 bytes of JSON (the size), the same for
 * every system measured.
 */
export function benchPayload(message: BenchMessage): BenchMessage & typeof FILLER {
  return { ...FILLER, seq: message.seq, at: message.at };
}

/** Bytes of one payload as JSON, for the report. */
export const PAYLOAD_BYTES = Buffer.byteLength(JSON.stringify(benchPayload({ seq: 123456, at: Date.now() })));
