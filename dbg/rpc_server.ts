/**
 * The net/rpc server side of am-dbg's wire, as its `RPCServer`: accepts
 * `RPCServer.DbgMsgSchema` and `RPCServer.DbgMsgTx` calls into a hub, from
 * any number of connections, within limits shared by all of them
 * (connections, bytes in flight, decoded size, timeouts).
 *
 * @module
 */

import type { ByteConn } from "./byte_conn.ts";
import { go, GobDecoder, GobEncoder, GobError } from "./gob/mod.ts";
import { concatBytes } from "./gob/wire.ts";
import type { DbgHub } from "./hub.ts";
import { tokenPreamble } from "./rpc_client.ts";
import { RpcResponseType } from "./wire_types.ts";

/** Limits of a {@linkcode NetRpcServer}; defaults in {@linkcode NET_RPC_DEFAULTS}. */
export interface NetRpcServerOptions {
  /** Most connections served at once; more are closed on arrival (TCP) or get 503 (`/dbg.ws`). */
  maxConnections?: number;
  /** Largest gob message, wire bytes: what one connection may buffer. */
  maxMessageBytes?: number;
  /** Bytes received and not yet decoded, summed over all connections. */
  maxInFlightBytes?: number;
  /** Most values one message decodes to (see {@linkcode GobDecoderOptions}). */
  maxElements?: number;
  /** Most heap one message decodes to, estimated. */
  maxDecodedBytes?: number;
  /** Deepest nesting in a message. */
  maxDepth?: number;
  /**
   * A message (and the first one, and a reply write) must complete within
   * this, ms; a partial message held longer closes the connection.
   */
  readTimeoutMs?: number;
  /**
   * A connection with nothing pending is closed after this long without a
   * byte, ms; 0 = never (the default: Go's dbg client never reconnects, so
   * an idle machine would be cut off for good).
   */
  idleTimeoutMs?: number;
  /**
   * TCP only: connections must start with `AMDBG-TOKEN <token>\n` (see
   * {@linkcode GobRpcTransport}'s `token`). Off by default: am-dbg's Go
   * clients send none.
   */
  token?: string;
  /** Decoding runs in slices of this many ms, yielding to the event loop between them. */
  sliceMs?: number;
}

/**
 * The defaults of {@linkcode NetRpcServerOptions}.
 *
 * @example Usage
 * ```ts
 * import { NET_RPC_DEFAULTS } from "./rpc_server.ts";
 * NET_RPC_DEFAULTS.maxConnections; // 128
 * ```
 */
export const NET_RPC_DEFAULTS: Readonly<Required<Omit<NetRpcServerOptions, "token">>> = {
  maxConnections: 128,
  maxMessageBytes: 16 * 1024 * 1024,
  maxInFlightBytes: 64 * 1024 * 1024,
  maxElements: 1024 * 1024,
  maxDecodedBytes: 64 * 1024 * 1024,
  maxDepth: 64,
  readTimeoutMs: 30_000,
  idleTimeoutMs: 0,
  sliceMs: 10,
};

/** Closes a connection when a timer fires; one per connection. */
class Deadline {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #mode: "read" | "idle" | "" = "";
  constructor(readonly onExpire: () => void) {}
  /**
   * Starts the read deadline unless it already runs: more bytes don't extend
   * it, a completed message (`progress`) does.
   */
  read(ms: number, progress = false): void {
    if (this.#mode === "read" && !progress) return;
    this.#set("read", ms);
  }
  /** Restarts the idle deadline. */
  idle(ms: number): void {
    this.#set("idle", ms);
  }
  #set(mode: "read" | "idle", ms: number): void {
    this.clear();
    this.#mode = mode;
    if (ms > 0) this.#timer = setTimeout(this.onExpire, ms);
  }
  clear(): void {
    clearTimeout(this.#timer);
    this.#mode = "";
  }
}

/**
 * Serves net/rpc over gob for a hub, as am-dbg's RPCServer, on any number of
 * connections sharing one set of limits: one instance per listener (or per
 * endpoint). Malformed, over-limit, slow or unauthorised connections are
 * closed; the others go on.
 *
 * @example Usage
 * ```ts ignore
 * import { DbgHub } from "@asyncmachine/telemetry/dbg";
 * import { NetRpcServer } from "./rpc_server.ts";
 * import { tcpByteConn } from "./byte_conn.ts";
 * const server = new NetRpcServer(new DbgHub(), { maxConnections: 16 });
 * for await (const conn of Deno.listen({ port: 6831 })) server.serve(tcpByteConn(conn));
 * ```
 */
export class NetRpcServer {
  #hub: DbgHub;
  #opts: Required<Omit<NetRpcServerOptions, "token">> & { token?: string };
  #connections = 0;
  #reserved = 0;
  #inFlight = 0;
  #lock: Promise<void> = Promise.resolve();

  /**
   * Creates one.
   *
   * @param hub Where the messages go.
   * @param opts Limits.
   */
  constructor(hub: DbgHub, opts?: NetRpcServerOptions) {
    opts ??= {};
    this.#hub = hub;
    this.#opts = { ...NET_RPC_DEFAULTS };
    for (const [k, v] of Object.entries(opts)) {
      if (v !== undefined) (this.#opts as Record<string, unknown>)[k] = v;
    }
  }

  /** Connections being served. */
  get connections(): number {
    return this.#connections;
  }

  /** Bytes received and not yet decoded, over all connections. */
  get inFlightBytes(): number {
    return this.#inFlight;
  }

  /** Whether one more connection would be served. */
  get full(): boolean {
    return this.#connections + this.#reserved >= this.#opts.maxConnections;
  }

  /**
   * Holds a connection slot for one about to be served (a WebSocket between
   * its upgrade and its open event); false when full. Pass `reserved: true`
   * to {@linkcode NetRpcServer.serve}, or {@linkcode NetRpcServer.release}
   * it if the connection never comes.
   */
  reserve(): boolean {
    if (this.full) return false;
    this.#reserved++;
    return true;
  }

  /** Frees a slot from {@linkcode NetRpcServer.reserve} whose connection never came. */
  release(): void {
    if (this.#reserved > 0) this.#reserved--;
  }

  /** One decode at a time: the decoded-size budget holds for the whole server. */
  async #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const prev = this.#lock;
    let release!: () => void;
    this.#lock = new Promise((r) => release = r);
    await prev;
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /**
   * Serves one connection until it ends, then closes it.
   *
   * @param conn The connection.
   * @param opts `token: false` skips the token check (a transport with its own auth);
   *   `reserved: true` takes the slot held by {@linkcode NetRpcServer.reserve}.
   */
  async serve(conn: ByteConn, opts?: { token?: boolean; reserved?: boolean }): Promise<void> {
    opts ??= {};
    const o = this.#opts;
    if (opts.reserved) {
      this.release();
    } else if (this.full) {
      conn.close();
      return;
    }
    this.#connections++;
    const dec = new GobDecoder({
      maxMessageBytes: o.maxMessageBytes,
      maxElements: o.maxElements,
      maxDecodedBytes: o.maxDecodedBytes,
      maxDepth: o.maxDepth,
    });
    const enc = new GobEncoder();
    const deadline = new Deadline(() => conn.close());
    let held = 0; // this connection's share of #inFlight
    let preamble: Uint8Array | undefined = o.token && opts.token !== false
      ? new Uint8Array(0)
      : undefined;
    const expected = o.token ? tokenPreamble(o.token) : undefined;
    let gotMessage = false;
    const pending: unknown[] = [];
    try {
      deadline.read(o.readTimeoutMs);
      for await (let chunk of conn.readable) {
        if (preamble) {
          // the token line first; a wrong byte ends the connection at once
          preamble = concatBytes([preamble, chunk]);
          const want = expected!;
          const n = Math.min(preamble.length, want.length);
          if (!sameBytes(preamble.subarray(0, n), want.subarray(0, n))) return;
          if (n < want.length) continue;
          chunk = preamble.subarray(want.length);
          preamble = undefined;
        }
        if (this.#inFlight + chunk.length + (conn.queued ?? 0) > o.maxInFlightBytes) return;
        this.#inFlight += chunk.length;
        held += chunk.length;
        const c = chunk;
        const values = await this.#exclusive(() => dec.pushAsync(c, { sliceMs: o.sliceMs }));
        this.#inFlight -= held - dec.buffered;
        held = dec.buffered;
        for (const v of values) pending.push(v);
        while (pending.length >= 2) {
          gotMessage = true;
          const req = pending.shift();
          const body = pending.shift();
          const reply = await this.#call(req, body, enc);
          await withTimeout(conn.write(reply), o.readTimeoutMs);
        }
        if (dec.buffered > 0 || pending.length || !gotMessage) {
          deadline.read(o.readTimeoutMs, values.length > 0);
        } else {
          deadline.idle(o.idleTimeoutMs);
        }
      }
    } catch {
      // a malformed stream, a limit, a timeout or a broken connection ends this connection only
    } finally {
      deadline.clear();
      this.#inFlight -= held;
      this.#connections--;
      conn.close();
    }
  }

  /** Runs one call; its reply bytes (header and body). */
  async #call(req: unknown, body: unknown, enc: GobEncoder): Promise<Uint8Array> {
    if (!req || typeof req !== "object") throw new GobError("net/rpc: bad request header");
    const { ServiceMethod, Seq } = req as { ServiceMethod?: unknown; Seq?: unknown };
    const method = typeof ServiceMethod === "string" ? ServiceMethod : "";
    let error = "";
    try {
      if (method === "RPCServer.DbgMsgSchema") await this.#hub.addSchema(body);
      else if (method === "RPCServer.DbgMsgTx") await this.#hub.addTx(body);
      else error = `rpc: can't find method ${method}`;
    } catch (e) {
      error = e instanceof Error ? String(e.message) : "rejected";
    }
    const head = enc.encode(RpcResponseType, {
      ServiceMethod: method,
      Seq: typeof Seq === "number" || typeof Seq === "bigint" ? Seq : 0,
      Error: error,
    });
    return concatBytes([head, enc.encode(go.string, "")]);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  if (!(ms > 0)) return p;
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error("write timed out")), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Serves net/rpc over one connection for a hub (limits of its own; share a
 * {@linkcode NetRpcServer} to share them). Resolves when the connection ends.
 *
 * @example Usage
 * ```ts ignore
 * import { DbgHub } from "@asyncmachine/telemetry/dbg";
 * import { serveNetRpc } from "./rpc_server.ts";
 * import { tcpByteConn } from "./byte_conn.ts";
 * await serveNetRpc(tcpByteConn(await Deno.connect({ port: 6831 })), new DbgHub());
 * ```
 */
export function serveNetRpc(
  conn: ByteConn,
  hub: DbgHub,
  opts?: NetRpcServerOptions,
): Promise<void> {
  opts ??= {};
  return new NetRpcServer(hub, opts).serve(conn);
}
