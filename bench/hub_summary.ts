// The hub's rows of the bench summary (issue 14: ingest memory vs Deno KV;
// issue 20: endpoint ingest on the memory hub; issue 15: machines() linear,
// batch amplification capped). `hubRows()` is what bench/summary.ts calls
// as its "hub" section; run alone: `deno run -A bench/hub_summary.ts`.
//
// Each ingest row is given twice: wall clock (the median of interleaved
// rounds) and per CPU-second of this process (user + system, all threads),
// which a machine shared with other work disturbs less.

import process from "node:process";
import { dbgHandler } from "../dbg/mod.ts";
import { measure } from "./harness.ts";
import { rpcBatch, txMessages } from "./dbg_fixtures.ts";
import { ingest, kvHub, manyMachines, memoryHub } from "./hub_fixtures.ts";

/** A summary row, as bench/summary.ts prints them. */
export interface HubRow {
  metric: string;
  value: number;
  unit: string;
  target: string;
  ok: boolean;
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Runs `run` `rounds` times; messages per wall second (median) and per CPU second. */
async function rate(
  n: number,
  run: () => Promise<unknown>,
  rounds: number,
): Promise<{ wall: number; cpu: number }> {
  const [m] = await measure([{ name: "x", ops: n, run }], rounds, 3);
  const c0 = cpuSeconds();
  for (let i = 0; i < rounds; i++) await run();
  const cpu = (n * rounds) / (cpuSeconds() - c0);
  return { wall: m.medianOpsPerSec, cpu };
}

function rows(metric: string, r: { wall: number; cpu: number }, target: number): HubRow[] {
  return [
    {
      metric,
      value: r.wall,
      unit: "msgs/s",
      target: `>= ${target}`,
      ok: r.wall >= target,
    },
    {
      metric: `${metric}, per CPU-second`,
      value: r.cpu,
      unit: "msgs/s",
      target: `>= ${target}`,
      ok: r.cpu >= target,
    },
  ];
}

/** The hub section's rows. */
export async function hubRows(): Promise<HubRow[]> {
  const out: HubRow[] = [];
  const { schema, txs } = await txMessages(1000);

  // the hub API, as HubTransport feeds it (batches of 100 started together)
  const mem = await memoryHub(schema);
  const m = await rate(txs.length, () => ingest(mem, txs), 30);
  out.push(...rows("hub ingest, memory (1,000 real tx msgs, ~2.4 KB avg)", m, 60_000));

  // the endpoint: JSON-RPC batches of 1000 over loopback HTTP into the memory hub (issue 20's
  // raised target)
  const hub = await memoryHub(schema);
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    dbgHandler(hub, { maxBodyBytes: 64 * 1024 * 1024 }),
  );
  const body = rpcBatch(txs);
  const url = `http://127.0.0.1:${server.addr.port}/rpc`;
  const e = await rate(
    txs.length,
    () => fetch(url, { method: "POST", body }).then((r) => r.body?.cancel()),
    20,
  );
  out.push(...rows("endpoint ingest, memory hub (batches of 1,000, loopback HTTP)", e, 100_000));
  await server.shutdown();

  // Deno KV on a SQLite file, batched commits
  const dir = await Deno.makeTempDir();
  const { hub: kvh, kv } = await kvHub(schema, `${dir}/bench.kv`);
  // filled to its retention limit first (16 MiB a machine: ~6,600 of these): every round is the
  // steady state of a long-running hub, where each message also drops the oldest in its commit
  for (let i = 0; i < 10; i++) await ingest(kvh, txs, 1000);
  const k = await rate(txs.length, () => ingest(kvh, txs, 1000), 8);
  out.push(
    ...rows(
      "hub ingest, Deno KV (SQLite file, batched commits, at its retention limit)",
      k,
      20_000,
    ),
  );
  // the same without steps and log entries (~300 B a message): KV's per-commit cost shows
  const light = txs.map((m) => ({ ...m, Steps: [], LogEntries: [], PreLogEntries: [] }));
  const ks = await rate(light.length, () => ingest(kvh, light, 1000), 8);
  out.push(...rows("hub ingest, Deno KV, small messages (~300 B)", ks, 20_000));
  await kvh[Symbol.asyncDispose]();
  kv.close();
  await Deno.remove(dir, { recursive: true });

  // machines() is linear: time per machine at 10,000 vs 1,000 machines
  const small = await manyMachines(1000);
  const large = await manyMachines(10_000);
  const [s, l] = await measure(
    [
      { name: "1k", ops: 1000, run: () => small.machines() },
      { name: "10k", ops: 10_000, run: () => large.machines() },
    ],
    20,
    3,
  );
  const ratio = (l.bestMs / 10_000) / (s.bestMs / 1000);
  out.push({
    metric: "machines(): time per machine, 10,000 vs 1,000 machines",
    value: ratio,
    unit: "x",
    target: "< 2x (linear)",
    ok: ratio < 2,
  });

  // batch amplification: 1,000 machines calls over 1,000 machines in one request
  const h = dbgHandler(small);
  const batch = JSON.stringify(
    Array.from({ length: 1000 }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "machines" })),
  );
  const t0 = performance.now();
  const res = await h(new Request("http://x/rpc", { method: "POST", body: batch }));
  const text = await res.text();
  const ms = performance.now() - t0;
  out.push(
    {
      metric: "batch of 1,000 machines calls (1,000 machines): response",
      value: text.length / 1024 / 1024,
      unit: "MiB",
      target: "<= 9 MiB",
      ok: text.length <= 9 * 1024 * 1024,
    },
    {
      metric: "batch of 1,000 machines calls (1,000 machines): time",
      value: ms,
      unit: "ms",
      target: "",
      ok: true,
    },
  );
  return out;
}

if (import.meta.main) {
  const all = await hubRows();
  if (Deno.args.includes("--json")) console.log(JSON.stringify(all));
  else {
    console.log("| metric | value | target | ok |\n|---|---|---|---|");
    for (const r of all) {
      const v = r.unit === "x" || r.unit === "ms" || r.unit === "MiB"
        ? r.value.toFixed(2)
        : Math.round(r.value).toString();
      console.log(`| ${r.metric} | ${v} ${r.unit} | ${r.target} | ${r.ok ? "yes" : "no"} |`);
    }
  }
}
