import { benchPayload } from "../lib/payload.js";
import { postbusTransport } from "./postbus.js";
import type { Transport } from "./transport.js";

/** Every 100th message goes to the quiet channel: 1% of the traffic. */
export function isQuiet(seq: number): boolean {
  return seq % 100 === 99;
}

/** Messages each channel gets when `total` are sent: [busy, quiet]. */
export function splitCounts(total: number): [number, number] {
  const quiet = Math.floor(total / 100);
  return [total - quiet, quiet];
}

/**
 * Postbus with two channels on one key: 99% of messages on `<key>.busy`, 1% on
 * `<key>.quiet`; consumer group 0 reads the busy channel, group 1 the quiet one.
 * Each channel numbers its messages 0, 1, 2… so delivery can be accounted per group.
 */
export const postbusSplitTransport: Transport = {
  name: "postbus-split",
  durability: postbusTransport.durability,
  async producer(env, options) {
    const [busy, quiet] = await Promise.all([
      postbusTransport.producer(env, { ...options, key: `${options.key}.busy` }),
      postbusTransport.producer(env, { ...options, key: `${options.key}.quiet` }),
    ]);
    return {
      send(message) {
        const hundreds = Math.floor(message.seq / 100);
        return isQuiet(message.seq)
          ? quiet.send(benchPayload({ seq: hundreds, at: message.at }))
          : busy.send(benchPayload({ seq: message.seq - hundreds, at: message.at }));
      },
      async close() {
        await Promise.all([busy.close(), quiet.close()]);
      },
    };
  },
  async consumer(env, options, onMessage) {
    const [busy, quiet] = await Promise.all([
      postbusTransport.consumer(env, { key: `${options.key}.busy`, groups: 1 }, (_, message) =>
        onMessage(0, message),
      ),
      postbusTransport.consumer(env, { key: `${options.key}.quiet`, groups: 1 }, (_, message) =>
        onMessage(1, message),
      ),
    ]);
    return {
      async close() {
        await Promise.all([busy.close(), quiet.close()]);
      },
    };
  },
};
