/**
 * am-dbg's wire as a {@linkcode DbgTransport}: net/rpc + gob over TCP
 * (`host:port`) or a WebSocket (`ws://host:port/dbg.ws`), one connection
 * per machine.
 *
 * @module
 */

import { type ByteConn, tcpByteConn, wsByteConn } from "./byte_conn.ts";
import { NetRpcClient } from "./rpc_client.ts";
import type { DbgMessage, DbgTransport } from "./transport.ts";
import { DbgMsgStructType, DbgMsgTxType } from "./wire_types.ts";

/**
 * Addresses the gob transport serves: `host:port`, `[v6]:port`, `ws://…`, `wss://…`.
 *
 * @example Usage
 * ```ts
 * import { GOB_ADDRESS } from "./gob_transport.ts";
 * GOB_ADDRESS.test("localhost:6831"); // true
 * ```
 */
export const GOB_ADDRESS: RegExp = /^(wss?:\/\/|[^/:]*:\d+$|\[[^\]]*\]:\d+$)/;

/** Options of {@linkcode GobRpcTransport}. */
export interface GobRpcTransportOptions {
  /** For a {@linkcode listenDbgTcp} started with a token (am-dbg itself has none). */
  token?: string;
  /** A call without its reply by then fails and reconnects, ms; default 10 s. */
  timeoutMs?: number;
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
 * its connection). A broken connection is dropped and the next message
 * reconnects.
 *
 * @example Usage
 * ```ts ignore
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * import { GobRpcTransport, transitionsToDbg } from "@asyncmachine/telemetry/dbg";
 * transitionsToDbg(new Machine({ Foo: {} }), new GobRpcTransport("localhost:6831")); // a running am-dbg
 * ```
 */
export class GobRpcTransport implements DbgTransport {
  /** `host:port` or `ws://host:port/dbg.ws`. */
  readonly address: string;
  #clients = new Map<string, Promise<NetRpcClient>>();
  #token: string | undefined;
  #timeoutMs: number | undefined;

  /**
   * Creates one.
   *
   * @param address `host:port` (TCP) or a `ws://` URL.
   * @param opts Options.
   */
  constructor(address: string, opts?: GobRpcTransportOptions) {
    opts ??= {};
    this.address = address;
    this.#token = opts.token;
    this.#timeoutMs = opts.timeoutMs;
  }

  #client(conn: ByteConn): NetRpcClient {
    return new NetRpcClient(conn, { token: this.#token, timeoutMs: this.#timeoutMs });
  }

  #connect(): Promise<NetRpcClient> {
    if (this.address.startsWith("ws://") || this.address.startsWith("wss://")) {
      const url = /\/[^/]*$/.test(this.address.replace(/^wss?:\/\//, ""))
        ? this.address
        : this.address.replace(/\/?$/, "/dbg.ws");
      const ws = new WebSocket(url);
      return new Promise((resolve, reject) => {
        ws.onopen = () => resolve(this.#client(wsByteConn(ws)));
        ws.onerror = () => reject(new Error(`dbg: cannot connect to ${url}`));
      });
    }
    const m = /^(.*):(\d+)$/.exec(this.address);
    if (!m) return Promise.reject(new Error(`dbg: bad address ${this.address}`));
    const hostname = m[1].replace(/^\[|\]$/g, "") || "localhost";
    return Deno.connect({ hostname, port: Number(m[2]) })
      .then((conn) => this.#client(tcpByteConn(conn)));
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
