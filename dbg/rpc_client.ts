/**
 * Go's net/rpc client over gob: one call at a time, each awaiting its
 * reply, as am-dbg's machines call `RPCServer.DbgMsgSchema` and
 * `RPCServer.DbgMsgTx`.
 *
 * @module
 */

import type { ByteConn } from "./byte_conn.ts";
import { GobDecoder, GobEncoder, type GoType } from "./gob/mod.ts";
import { concatBytes } from "./gob/wire.ts";
import { RpcRequestType } from "./wire_types.ts";

/** net/rpc reply header. */
interface RpcResponse {
  ServiceMethod?: string;
  Seq?: number;
  Error?: string;
}

/**
 * The first line a client sends to a token-gated net/rpc listener
 * ({@linkcode listenDbgTcp} with `token`), before any gob.
 *
 * @example Usage
 * ```ts
 * import { tokenPreamble } from "./rpc_client.ts";
 * tokenPreamble("s3cret"); // the bytes of "AMDBG-TOKEN s3cret\n"
 * ```
 */
export function tokenPreamble(token: string): Uint8Array {
  return new TextEncoder().encode(`AMDBG-TOKEN ${token}\n`);
}

/**
 * A net/rpc client over gob: calls are sent one at a time, each awaiting
 * its reply, as the Go client does.
 *
 * @example Usage
 * ```ts ignore
 * import { NetRpcClient } from "./rpc_client.ts";
 * import { tcpByteConn } from "./byte_conn.ts";
 * const conn = await Deno.connect({ hostname: "localhost", port: 6831 });
 * const client = new NetRpcClient(tcpByteConn(conn));
 * ```
 */
export class NetRpcClient {
  #conn: ByteConn;
  #enc = new GobEncoder();
  #dec = new GobDecoder({ maxMessageBytes: 1024 * 1024 });
  #seq = 0;
  #values: unknown[] = [];
  #reader: AsyncIterator<Uint8Array>;
  #lock: Promise<unknown> = Promise.resolve();
  #closed = false;
  #preamble: Uint8Array | undefined;
  #timeoutMs: number;

  /**
   * Creates one.
   *
   * @param conn The connection (one per client).
   * @param opts `token`: sent first, for a listener started with one;
   *   `timeoutMs`: a call without its reply by then fails and closes the
   *   connection (default 10 s; 0 = wait forever, as Go's client).
   */
  constructor(conn: ByteConn, opts?: { token?: string; timeoutMs?: number }) {
    opts ??= {};
    this.#conn = conn;
    this.#timeoutMs = opts.timeoutMs ?? 10_000;
    this.#reader = conn.readable[Symbol.asyncIterator]();
    if (opts.token) this.#preamble = tokenPreamble(opts.token);
  }

  async #nextValue(): Promise<unknown> {
    while (this.#values.length === 0) {
      const { done, value } = await this.#reader.next();
      if (done) throw new Error("net/rpc: connection closed");
      for (const v of this.#dec.push(value)) this.#values.push(v);
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
      const parts = [head, payload];
      if (this.#preamble) parts.unshift(this.#preamble);
      this.#preamble = undefined;
      await this.#conn.write(concatBytes(parts));
      const res = await this.#nextValue() as RpcResponse;
      await this.#nextValue(); // the reply body ("")
      if ((res.Seq ?? 0) !== seq) throw new Error(`net/rpc: reply seq ${res.Seq}, expected ${seq}`);
      if (res.Error) throw new Error(`net/rpc ${method}: ${res.Error}`);
    };
    const timed = () => {
      if (!(this.#timeoutMs > 0)) return run();
      let timer: ReturnType<typeof setTimeout> | undefined;
      return Promise.race([
        run(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            // a stalled server: this connection is done, the caller reconnects
            this.close();
            reject(new Error(`net/rpc ${method}: no reply in ${this.#timeoutMs} ms`));
          }, this.#timeoutMs);
        }),
      ]).finally(() => clearTimeout(timer));
    };
    const p = this.#lock.then(timed, timed);
    this.#lock = p.catch(() => {});
    return p;
  }

  /** Closes the connection. */
  close(): void {
    this.#closed = true;
    this.#conn.close();
  }
}
