// One summary table of the ratios the issues ask for, measured with
// interleaved rounds (bench/harness.ts). `--json` prints JSON.

import { LogLevel } from "../machine/mod.ts";
import { addRemoveLoop, benchMachine, noopTracer } from "./fixtures.ts";
import { type Case, measure } from "./harness.ts";
import { bindMach, Registry } from "../prometheus/mod.ts";
import { oursSet, promClientSet } from "./prometheus_fixtures.ts";
import { tracedMachine } from "./otel_fixtures.ts";
import { burstLoop, dbgMachine, endpoint, rpcBatch, txMessages } from "./dbg_fixtures.ts";
import { concatBytes, DbgMsgTxType, GobDecoder, GobEncoder } from "../dbg/mod.ts";
import { fastLoki, loggingMachine, lokiLogged, otelLogged } from "./logs_fixtures.ts";
import { asyncmachineLoop, xstateLoop } from "./peers.ts";
import { chromiumPath } from "../tests/cdp.ts";
import { uiBenchRows } from "../tests/ui_perf.ts";

interface Row {
  metric: string;
  value: number;
  unit: string;
  target: string;
  ok: boolean;
}

const PAIRS = 2000;
const stallArg = Deno.args.find((a) => a.startsWith("--stall-seconds="));
const STALL_SECONDS = stallArg ? Number(stallArg.split("=")[1]) : 10;
const rows: Row[] = [];

async function machineRows(): Promise<void> {
  const bare = benchMachine();
  const traced = benchMachine({ tracers: [noopTracer] });
  const logged = benchMachine({ logLevel: LogLevel.Ops });
  const js = asyncmachineLoop();
  const xs = xstateLoop();
  // overhead first and alone: peers in the same rounds skew the JIT and GC
  const [core, noop] = (await measure([
    { name: "core", ops: PAIRS, run: () => addRemoveLoop(bare, PAIRS) },
    { name: "noop", ops: PAIRS, run: () => addRemoveLoop(traced, PAIRS) },
  ])).map((m) => m.opsPerSec);
  const peers: Case[] = [
    { name: "logged", ops: PAIRS, run: () => addRemoveLoop(logged, PAIRS) },
    { name: "asyncmachine", ops: PAIRS, run: () => js(PAIRS) },
    { name: "xstate", ops: PAIRS, run: () => xs(PAIRS) },
  ];
  const [logs, am, x] = (await measure(peers)).map((m) => m.opsPerSec);
  const overhead = (1 - noop / core) * 100;
  rows.push(
    { metric: "core add+remove pairs/s", value: core, unit: "pairs/s", target: "", ok: true },
    {
      metric: "no-op tracer overhead",
      value: overhead,
      unit: "%",
      target: "< 5%",
      ok: overhead < 5,
    },
    { metric: "core, steps + log pairs/s", value: logs, unit: "pairs/s", target: "", ok: true },
    { metric: "asyncmachine 3.4.1 pairs/s", value: am, unit: "pairs/s", target: "", ok: true },
    {
      metric: "core (steps + log) vs asyncmachine 3.4.1",
      value: logs / am,
      unit: "x",
      target: ">= 1.5x",
      ok: logs / am >= 1.5,
    },
    { metric: "xstate 5 toggle pairs/s", value: x, unit: "pairs/s", target: "", ok: true },
  );
}

async function prometheusRows(): Promise<void> {
  const ours = oursSet(1000);
  const theirs = promClientSet(ours.registry);
  let round = 0;
  const [o, p] = await measure(
    [
      {
        name: "ours",
        ops: 1,
        prepare: () => ours.update(round++),
        run: () => ours.registry.render("text"),
      },
      {
        name: "prom-client",
        ops: 1,
        prepare: () => theirs.update(round++),
        run: () => theirs.registry.metrics(),
      },
    ],
    20,
    3,
  );
  const ratio = p.bestMs / o.bestMs;
  rows.push(
    { metric: "render 1,000 machines (ours)", value: o.bestMs, unit: "ms", target: "", ok: true },
    {
      metric: "render 1,000 machines (prom-client)",
      value: p.bestMs,
      unit: "ms",
      target: "",
      ok: true,
    },
    { metric: "renderer vs prom-client", value: ratio, unit: "x", target: ">= 8x", ok: ratio >= 8 },
  );
  const bare = benchMachine();
  const metered = benchMachine();
  bindMach(metered, { registry: new Registry() });
  const [b, m] = await measure([
    { name: "core", ops: PAIRS, run: () => addRemoveLoop(bare, PAIRS) },
    { name: "metrics", ops: PAIRS, run: () => addRemoveLoop(metered, PAIRS) },
  ]);
  const cost = (1 - m.opsPerSec / b.opsPerSec) * 100;
  rows.push({
    metric: "metrics tracer cost",
    value: cost,
    unit: "%",
    target: "< 15%",
    ok: cost < 15,
  });
}

async function otelRows(): Promise<void> {
  const bare = benchMachine();
  const full = tracedMachine(false);
  const states = tracedMachine(true);
  const [b, f, st] = await measure([
    { name: "core", ops: PAIRS, run: () => addRemoveLoop(bare, PAIRS) },
    { name: "full", ops: PAIRS, run: () => addRemoveLoop(full.mach, PAIRS) },
    { name: "states", ops: PAIRS, run: () => addRemoveLoop(states.mach, PAIRS) },
  ]);
  const fullPct = (f.opsPerSec / b.opsPerSec) * 100;
  const statesPct = (st.opsPerSec / b.opsPerSec) * 100;
  rows.push(
    {
      metric: "otel, transitions traced (% of bare core)",
      value: fullPct,
      unit: "%",
      target: ">= 35%",
      ok: fullPct >= 35,
    },
    {
      metric: "otel, states only (% of bare core)",
      value: statesPct,
      unit: "%",
      target: ">= 70%",
      ok: statesPct >= 70,
    },
    // per pair: Foo and Bar activate and deactivate (2 instance spans), + 2 tx spans
    {
      metric: "otel spans/s (transitions traced)",
      value: f.opsPerSec * 4,
      unit: "spans/s",
      target: "",
      ok: true,
    },
  );
}

/** Heap in use after a full GC (needs --v8-flags=--expose-gc), MiB. */
function heap(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return Deno.memoryUsage().heapUsed / 1024 / 1024;
}

async function dbgRows(): Promise<void> {
  const bare = benchMachine();
  for (const burst of [100, 1000]) {
    const traced = dbgMachine(`dbg-${burst}`);
    const [b, t] = await measure([
      { name: "core", ops: PAIRS, run: () => burstLoop(bare, PAIRS, burst) },
      { name: "dbg", ops: PAIRS, run: () => burstLoop(traced.mach, PAIRS, burst, traced.tracer) },
    ]);
    const cost = (1 - t.opsPerSec / b.opsPerSec) * 100;
    rows.push({
      metric: `dbg tracer cost, bursts of ${burst} pairs per task`,
      value: cost,
      unit: "%",
      target: burst === 100 ? "< 20%" : "",
      ok: burst !== 100 || cost < 20,
    });
  }

  // ingest: JSON-RPC batches of 1000 real tx messages over loopback HTTP
  const { schema, txs } = await txMessages(1000);
  const ep = endpoint();
  const post = (body: string) =>
    fetch(ep.url + "/rpc", { method: "POST", body }).then((r) => r.body?.cancel());
  await post(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "DbgMsgSchema", params: schema }));
  const batch = rpcBatch(txs);
  const [ingest] = await measure([{ name: "ingest", ops: txs.length, run: () => post(batch) }], 20);
  rows.push({
    metric: "endpoint ingest (batches of 1000)",
    value: ingest.medianOpsPerSec,
    unit: "msgs/s",
    target: ">= 20000",
    ok: ingest.medianOpsPerSec >= 20_000,
  });

  // fan-out to 100 WebSocket subscribers
  const url = ep.url.replace("http", "ws") + "/stream";
  let received = 0;
  const clients = await Promise.all(
    Array.from({ length: 100 }, () =>
      new Promise<WebSocket>((resolve) => {
        const ws = new WebSocket(url);
        ws.onmessage = () => received++;
        ws.onopen = () => resolve(ws);
      })),
  );
  const t0 = performance.now();
  await post(batch);
  while (received < 100 * txs.length) await new Promise((r) => setTimeout(r, 1));
  const fanout = (100 * txs.length) / ((performance.now() - t0) / 1000);
  rows.push({
    metric: "fan-out to 100 stream subscribers",
    value: fanout,
    unit: "deliveries/s",
    target: "",
    ok: true,
  });
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
  rows.push(
    {
      metric: `heap after ${STALL_SECONDS}s stream, stalled subscriber (${sent} msgs)`,
      value: last,
      unit: "MiB",
      target: "flat",
      ok: last < start * 1.25 + 8,
    },
    { metric: "heap once warm (20,000 msgs)", value: start, unit: "MiB", target: "", ok: true },
  );
  await stalled.body?.cancel();
  await ep.server.shutdown();
}

async function gobRows(): Promise<void> {
  const { txs } = await txMessages(2000);
  const enc = new GobEncoder();
  const parts = txs.map((t) => enc.encode(DbgMsgTxType, t));
  const stream = concatBytes(parts);
  const lines = txs.map((t) => JSON.stringify(t));
  const jsonBytes = lines.reduce((n, l) => n + l.length, 0);
  const [g, j] = await measure([
    { name: "gob", ops: txs.length, run: () => new GobDecoder().push(stream) },
    { name: "json", ops: txs.length, run: () => lines.forEach((l) => JSON.parse(l)) },
  ], 30);
  const [ge, je] = await measure([
    {
      name: "gob",
      ops: txs.length,
      run: () => {
        const e = new GobEncoder();
        for (const t of txs) e.encode(DbgMsgTxType, t);
      },
    },
    { name: "json", ops: txs.length, run: () => txs.forEach((t) => JSON.stringify(t)) },
  ], 30);
  const mb = (bytes: number, ms: number) => bytes / 1024 / 1024 / (ms / 1000);
  rows.push(
    { metric: "gob decode DbgMsgTx", value: g.opsPerSec, unit: "msgs/s", target: "", ok: true },
    {
      metric: "gob decode throughput",
      value: mb(stream.length, g.bestMs),
      unit: "MB/s",
      target: "",
      ok: true,
    },
    { metric: "JSON.parse of the same", value: j.opsPerSec, unit: "msgs/s", target: "", ok: true },
    {
      metric: "JSON.parse throughput",
      value: mb(jsonBytes, j.bestMs),
      unit: "MB/s",
      target: "",
      ok: true,
    },
    {
      metric: "gob decode vs JSON.parse (msgs/s)",
      value: g.opsPerSec / j.opsPerSec,
      unit: "x",
      target: ">= 0.5x",
      ok: g.opsPerSec / j.opsPerSec >= 0.5,
    },
    { metric: "gob encode DbgMsgTx", value: ge.opsPerSec, unit: "msgs/s", target: "", ok: true },
    {
      metric: "JSON.stringify of the same",
      value: je.opsPerSec,
      unit: "msgs/s",
      target: "",
      ok: true,
    },
  );
}

async function logRows(): Promise<void> {
  const base = loggingMachine("base");
  const otel = otelLogged();
  const down = lokiLogged();
  const loki = fastLoki();
  const fast = lokiLogged(loki.url);
  // CPU only: bursts of 100 pairs, microtask turns (no push can happen)
  const cpu = await measure([
    { name: "base", ops: PAIRS, run: () => burstLoop(base, PAIRS, 100) },
    { name: "otel", ops: PAIRS, run: () => burstLoop(otel.mach, PAIRS, 100) },
    { name: "loki", ops: PAIRS, run: () => burstLoop(down.mach, PAIRS, 100) },
  ], 20);
  // with I/O: bursts of 200 pairs, each followed by an event loop turn
  const io = await measure([
    { name: "base", ops: PAIRS, run: () => burstLoop(base, PAIRS, 200, undefined, true) },
    { name: "otel", ops: PAIRS, run: () => burstLoop(otel.mach, PAIRS, 200, undefined, true) },
    { name: "down", ops: PAIRS, run: () => burstLoop(down.mach, PAIRS, 200, undefined, true) },
    { name: "fast", ops: PAIRS, run: () => burstLoop(fast.mach, PAIRS, 200, undefined, true) },
  ], 20);
  const cost = (r: { opsPerSec: number }, b: { opsPerSec: number }) =>
    (1 - r.opsPerSec / b.opsPerSec) * 100;
  const row = (metric: string, value: number) => ({
    metric,
    value,
    unit: "%",
    target: "< 25%",
    ok: value < 25,
  });
  rows.push(
    row("OTel logger cost at log level 3 (CPU)", cost(cpu[1], cpu[0])),
    row("Loki logger cost at log level 3 (CPU, buffering)", cost(cpu[2], cpu[0])),
    row("OTel logger cost at log level 3 (with I/O turns)", cost(io[1], io[0])),
    row("Loki logger cost, Loki down (with I/O turns)", cost(io[2], io[0])),
    row("Loki logger cost, loopback Loki (with I/O turns)", cost(io[3], io[0])),
    {
      metric: `Loki lines pushed (loopback; ${fast.logger.dropped} dropped)`,
      value: fast.logger.sent,
      unit: "lines",
      target: "",
      ok: true,
    },
  );
  // memory while Loki stays down: the buffer is bounded, the rest is dropped
  let warm = 0;
  const end = performance.now() + STALL_SECONDS * 1000;
  while (performance.now() < end) {
    await burstLoop(down.mach, 200, 200, undefined, true);
    if (!warm && down.logger.dropped > 20_000) warm = heap();
  }
  const lastHeap = heap();
  rows.push(
    {
      metric: `heap, Loki down for ${STALL_SECONDS}s (${down.logger.dropped} lines dropped, ` +
        `${down.logger.buffered} buffered)`,
      value: lastHeap,
      unit: "MiB",
      target: "flat",
      ok: lastHeap - warm < 8,
    },
    { metric: "heap once warm (Loki down)", value: warm, unit: "MiB", target: "", ok: true },
  );
  await down.logger.dispose();
  await fast.logger.dispose();
  await loki.server.shutdown();
}

// each section runs in a fresh process: one section's heap and JIT state
// don't tilt the next one's ratios
async function uiRows(): Promise<void> {
  if (!chromiumPath()) {
    rows.push({
      metric: "dbg page rows (skipped: no chromium)",
      value: NaN,
      unit: "ms",
      target: "",
      ok: true,
    });
    return;
  }
  const fixture = await Deno.readFile("../shared/fixtures/am-dbg.gob.br").catch(() => undefined);
  rows.push(...await uiBenchRows(fixture));
}

const SECTIONS: Record<string, () => Promise<void>> = {
  machine: machineRows,
  prometheus: prometheusRows,
  otel: otelRows,
  dbg: dbgRows,
  gob: gobRows,
  logs: logRows,
  ui: uiRows,
};
const only = Deno.args.find((a) => a.startsWith("--section="))?.split("=")[1];
if (only) {
  await SECTIONS[only]();
  console.log(JSON.stringify(rows));
  Deno.exit(0);
}
for (const name of Object.keys(SECTIONS)) {
  const res = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-env",
      "--allow-net",
      // the ui section launches chromium with a temporary profile
      ...(name === "ui" ? ["--allow-run", "--allow-write"] : []),
      "--v8-flags=--expose-gc",
      new URL(import.meta.url).pathname,
      `--section=${name}`,
      ...Deno.args.filter((a) => a.startsWith("--stall-seconds=")),
    ],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (res.code !== 0) throw new Error(`bench section ${name} failed`);
  const out = new TextDecoder().decode(res.stdout).trim().split("\n");
  rows.push(...JSON.parse(out[out.length - 1]));
}

if (Deno.args.includes("--json")) {
  console.log(JSON.stringify({ runtime: Deno.version, rows }, null, 2));
} else {
  const fmt = (r: Row) =>
    r.unit === "%" || r.unit === "x" || r.unit === "ms"
      ? r.value.toFixed(2)
      : Math.round(r.value).toString();
  console.log(
    `\nsummary (a process per section; CPU: fastest of interleaved rounds; I/O: medians; Deno ${Deno.version.deno})\n`,
  );
  console.log("| metric | value | target | ok |\n|---|---|---|---|");
  for (const r of rows) {
    console.log(
      `| ${r.metric} | ${fmt(r)} ${r.unit} | ${r.target} | ${
        r.target ? (r.ok ? "yes" : "NO") : ""
      } |`,
    );
  }
}
