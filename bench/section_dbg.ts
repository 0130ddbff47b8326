// dbg rows: the DbgTracer's cost with messages delivered over a socket to a
// collector in another process (JSON-RPC over HTTP, and am-dbg's gob over
// TCP), each run waiting until its messages were delivered; the tracer
// alone (dropping transport) labelled as such; endpoint ingest into a
// memory hub over loopback HTTP (each POST awaited until the hub answered);
// fan-out to WebSocket subscribers; heap under a stalled SSE subscriber.

import { GobRpcTransport, HttpDbgTransport } from "../dbg/mod.ts";
import { benchMachine } from "./fixtures.ts";
import {
  burstLoop,
  dbgMachine,
  endpoint,
  rpcBatch,
  transportMachine,
  txMessages,
} from "./dbg_fixtures.ts";
import { measure } from "./harness.ts";
import { goal, heap, info, PAIRS, type Row, STALL_SECONDS } from "./row.ts";

/** The collector process (bench/dbg_sink.ts) and its addresses. */
async function collector(): Promise<{ http: string; tcp: string; stop: () => Promise<void> }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", new URL("./dbg_sink.ts", import.meta.url).pathname],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let line = "";
  while (!line.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("dbg sink exited");
    line += value;
  }
  const addrs = JSON.parse(line.split("\n")[0]);
  return {
    ...addrs,
    stop: async () => {
      child.kill();
      await child.status;
      await reader.cancel();
    },
  };
}

/** The section's rows. */
export default async function rows(): Promise<Row[]> {
  const out: Row[] = [];
  const bare = benchMachine();
  // the tracer alone first, against the core only (socket rounds skew it)
  const dropped = dbgMachine("dbg-null");
  const [b0, n] = await measure([
    { name: "core", ops: PAIRS, run: () => burstLoop(bare, PAIRS, 100) },
    { name: "null", ops: PAIRS, run: () => burstLoop(dropped.mach, PAIRS, 100, dropped.tracer) },
  ]);
  const cost = (1 - n.opsPerSec / b0.opsPerSec) * 100;
  out.push(goal(
    "dbg tracer alone: messages built, dropped, not serialised or sent (cost)",
    cost,
    "%",
    "< 20%",
    cost < 20,
  ));
  const sink = await collector();
  try {
    const http = transportMachine("dbg-http", new HttpDbgTransport(sink.http));
    const gob = transportMachine("dbg-gob", new GobRpcTransport(sink.tcp));
    const [b, h, g] = await measure(
      [
        { name: "core", ops: PAIRS, run: () => burstLoop(bare, PAIRS, 100) },
        { name: "http", ops: PAIRS, run: () => burstLoop(http.mach, PAIRS, 100, http.tracer) },
        { name: "gob", ops: PAIRS, run: () => burstLoop(gob.mach, PAIRS, 100, gob.tracer) },
      ],
      10,
      2,
    );
    for (const t of [http, gob]) {
      const { dropped, errors, detached } = t.tracer;
      if (dropped || errors || detached) {
        throw new Error(`dbg tracer: ${dropped} dropped, ${errors} errors, detached ${detached}`);
      }
    }
    const pct = (r: { opsPerSec: number }) => (r.opsPerSec / b.opsPerSec) * 100;
    out.push(
      info(
        "DbgTracer → HTTP JSON-RPC to an endpoint in another process, delivered (% of bare core)",
        pct(h),
        "%",
      ),
      info(
        "DbgTracer → am-dbg wire (net/rpc + gob over TCP, another process), delivered (% of bare core)",
        pct(g),
        "%",
      ),
    );
  } finally {
    await sink.stop();
  }

  // ingest: JSON-RPC batches of 1000 real tx messages over loopback HTTP
  const { schema, txs } = await txMessages(1000);
  const ep = endpoint();
  const post = (body: string) =>
    fetch(ep.url + "/rpc", { method: "POST", body }).then(async (r) => {
      await r.body?.cancel();
      if (r.status !== 204 && r.status !== 200) throw new Error(`ingest: ${r.status}`);
    });
  await post(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "DbgMsgSchema", params: schema }));
  const batch = rpcBatch(txs);
  // the hub keeps the last 1000 per machine: its oldest cursor shows what went in
  const oldest = async () => (await ep.hub.txs(txs[0].MachineID, { limit: 1 })).first;
  const before = await oldest();
  const [ingest] = await measure([{ name: "ingest", ops: txs.length, run: () => post(batch) }], 20);
  const stored = (await oldest()) - before;
  if (stored < 24 * txs.length) throw new Error(`hub took ${stored} of ${25 * txs.length}`);
  out.push(goal(
    "endpoint ingest into a memory hub (batches of 1000, loopback HTTP, median)",
    ingest.medianOpsPerSec,
    "msgs/s",
    ">= 100000",
    ingest.medianOpsPerSec >= 100_000,
  ));

  // fan-out to 100 WebSocket subscribers
  const url = ep.url.replace("http", "ws") + "/stream";
  let received = 0;
  const clients = await Promise.all(
    Array.from({ length: 100 }, () =>
      new Promise<WebSocket>((resolve) => {
        const ws = new WebSocket(url);
        // the hello frame each subscriber gets first is not a delivery
        ws.onmessage = (e) => {
          if (!String(e.data).startsWith('{"hello"')) received++;
        };
        ws.onopen = () => resolve(ws);
      })),
  );
  const t0 = performance.now();
  await post(batch);
  while (received < 100 * txs.length) await new Promise((r) => setTimeout(r, 1));
  const fanout = (100 * txs.length) / ((performance.now() - t0) / 1000);
  out.push(info("fan-out to 100 stream subscribers (messages received)", fanout, "deliveries/s"));
  await Promise.all(clients.map((ws) =>
    new Promise<void>((resolve) => {
      ws.onclose = () => resolve();
      ws.close();
    })
  ));

  // memory under a steady stream with a stalled SSE subscriber
  const stalled = await fetch(ep.url + "/events");
  const end = performance.now() + STALL_SECONDS * 1000;
  let start = 0;
  let sent = 0;
  while (performance.now() < end) {
    await post(batch);
    sent += txs.length;
    if (!start && sent >= 20_000) start = heap();
  }
  const last = heap();
  out.push(
    goal(
      `heap after ${STALL_SECONDS}s stream, stalled subscriber (${sent} msgs)`,
      last,
      "MiB",
      "flat",
      last < start * 1.25 + 8,
    ),
    info("heap once warm (20,000 msgs)", start, "MiB"),
  );
  await stalled.body?.cancel();
  await ep.server.shutdown();
  return out;
}
