/**
 * A TCP proxy in front of PostgreSQL that reads the wire protocol's message frames and can cut
 * a connection at a chosen moment, for the tests of publishes whose commit outcome is unknown.
 *
 * ```ts
 * const proxy = await startCuttingProxy(5432);
 * proxy.cut = { after: "INSERT" }; // the next INSERT completes and commits on the server, its reply is never delivered
 * proxy.cut = { before: "INSERT" }; // the next INSERT never reaches the server
 * proxy.holdTerminate = true; // clients' goodbyes never reach the server
 * await proxy.close();
 * ```
 */
import net from "node:net";

/** When to cut the next matching connection. */
export type Cut =
  /**
   * Drop the connection once a statement whose text starts with `after` got its CommandComplete
   * (tag `tag`, default `after`: a `WITH … INSERT` statement that returns a SELECT's rows completes
   * as "SELECT") and ReadyForQuery: the statement is done (committed, if it committed on its own),
   * the client never hears it.
   */
  | { readonly after: string; readonly tag?: string }
  /** Drop the connection when the client sends a statement whose text starts with `before`: it never reaches the server. */
  | { readonly before: string };

/** A running proxy. */
export interface CuttingProxy {
  readonly port: number;
  /** The next cut to make (cleared once made). */
  cut: Cut | undefined;
  /** How many cuts were made. */
  readonly cuts: number;
  /**
   * Keep the client's goodbye (its Terminate, 'X', and the end of its socket) from the server,
   * as when the server shuts down before it reads it: the backend lives on until it is
   * terminated, and what it says then still reaches the client.
   */
  holdTerminate: boolean;
  close(): Promise<void>;
}

/** Starts a proxy on a free port of 127.0.0.1 to `targetPort` on 127.0.0.1. */
export async function startCuttingProxy(targetPort: number): Promise<CuttingProxy> {
  const sockets = new Set<net.Socket>();
  const state = { cut: undefined as Cut | undefined, cuts: 0, holdTerminate: false };
  // Half-open: a client that ended its side may still be read to (see `holdTerminate`).
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    const upstream = net.connect(targetPort, "127.0.0.1");
    sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", drop).on("close", () => sockets.delete(client) && drop());
    // The client's goodbye: passed on as a close, unless held (then the server's answer still reaches it).
    client.on("end", () => {
      if (!state.holdTerminate) drop();
    });
    upstream.on("error", drop).on("close", () => sockets.delete(upstream) && drop());
    let armedAfter = false;
    // Client → server: the startup message has no type byte; every later message does.
    client.on(
      "data",
      frames(true, (frame) => {
        if (state.holdTerminate && frame.type === 0x58) return;
        const cut = state.cut;
        if (cut !== undefined && frame.type !== 0) {
          const text = statementText(frame);
          if (
            text !== undefined &&
            "before" in cut &&
            text.trimStart().toUpperCase().startsWith(cut.before)
          ) {
            state.cut = undefined;
            state.cuts += 1;
            drop();
            return;
          }
          if (text !== undefined && "after" in cut && text.trimStart().toUpperCase().startsWith(cut.after))
            armedAfter = true;
        }
        upstream.write(frame.bytes);
      }),
    );
    // Server → client: every message has a type byte.
    let completed = false;
    upstream.on(
      "data",
      frames(false, (frame) => {
        const cut = state.cut;
        if (armedAfter && cut !== undefined && "after" in cut) {
          const tag = String.fromCharCode(frame.type);
          if (
            tag === "C" &&
            frame.bytes
              .subarray(5)
              .toString("utf8")
              .startsWith(cut.tag ?? cut.after)
          )
            completed = true;
          if (completed) {
            if (tag === "Z") {
              state.cut = undefined;
              state.cuts += 1;
              drop();
            }
            return; // held back: the client never learns the outcome
          }
        }
        client.write(frame.bytes);
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    get cut() {
      return state.cut;
    },
    set cut(value) {
      state.cut = value;
    },
    get cuts() {
      return state.cuts;
    },
    get holdTerminate() {
      return state.holdTerminate;
    },
    set holdTerminate(value) {
      state.holdTerminate = value;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Frame {
  /** The type byte, or 0 for the startup message. */
  readonly type: number;
  readonly bytes: Buffer;
}

/** Splits a byte stream into protocol messages; the first client message (startup) is untyped. */
function frames(untypedFirst: boolean, onFrame: (frame: Frame) => void): (chunk: Buffer) => void {
  let buffer = Buffer.alloc(0);
  let first = untypedFirst;
  return (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      if (first) {
        if (buffer.length < 4) return;
        const length = buffer.readInt32BE(0);
        if (buffer.length < length) return;
        const bytes = buffer.subarray(0, length);
        buffer = buffer.subarray(length);
        // An SSLRequest/GSSENCRequest is answered with one untyped byte; pg asks for none here.
        first = false;
        onFrame({ type: 0, bytes });
        continue;
      }
      if (buffer.length < 5) return;
      const length = buffer.readInt32BE(1);
      if (buffer.length < length + 1) return;
      const bytes = buffer.subarray(0, length + 1);
      buffer = buffer.subarray(length + 1);
      onFrame({ type: bytes[0]!, bytes });
    }
  };
}

/** The statement text of a Parse ('P': name\0text\0…) or Query ('Q': text\0) message. */
function statementText(frame: Frame): string | undefined {
  const body = frame.bytes.subarray(5);
  if (frame.type === 0x51) return body.toString("utf8", 0, Math.max(0, body.indexOf(0)));
  if (frame.type === 0x50) {
    const nameEnd = body.indexOf(0);
    return body.toString("utf8", nameEnd + 1, body.indexOf(0, nameEnd + 1));
  }
  return undefined;
}
