/**
 * Go's net/rpc over gob: a client calling `RPCServer.DbgMsgSchema` and
 * `RPCServer.DbgMsgTx` the way am-dbg expects (TCP or WebSocket binary
 * frames), transports built on it, and the server side so a DbgHub accepts
 * Go machines.
 *
 * @module
 */

import { type DbgHub, DbgHubError } from "./hub.ts";
import { concatBytes, go, GobDecoder, GobEncoder, type GoType } from "./gob/mod.ts";
import type { DbgMessage, DbgTransport } from "./transport.ts";
import { registerDbgTransport } from "./tracer.ts";
import { DbgMsgStructType, DbgMsgTxType, RpcRequestType, RpcResponseType } from "./wire_types.ts";

/** A bidirectional byte stream (a TCP connection, a WebSocket). */
export interface ByteConn {
  /** Writes bytes (one flush). */
  write(bytes: Uint8Array): Promise<void>;
  /** Incoming bytes. */
  readable: AsyncIterable<Uint8Array>;
  /** Closes the connection. */
  close(): void;
}

/** A `Deno.Conn` as a ByteConn. */
export function tcpByteConn(conn: Deno.Conn): ByteConn {
  return {
    async write(bytes) {
      let off = 0;
      while (off < bytes.length) off += await conn.write(bytes.subarray(off));
    },
    readable: conn.readable,
    close() {
      try {
        conn.close();
      } catch {
        // already closed
      }
    },
  };
}

/**
 * A WebSocket carrying the net/rpc byte stream in binary messages (as
 * am-dbg's `/dbg.ws`): frame boundaries don't matter.
 */
export function wsByteConn(ws: WebSocket): ByteConn {
  ws.binaryType = "arraybuffer";
  const queue: Uint8Array[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  ws.addEventListener("message", (e) => {
    if (e.data instanceof ArrayBuffer) queue.push(new Uint8Array(e.data));
    else if (typeof e.data === "string") queue.push(new TextEncoder().encode(e.data));
    wake?.();
  });
  const end = () => {
    closed = true;
    wake?.();
  };
  ws.addEventListener("close", end);
  ws.addEventListener("error", end);
  return {
    write(bytes) {
      if (ws.readyState !== WebSocket.OPEN) return Promise.reject(new Error("websocket closed"));
      ws.send(bytes);
      return Promise.resolve();
    },
    readable: {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          while (queue.length) yield queue.shift()!;
          if (closed) return;
          await new Promise<void>((r) => wake = r);
          wake = undefined;
        }
      },
    },
    close() {
      try {
        ws.close();
      } catch {
        // already closed
      }
    },
  };
}

/** net/rpc reply header. */
interface RpcResponse {
  ServiceMethod?: string;
  Seq?: number;
  Error?: string;
}

/**
 * A net/rpc client over gob: calls are sent one at a time, each awaiting
 * its reply, as the Go client does.
 *
 * @example Usage
 * ```ts ignore
 * import { NetRpcClient, tcpByteConn } from "@asyncmachine/telemetry/dbg";
 * const conn = await Deno.connect({ hostname: "localhost", port: 6831 });
 * const client = new NetRpcClient(tcpByteConn(conn));
 * ```
 */
export class NetRpcClient {
  #conn: ByteConn;
  #enc = new GobEncoder();
  #dec = new GobDecoder();
  #seq = 0;
  #values: unknown[] = [];
  #reader: AsyncIterator<Uint8Array>;
  #lock: Promise<unknown> = Promise.resolve();
  #closed = false;

  /**
   * Creates one.
   *
   * @param conn The connection (one per client).
   */
  constructor(conn: ByteConn) {
    this.#conn = conn;
    this.#reader = conn.readable[Symbol.asyncIterator]();
  }

  async #nextValue(): Promise<unknown> {
    while (this.#values.length === 0) {
      const { done, value } = await this.#reader.next();
      if (done) throw new Error("net/rpc: connection closed");
      this.#values.push(...this.#dec.push(value));
    }
    return this.#values.shift();
  }

  /** Calls `method` with `body` of Go type `type`; rejects with the server's error. */
  call(method: string, type: GoType, body: unknown): Promise<void> {
    const run = async () => {
      if (this.#closed) throw new Error("net/rpc: client closed");
      const seq = this.#seq++;
      const head = this.#enc.encode(RpcRequestType, { ServiceMethod: method, Seq: seq });
      const payload = this.#enc.encode(type, body);
      await this.#conn.write(concatBytes([head, payload]));
      const res = await this.#nextValue() as RpcResponse;
      await this.#nextValue(); // the reply body ("")
      if ((res.Seq ?? 0) !== seq) throw new Error(`net/rpc: reply seq ${res.Seq}, expected ${seq}`);
      if (res.Error) throw new Error(`net/rpc ${method}: ${res.Error}`);
    };
    const p = this.#lock.then(run, run);
    this.#lock = p.catch(() => {});
    return p;
  }

  /** Closes the connection. */
  close(): void {
    this.#closed = true;
    this.#conn.close();
  }
}

/** Sends DbgMessages as am-dbg RPC calls on a client. */
async function callDbg(client: NetRpcClient, m: DbgMessage): Promise<void> {
  if (m.method === "DbgMsgSchema") {
    await client.call("RPCServer.DbgMsgSchema", DbgMsgStructType, m.params);
  } else {
    await client.call("RPCServer.DbgMsgTx", DbgMsgTxType, m.params);
  }
}

/**
 * am-dbg's wire: net/rpc + gob over TCP (`host:port`, default
 * localhost:6831) or a WebSocket (`ws://host:port/dbg.ws`), one connection
 * per machine as am-dbg requires (a machine's schema and transitions share
 * its connection).
 *
 * @example Usage
 * ```ts ignore
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * import { transitionsToDbg } from "@asyncmachine/telemetry/dbg";
 * transitionsToDbg(new Machine({ Foo: {} }), "localhost:6831"); // a running am-dbg
 * ```
 */
export class GobRpcTransport implements DbgTransport {
  /** `host:port` or `ws://host:port/dbg.ws`. */
  readonly address: string;
  #clients = new Map<string, Promise<NetRpcClient>>();

  /**
   * Creates one.
   *
   * @param address `host:port` (TCP) or a `ws://` URL.
   */
  constructor(address: string) {
    this.address = address;
  }

  #connect(): Promise<NetRpcClient> {
    if (this.address.startsWith("ws://") || this.address.startsWith("wss://")) {
      const url = /\/[^/]*$/.test(this.address.replace(/^wss?:\/\//, ""))
        ? this.address
        : this.address.replace(/\/?$/, "/dbg.ws");
      const ws = new WebSocket(url);
      return new Promise((resolve, reject) => {
        ws.onopen = () => resolve(new NetRpcClient(wsByteConn(ws)));
        ws.onerror = () => reject(new Error(`dbg: cannot connect to ${url}`));
      });
    }
    const m = /^(.*):(\d+)$/.exec(this.address);
    if (!m) return Promise.reject(new Error(`dbg: bad address ${this.address}`));
    const hostname = m[1].replace(/^\[|\]$/g, "") || "localhost";
    return Deno.connect({ hostname, port: Number(m[2]) })
      .then((conn) => new NetRpcClient(tcpByteConn(conn)));
  }

  /** Sends each message on its machine's connection, in order. */
  async send(batch: DbgMessage[]): Promise<void> {
    for (const m of batch) {
      // DbgMsgGone is the JSON endpoint's extension: am-dbg's wire has no such message
      if (m.method === "DbgMsgGone") continue;
      const id = m.method === "DbgMsgSchema" ? m.params.ID : m.params.MachineID;
      let client = this.#clients.get(id);
      if (!client) {
        client = this.#connect();
        this.#clients.set(id, client);
      }
      try {
        await callDbg(await client, m);
      } catch (e) {
        // a broken connection is dropped; the next message reconnects
        this.#clients.delete(id);
        client.then((c) => c.close(), () => {});
        throw e;
      }
    }
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    for (const c of this.#clients.values()) (await c.catch(() => undefined))?.close();
    this.#clients.clear();
  }
}

registerDbgTransport(
  /^(wss?:\/\/|[^/:]*:\d+$|\[[^\]]*\]:\d+$)/,
  (addr) => new GobRpcTransport(addr),
);

/**
 * Serves net/rpc over one connection for a hub, as am-dbg's RPCServer:
 * `RPCServer.DbgMsgSchema` and `RPCServer.DbgMsgTx` (others get an error
 * reply). Resolves when the connection ends; malformed streams close it.
 *
 * @example Usage
 * ```ts ignore
 * import { DbgHub, serveNetRpc, tcpByteConn } from "@asyncmachine/telemetry/dbg";
 * const hub = new DbgHub();
 * for await (const conn of Deno.listen({ port: 6831 })) serveNetRpc(tcpByteConn(conn), hub);
 * ```
 */
export async function serveNetRpc(conn: ByteConn, hub: DbgHub): Promise<void> {
  const dec = new GobDecoder();
  const enc = new GobEncoder();
  const pending: unknown[] = [];
  try {
    for await (const chunk of conn.readable) {
      pending.push(...dec.push(chunk));
      while (pending.length >= 2) {
        const req = pending.shift() as { ServiceMethod?: string; Seq?: number };
        const body = pending.shift();
        let error = "";
        try {
          if (req.ServiceMethod === "RPCServer.DbgMsgSchema") await hub.addSchema(body);
          else if (req.ServiceMethod === "RPCServer.DbgMsgTx") await hub.addTx(body);
          else error = `rpc: can't find method ${req.ServiceMethod}`;
        } catch (e) {
          error = e instanceof DbgHubError || e instanceof TypeError ? e.message : String(e);
        }
        const head = enc.encode(RpcResponseType, {
          ServiceMethod: req.ServiceMethod ?? "",
          Seq: req.Seq ?? 0,
          Error: error,
        });
        const reply = enc.encode(go.string, "");
        await conn.write(concatBytes([head, reply]));
      }
    }
  } catch {
    // a malformed stream or a broken connection ends this connection only
  } finally {
    conn.close();
  }
}

/**
 * A TCP listener accepting Go machines (am-dbg's address, default
 * localhost:6831) into a hub. Not for Deno Deploy (no raw sockets there:
 * use `/dbg.ws` on the endpoint).
 *
 * @example Usage
 * ```ts ignore
 * import { DbgHub, listenDbgTcp } from "@asyncmachine/telemetry/dbg";
 * const listener = listenDbgTcp(new DbgHub(), { port: 6831 });
 * ```
 */
export function listenDbgTcp(
  hub: DbgHub,
  opts: { hostname?: string; port?: number } = {},
): Deno.Listener {
  const listener = Deno.listen({ hostname: opts.hostname ?? "127.0.0.1", port: opts.port ?? 6831 });
  (async () => {
    try {
      for await (const conn of listener) void serveNetRpc(tcpByteConn(conn), hub);
    } catch {
      // listener closed
    }
  })();
  return listener;
}

/**
 * A `/dbg.ws` route for {@linkcode dbgHandler}'s `fallback`: upgrades to a
 * WebSocket carrying net/rpc + gob, as am-dbg's own `/dbg.ws`.
 *
 * @example Usage
 * ```ts ignore
 * import { DbgHub, dbgHandler, dbgWsRoute } from "@asyncmachine/telemetry/dbg";
 * const hub = new DbgHub();
 * Deno.serve(dbgHandler(hub, { fallback: dbgWsRoute(hub) }));
 * ```
 */
export function dbgWsRoute(
  hub: DbgHub,
  next?: (req: Request) => Response | Promise<Response>,
): (req: Request) => Response | Promise<Response> {
  return (req) => {
    if (new URL(req.url).pathname !== "/dbg.ws") {
      return next ? next(req) : Response.json({ error: "not found" }, { status: 404 });
    }
    if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return Response.json({ error: "connect with a WebSocket" }, { status: 426 });
    }
    const { socket, response } = Deno.upgradeWebSocket(req);
    socket.addEventListener("open", () => void serveNetRpc(wsByteConn(socket), hub));
    return response;
  };
}
