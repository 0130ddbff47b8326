// Fixtures of the dbg benchmarks: traced machines, real tx messages, an
// endpoint on loopback with pre-built JSON-RPC batches.

import {
  dbgHandler,
  DbgHub,
  type DbgMessage,
  type DbgMsgSchema,
  type DbgMsgTx,
  DbgTracer,
  type DbgTransport,
} from "../dbg/mod.ts";
import type { Machine } from "../machine/mod.ts";
import { addRemoveLoop, benchMachine } from "./fixtures.ts";

/** A transport that drops every batch: the tracer's own cost. */
export const nullTransport: DbgTransport = {
  address: "null",
  send: (_batch: DbgMessage[]) => Promise.resolve(),
};

/** A bench machine with a DbgTracer on the null transport. */
export function dbgMachine(id: string): { mach: Machine; tracer: DbgTracer } {
  const tracer = new DbgTracer(nullTransport, { stackTraces: false, maxOutbox: 10_000 });
  return { mach: benchMachine({ tracers: [tracer], id }), tracer };
}

/** A bench machine with a DbgTracer on a real transport (outbox big enough for a burst). */
export function transportMachine(
  id: string,
  transport: DbgTransport,
): { mach: Machine; tracer: DbgTracer } {
  const tracer = new DbgTracer(transport, { stackTraces: false, maxOutbox: 10_000 });
  return { mach: benchMachine({ tracers: [tracer], id }), tracer };
}

/**
 * Add/remove pairs in bursts of `burst` per task, then waits for the
 * outbox; `yieldIo` lets I/O run between bursts (a macrotask turn).
 */
export async function burstLoop(
  mach: Machine,
  pairs: number,
  burst: number,
  tracer?: DbgTracer,
  yieldIo = false,
): Promise<void> {
  for (let done = 0; done < pairs; done += burst) {
    addRemoveLoop(mach, burst);
    await null;
    if (tracer) await tracer.flush();
    if (yieldIo) await new Promise((r) => setTimeout(r, 0));
  }
}

/** A schema and `n` real tx messages (queued ones included) of the bench machine. */
export async function txMessages(n: number): Promise<{ schema: DbgMsgSchema; txs: DbgMsgTx[] }> {
  const msgs: DbgMessage[] = [];
  const tracer = new DbgTracer({
    address: "collect",
    send: (b) => {
      msgs.push(...b);
      return Promise.resolve();
    },
  }, { stackTraces: false, maxOutbox: 100_000 });
  const mach = benchMachine({ tracers: [tracer], id: "dbg-bench", logLevel: 3 });
  while (msgs.length < n + 1) {
    addRemoveLoop(mach, 100);
    await tracer.flush();
  }
  const schema = msgs.find((m) => m.method === "DbgMsgSchema")!.params as DbgMsgSchema;
  const txs = msgs.filter((m) => m.method === "DbgMsgTx").slice(0, n).map((m) =>
    m.params as DbgMsgTx
  );
  return { schema, txs };
}

/** A dbg endpoint on loopback and its hub. */
export function endpoint(
  maxTxs = 1000,
): { hub: DbgHub; server: Deno.HttpServer<Deno.NetAddr>; url: string } {
  const hub = new DbgHub({ maxTxsPerMachine: maxTxs });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    dbgHandler(hub, { maxBodyBytes: 64 * 1024 * 1024, maxQueuedEvents: 1000 }),
  );
  return { hub, server, url: `http://127.0.0.1:${server.addr.port}` };
}

/** A JSON-RPC batch of notifications ingesting these messages. */
export function rpcBatch(txs: DbgMsgTx[]): string {
  return JSON.stringify(txs.map((params) => ({ jsonrpc: "2.0", method: "DbgMsgTx", params })));
}
