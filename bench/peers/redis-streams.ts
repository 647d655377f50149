import { Redis } from "ioredis";
import { type BenchMessage, benchPayload } from "../lib/payload.js";
import type { Transport } from "./transport.js";

/** Redis Streams: XADD; consumer groups with XREADGROUP (BLOCK) and XACK. */
export const redisStreamsTransport: Transport = {
  name: "redis-streams",
  durability: "Redis memory (+ its appendonly/appendfsync settings)",
  async producer(env, { key }) {
    const redis = new Redis(env.redisUrl);
    const stream = `postbus-bench:${key}`;
    return {
      async send(message) {
        await redis.xadd(stream, "*", "m", JSON.stringify(benchPayload(message)));
      },
      async close() {
        await redis.del(stream);
        redis.disconnect();
      },
    };
  },
  async consumer(env, { key, groups }, onMessage) {
    const stream = `postbus-bench:${key}`;
    let closed = false;
    const clients: Redis[] = [];
    const loops: Promise<void>[] = [];
    for (let group = 0; group < groups; group++) {
      const redis = new Redis(env.redisUrl);
      clients.push(redis);
      await redis.xgroup("CREATE", stream, `g${group}`, "0", "MKSTREAM").catch(() => {});
      loops.push(
        (async () => {
          while (!closed) {
            const reply = (await redis
              .xreadgroup("GROUP", `g${group}`, "c", "COUNT", 100, "BLOCK", 200, "STREAMS", stream, ">")
              .catch(() => null)) as [string, [string, string[]][]][] | null;
            if (!reply) continue;
            const ids: string[] = [];
            for (const [, entries] of reply) {
              for (const [id, fields] of entries) {
                onMessage(group, JSON.parse(fields[1]!) as BenchMessage);
                ids.push(id);
              }
            }
            if (ids.length > 0) await redis.xack(stream, `g${group}`, ...ids);
          }
        })(),
      );
    }
    return {
      async close() {
        closed = true;
        await Promise.all(loops);
        for (const redis of clients) redis.disconnect();
      },
    };
  },
};
