import { natsJetStreamTransport } from "./nats-jetstream.js";
import { pgBossTransport } from "./pg-boss.js";
import { postbusTransport } from "./postbus.js";
import { postbusSplitTransport } from "./postbus-split.js";
import { rabbitmqTransport } from "./rabbitmq.js";
import { rawTransport } from "./raw-pg.js";
import { redisStreamsTransport } from "./redis-streams.js";
import type { Transport } from "./transport.js";

/** Every transport by name: Postbus, the raw PostgreSQL baseline, and the peers. */
export const transports: Readonly<Record<string, Transport>> = Object.fromEntries(
  [
    postbusTransport,
    postbusSplitTransport,
    rawTransport,
    pgBossTransport,
    redisStreamsTransport,
    rabbitmqTransport,
    natsJetStreamTransport,
  ].map((transport) => [transport.name, transport]),
);

/** The peers compared with Postbus, in report order. */
export const PEERS = ["pg-boss", "redis-streams", "rabbitmq", "nats-jetstream"] as const;
