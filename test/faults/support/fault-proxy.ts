/**
 * A TCP proxy on 127.0.0.1 between members and the fault server, which the scenario controls:
 * it can stall connections (stop forwarding in both directions without closing: the peer sees a
 * half-open connection), cut them, and cut a connection right after it forwards a chosen message
 * (the client never sees the reply: an ambiguous outcome).
 *
 * Each connection is tagged with the `application_name` of its PostgreSQL startup message, so a
 * scenario can aim at one kind of connection (the LISTEN connection is `postbus-listener`).
 */
import net from "node:net";

/** One proxied connection. */
export interface ProxyConnection {
  /** From the startup message; `undefined` until it has been read. */
  readonly applicationName: string | undefined;
  /** Nothing is forwarded while stalled; bytes are held, not dropped. */
  readonly stalled: boolean;
  readonly closed: boolean;
}

/** Which connections an operation applies to. Default: all open ones. */
export type ConnectionFilter = (connection: ProxyConnection) => boolean;

/** Decides, per client→server chunk, whether to forward it and then cut the connection. */
export type CutTrigger = (chunk: Buffer) => boolean;

/** A running proxy; see {@link startFaultProxy}. */
export interface FaultProxy {
  /** The proxy's port on 127.0.0.1. */
  readonly port: number;
  /** `url` (of the target server) with its port replaced by the proxy's. */
  via(url: string): string;
  /** Connections currently open, oldest first. */
  connections(): ProxyConnection[];
  /** Connections ever accepted, with this application_name (or all). */
  accepted(applicationName?: string): number;
  /** Stalls the matching open connections; returns how many. With `newOnes`, later connections stall too. */
  stall(filter?: ConnectionFilter, options?: { newOnes?: boolean }): number;
  /** Forwards again (held bytes first), for every connection, and stops stalling new ones. */
  resume(): void;
  /** Destroys the matching open connections (RST to the client, FIN to the server); returns how many. */
  cut(filter?: ConnectionFilter): number;
  /**
   * While set, a client→server chunk for which `trigger` returns true is forwarded to the server,
   * and the connection is cut at once: the server's reply never reaches the client.
   */
  cutAfter(trigger: CutTrigger | undefined): void;
  close(): Promise<void>;
}

class Connection implements ProxyConnection {
  applicationName: string | undefined;
  stalled = false;
  closed = false;
  readonly client: net.Socket;
  readonly server: net.Socket;
  #startup: Buffer | undefined = Buffer.alloc(0);
  #heldToServer: Buffer[] = [];
  #heldToClient: Buffer[] = [];

  constructor(client: net.Socket, server: net.Socket) {
    this.client = client;
    this.server = server;
  }

  /** Reads the startup message's application_name from the first bytes the client sends. */
  sniff(chunk: Buffer): void {
    if (this.#startup === undefined) return;
    this.#startup = Buffer.concat([this.#startup, chunk]);
    if (this.#startup.length < 8) return;
    const length = this.#startup.readInt32BE(0);
    const protocol = this.#startup.readInt32BE(4);
    if (protocol !== 196_608) {
      // SSLRequest, GSSENCRequest or CancelRequest: not a startup message.
      if (length === 8) this.#startup = this.#startup.subarray(8);
      if (this.#startup.length < 8) return;
      if (this.#startup.readInt32BE(4) !== 196_608) return;
    }
    if (this.#startup.length < length) return;
    const fields = this.#startup.subarray(8, length).toString("utf8").split("\0");
    for (let i = 0; i + 1 < fields.length; i += 2) {
      if (fields[i] === "application_name") this.applicationName = fields[i + 1];
    }
    this.applicationName ??= "";
    this.#startup = undefined;
  }

  toServer(chunk: Buffer): void {
    if (this.stalled) this.#heldToServer.push(chunk);
    else this.server.write(chunk);
  }

  toClient(chunk: Buffer): void {
    if (this.stalled) this.#heldToClient.push(chunk);
    else this.client.write(chunk);
  }

  resume(): void {
    this.stalled = false;
    for (const chunk of this.#heldToServer.splice(0)) this.server.write(chunk);
    for (const chunk of this.#heldToClient.splice(0)) this.client.write(chunk);
  }

  cut(): void {
    if (this.closed) return;
    this.closed = true;
    this.#heldToServer = [];
    this.#heldToClient = [];
    this.client.resetAndDestroy();
    // FIN after what was forwarded: the server reads the last message, then end of file.
    this.server.end();
    this.server.once("finish", () => this.server.destroy());
  }
}

/**
 * Starts a proxy on a free port of 127.0.0.1 that forwards to 127.0.0.1:`targetPort`.
 *
 * @example
 * const proxy = await startFaultProxy(server.port);
 * const member = startMember({ url: proxy.via(url), … });
 * proxy.stall(undefined, { newOnes: true }); // the member is partitioned
 */
export async function startFaultProxy(targetPort: number): Promise<FaultProxy> {
  const open = new Set<Connection>();
  const acceptedConnections: Connection[] = [];
  let stallNew = false;
  let trigger: CutTrigger | undefined;

  const listener = net.createServer((client) => {
    const server = net.connect({ host: "127.0.0.1", port: targetPort });
    const connection = new Connection(client, server);
    connection.stalled = stallNew;
    open.add(connection);
    acceptedConnections.push(connection);
    const close = () => {
      if (!open.delete(connection)) return;
      connection.closed = true;
      client.destroy();
      server.destroy();
    };
    client.on("data", (chunk: Buffer) => {
      if (connection.closed) return;
      connection.sniff(chunk);
      if (!connection.stalled && trigger?.(chunk)) {
        server.write(chunk);
        connection.cut();
        open.delete(connection);
        return;
      }
      connection.toServer(chunk);
    });
    server.on("data", (chunk: Buffer) => {
      if (!connection.closed) connection.toClient(chunk);
    });
    client.on("error", close);
    server.on("error", close);
    client.on("close", close);
    server.on("close", close);
  });
  await new Promise<void>((resolve, reject) => {
    listener.once("error", reject);
    listener.listen({ host: "127.0.0.1", port: 0 }, resolve);
  });
  const address = listener.address();
  if (address === null || typeof address === "string") throw new Error("fault proxy has no port");
  const matching = (filter: ConnectionFilter | undefined) =>
    [...open].filter((connection) => !connection.closed && (filter?.(connection) ?? true));

  return {
    port: address.port,
    via(url) {
      const parsed = new URL(url);
      parsed.port = String(address.port);
      return parsed.toString();
    },
    connections: () => [...open],
    accepted(applicationName) {
      return acceptedConnections.filter(
        (connection) => applicationName === undefined || connection.applicationName === applicationName,
      ).length;
    },
    stall(filter, options = {}) {
      if (options.newOnes) stallNew = true;
      const targets = matching(filter);
      for (const connection of targets) connection.stalled = true;
      return targets.length;
    },
    resume() {
      stallNew = false;
      for (const connection of open) connection.resume();
    },
    cut(filter) {
      const targets = matching(filter);
      for (const connection of targets) {
        connection.cut();
        open.delete(connection);
      }
      return targets.length;
    },
    cutAfter(next) {
      trigger = next;
    },
    async close() {
      for (const connection of open) connection.cut();
      open.clear();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    },
  };
}
