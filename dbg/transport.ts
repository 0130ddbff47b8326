/**
 * Where a DbgTracer's messages go: an in-process DbgHub, or a remote dbg
 * endpoint's `/rpc` over HTTP (what a Deno Deploy function can do).
 *
 * @module
 */

import { fetchRetrying } from "../internal/http.ts";
import type { DbgHub } from "./hub.ts";
import type { DbgMsgGone, DbgMsgSchema, DbgMsgTx } from "./messages.ts";

/**
 * One message, named by its RPC method: am-dbg's two, and `DbgMsgGone`, the
 * JSON endpoint's extension (gob transports skip it: am-dbg has no such call).
 */
export type DbgMessage =
  | { method: "DbgMsgSchema"; params: DbgMsgSchema }
  | { method: "DbgMsgTx"; params: DbgMsgTx }
  | { method: "DbgMsgGone"; params: DbgMsgGone };

/** Delivers batches of messages, in order; rejects when a batch failed. */
export interface DbgTransport {
  /** Where it sends, for logs and de-duplication. */
  readonly address: string;
  /** Sends a batch; resolves once delivered. */
  send(batch: DbgMessage[]): Promise<void>;
  /** Takes the JSON endpoint's extension messages (`DbgMsgGone`); am-dbg's wire doesn't. */
  readonly extensions?: boolean;
  /** Releases connections. */
  close?(): void | Promise<void>;
}

/**
 * Delivers into a {@linkcode DbgHub} in the same process.
 *
 * @example Usage
 * ```ts
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * import { DbgHub, HubTransport, transitionsToDbg } from "@asyncmachine/telemetry/dbg";
 * const hub = new DbgHub();
 * transitionsToDbg(new Machine({ Foo: {} }, { id: "m1" }), new HubTransport(hub));
 * ```
 */
export class HubTransport implements DbgTransport {
  /** "hub". */
  readonly address = "hub";
  /** Takes `DbgMsgGone`. */
  readonly extensions = true;
  #hub: DbgHub;

  /**
   * A transport into `hub`.
   *
   * @param hub The hub to fill.
   */
  constructor(hub: DbgHub) {
    this.#hub = hub;
  }

  /** Adds each message to the hub, in order; rejects with the first failure. */
  async send(batch: DbgMessage[]): Promise<void> {
    const hub = this.#hub;
    // started in order without waiting one by one: a KV hub batches them
    const all = batch.map((m) =>
      m.method === "DbgMsgSchema"
        ? hub.addSchema(m.params)
        : m.method === "DbgMsgTx"
        ? hub.addTx(m.params)
        : hub.markGone(m.params)
    );
    await Promise.all(all);
  }
}

/** Options of {@linkcode HttpDbgTransport}. */
export interface HttpDbgTransportOptions {
  /** Bearer token of the endpoint. */
  token?: string;
  /** Timeout per request, ms; default 5 s. */
  timeoutMs?: number;
  /** Retries of a failed request (network error or 5xx); default 3. */
  retries?: number;
  /** First retry delay, ms, doubling; default 100. */
  backoffMs?: number;
}

/**
 * Posts batches as JSON-RPC 2.0 to a dbg endpoint's `/rpc`, retrying with
 * backoff (bounded), so machines anywhere (Deno Deploy included) can report
 * to a collector.
 *
 * @example Usage
 * ```ts ignore
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * import { HttpDbgTransport, transitionsToDbg } from "@asyncmachine/telemetry/dbg";
 * const transport = new HttpDbgTransport("https://collector.example/", { token: "s3cret" });
 * transitionsToDbg(new Machine({ Foo: {} }), transport);
 * ```
 */
export class HttpDbgTransport implements DbgTransport {
  /** The `/rpc` URL. */
  readonly address: string;
  /** Takes `DbgMsgGone`. */
  readonly extensions = true;
  #opts: HttpDbgTransportOptions;
  #nextId = 1;

  /**
   * A transport to one endpoint.
   *
   * @param url The endpoint's base URL (or its `/rpc` URL).
   * @param opts Token, timeout, retries.
   */
  constructor(url: string, opts?: HttpDbgTransportOptions) {
    opts ??= {};
    const base = url.replace(/\/+$/, "");
    this.address = base.endsWith("/rpc") ? base : base + "/rpc";
    this.#opts = opts;
  }

  /** Posts the batch; rejects with the endpoint's error after retries. */
  async send(batch: DbgMessage[]): Promise<void> {
    if (batch.length === 0) return;
    const body = JSON.stringify(
      batch.map((m) => ({
        jsonrpc: "2.0",
        id: this.#nextId++,
        method: m.method,
        params: m.params,
      })),
    );
    // the same key on every retry: the endpoint ingests a batch once even when a timed-out
    // attempt had landed
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "idempotency-key": crypto.randomUUID(),
    };
    if (this.#opts.token) headers.authorization = `Bearer ${this.#opts.token}`;
    const res = await fetchRetrying(this.address, { method: "POST", headers, body }, {
      retries: this.#opts.retries ?? 3,
      backoffMs: this.#opts.backoffMs ?? 100,
      timeoutMs: this.#opts.timeoutMs ?? 5000,
    });
    if (res.status >= 500) throw new Error(`dbg endpoint ${this.address}: ${res.status}`);
    // client errors and rejected messages won't get better by retrying
    if (!res.ok) throw new Error(`dbg endpoint ${this.address}: ${res.status} ${res.text}`);
    const replies = JSON.parse(res.text) as { error?: { message: string } }[];
    const failed = replies.find((r) => r.error);
    if (failed) throw new Error(`dbg endpoint ${this.address}: ${failed.error!.message}`);
  }
}
