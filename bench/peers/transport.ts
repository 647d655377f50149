import type { BenchMessage } from "../lib/payload.js";

/** Where the systems under test listen. */
export interface TransportEnv {
  /** The benchmark run's own PostgreSQL database. */
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly amqpUrl: string;
  readonly natsServers: string;
}

/** The producing side of a transport, used in the runner process. */
export interface Producer {
  /** Sends one message and resolves once the system has it durably (commit, ack, confirm). */
  send(message: BenchMessage): Promise<void>;
  close(): Promise<void>;
}

/** What a consumer reads: `groups` independent subscribers (consumer groups) on the cell's `key`. */
export interface ConsumerOptions {
  /** Unique per cell: names the channel, queue, stream or subject. */
  readonly key: string;
  /** Independent consumer groups, each receiving every message. Default 1. */
  readonly groups: number;
}

/** A running consumer, in the consumer process. */
export interface Consumer {
  close(): Promise<void>;
}

/**
 * One system measured end to end: Postbus, the raw PostgreSQL baseline, or a peer.
 * Producers run in the runner process, consumers in the separate consumer process.
 */
export interface Transport {
  readonly name: string;
  /** How durable a send is, for the report. */
  readonly durability: string;
  producer(
    env: TransportEnv,
    options: { readonly key: string; readonly concurrency: number },
  ): Promise<Producer>;
  consumer(
    env: TransportEnv,
    options: ConsumerOptions,
    onMessage: (group: number, message: BenchMessage) => void,
  ): Promise<Consumer>;
}

/** The transport environment from the process environment, with local defaults. */
export function transportEnv(databaseUrl: string): TransportEnv {
  return {
    databaseUrl,
    redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    amqpUrl: process.env.AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672",
    natsServers: process.env.NATS_URL ?? "127.0.0.1:4222",
  };
}
