import { type ChildProcess, fork } from "node:child_process";
import path from "node:path";
import type { ConsumerReply, ConsumerRequest } from "../consumer/protocol.js";
import type { ConsumerOptions } from "../peers/transport.js";

type Result = Extract<ConsumerReply, { type: "result" }>;

/** Distributive Omit, so each request kind keeps its own fields. */
type RequestBody = ConsumerRequest extends infer R
  ? R extends ConsumerRequest
    ? Omit<R, "id">
    : never
  : never;

/** The separate consumer process (bench/consumer/main.ts under tsx), reused by every scenario. */
export class ConsumerProcess {
  private readonly child: ChildProcess;
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (reply: ConsumerReply) => void; reject: (error: Error) => void }
  >();

  constructor() {
    this.child = fork(path.join(import.meta.dirname, "..", "consumer", "main.ts"), [], {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.child.on("message", (reply: ConsumerReply) => {
      const waiter = this.waiting.get(reply.id);
      if (!waiter) return;
      this.waiting.delete(reply.id);
      if (reply.type === "error") waiter.reject(new Error(`consumer process: ${reply.message}`));
      else waiter.resolve(reply);
    });
    this.child.on("exit", (code) => {
      for (const waiter of this.waiting.values())
        waiter.reject(new Error(`consumer process exited (${code})`));
      this.waiting.clear();
    });
  }

  private request(body: RequestBody): Promise<ConsumerReply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.send({ ...body, id } as ConsumerRequest);
    });
  }

  /** Starts a transport's consumer; resolves when it is subscribed. Returns when it began opening (epoch ms). */
  async start(transport: string, databaseUrl: string, options: ConsumerOptions): Promise<number> {
    const reply = await this.request({ type: "start", transport, databaseUrl, options });
    return reply.type === "ready" ? reply.openedAt : Number.NaN;
  }

  /** Waits until every group got `expected` messages (or gives up), stops the consumer, returns what it saw. */
  async collect(expected: number | readonly number[], idleMs = 3000, maxMs = 60_000): Promise<Result> {
    const reply = await this.request({ type: "collect", expected, idleMs, maxMs });
    if (reply.type !== "result") throw new Error("unexpected reply");
    return reply;
  }

  /** Ends the consumer process. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.send({ type: "exit", id: 0 });
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    if (this.child.exitCode === null) this.child.kill();
  }
}
