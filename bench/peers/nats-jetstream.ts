import { AckPolicy, type ConsumerMessages, connect, JSONCodec, StorageType } from "nats";
import { type BenchMessage, benchPayload } from "../lib/payload.js";
import type { Transport } from "./transport.js";

const codec = JSONCodec<BenchMessage>();

/** The stream (and subject) of a cell: JetStream names allow no dots. */
function streamName(key: string): string {
  return `postbus-bench-${key}`.replace(/[^A-Za-z0-9_-]/g, "_");
}

/** NATS JetStream: file-backed stream, `js.publish` awaiting the ack, durable pull consumers with explicit acks. */
export const natsJetStreamTransport: Transport = {
  name: "nats-jetstream",
  durability: "file stream, publish acked by the server (its sync_interval decides fsync)",
  async producer(env, { key }) {
    const nc = await connect({ servers: env.natsServers });
    const jsm = await nc.jetstreamManager();
    const stream = streamName(key);
    await jsm.streams.add({ name: stream, subjects: [stream], storage: StorageType.File }).catch(() => {});
    const js = nc.jetstream();
    return {
      async send(message) {
        await js.publish(stream, codec.encode(benchPayload(message)));
      },
      async close() {
        await jsm.streams.delete(stream).catch(() => {});
        await nc.close();
      },
    };
  },
  async consumer(env, { key, groups }, onMessage) {
    const nc = await connect({ servers: env.natsServers });
    const jsm = await nc.jetstreamManager();
    const stream = streamName(key);
    await jsm.streams.add({ name: stream, subjects: [stream], storage: StorageType.File }).catch(() => {});
    const js = nc.jetstream();
    const iterators: ConsumerMessages[] = [];
    const loops: Promise<void>[] = [];
    for (let group = 0; group < groups; group++) {
      await jsm.consumers.add(stream, { durable_name: `g${group}`, ack_policy: AckPolicy.Explicit });
      const consumer = await js.consumers.get(stream, `g${group}`);
      const messages = await consumer.consume({ max_messages: 100 });
      iterators.push(messages);
      loops.push(
        (async () => {
          for await (const message of messages) {
            onMessage(group, codec.decode(message.data));
            message.ack();
          }
        })(),
      );
    }
    return {
      async close() {
        for (const messages of iterators) await messages.close();
        await Promise.all(loops);
        await nc.close();
      },
    };
  },
};
