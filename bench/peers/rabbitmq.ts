import amqp from "amqplib";
import { type BenchMessage, benchPayload } from "../lib/payload.js";
import type { Transport } from "./transport.js";

/** RabbitMQ: a durable queue per group, persistent messages, publisher confirms, manual acks. */
export const rabbitmqTransport: Transport = {
  name: "rabbitmq",
  durability: "durable queue, persistent messages, publisher confirms",
  async producer(env, { key }) {
    const connection = await amqp.connect(env.amqpUrl);
    const channel = await connection.createConfirmChannel();
    const exchange = `postbus-bench.${key}`;
    await channel.assertExchange(exchange, "fanout", { durable: true });
    return {
      send(message) {
        return new Promise<void>((resolve, reject) => {
          channel.publish(
            exchange,
            "",
            Buffer.from(JSON.stringify(benchPayload(message))),
            { persistent: true, contentType: "application/json" },
            (error: unknown) => (error ? reject(error) : resolve()),
          );
        });
      },
      async close() {
        await channel.deleteExchange(exchange).catch(() => {});
        await connection.close();
      },
    };
  },
  async consumer(env, { key, groups }, onMessage) {
    const connection = await amqp.connect(env.amqpUrl);
    const channel = await connection.createChannel();
    const exchange = `postbus-bench.${key}`;
    await channel.assertExchange(exchange, "fanout", { durable: true });
    await channel.prefetch(100);
    const queues: string[] = [];
    for (let group = 0; group < groups; group++) {
      const queue = `postbus-bench.${key}.g${group}`;
      queues.push(queue);
      await channel.assertQueue(queue, { durable: true });
      await channel.bindQueue(queue, exchange, "");
      await channel.consume(queue, (message) => {
        if (!message) return;
        onMessage(group, JSON.parse(message.content.toString()) as BenchMessage);
        channel.ack(message);
      });
    }
    return {
      async close() {
        for (const queue of queues) await channel.deleteQueue(queue).catch(() => {});
        await connection.close();
      },
    };
  },
};
