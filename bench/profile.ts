// Runs one bench workload in a loop for profiling, e.g.
//   deno run -A --cpu-prof --cpu-prof-dir=/tmp/prof bench/profile.ts otel-states
//   deno run -A bench/prof_top.ts /tmp/prof/*.cpuprofile
// Cases: core, logged, asyncmachine, otel-states, otel-full, otel-deno-states,
// otel-deno-full (these two with OTEL_DENO=true and an OTLP endpoint), scrape,
// ingest, kv-ingest. `--seconds=N` (default 5).

import { LogLevel } from "../machine/mod.ts";
import { burstLoop, endpoint, rpcBatch, txMessages } from "./dbg_fixtures.ts";
import { addRemoveLoop, benchMachine } from "./fixtures.ts";
import { denoTracedMachine, flushedLoop, tracedMachine } from "./otel_fixtures.ts";
import { ingest, kvHub } from "./hub_fixtures.ts";
import { asyncmachineLoop } from "./peers.ts";
import { oursSet } from "./prometheus_fixtures.ts";
import { metricsHandler } from "../prometheus/mod.ts";

const name = Deno.args[0];
const seconds = Number(Deno.args.find((a) => a.startsWith("--seconds="))?.split("=")[1] ?? 5);

async function workload(): Promise<() => Promise<void> | void> {
  switch (name) {
    case "core": {
      const m = benchMachine();
      return () => addRemoveLoop(m, 1000);
    }
    case "logged": {
      const m = benchMachine({ logLevel: LogLevel.Ops });
      m.onLog(() => {});
      return () => addRemoveLoop(m, 1000);
    }
    case "asyncmachine": {
      const loop = asyncmachineLoop();
      return () => loop(1000);
    }
    case "otel-states":
    case "otel-full": {
      const t = tracedMachine(name === "otel-states");
      return () => flushedLoop(t.mach, t.provider, 1000);
    }
    case "otel-deno-states":
    case "otel-deno-full": {
      const m = denoTracedMachine(name === "otel-deno-states");
      return () => burstLoop(m, 1000, 100);
    }
    case "scrape": {
      const ours = oursSet(1000);
      const handler = metricsHandler(ours.registry);
      let round = 0;
      return async () => {
        ours.update(round++);
        await (await handler(new Request("http://127.0.0.1/metrics"))).arrayBuffer();
      };
    }
    case "ingest": {
      const { schema, txs } = await txMessages(1000);
      const ep = endpoint();
      const post = (body: string) =>
        fetch(ep.url + "/rpc", { method: "POST", body }).then((r) => r.body?.cancel());
      await post(
        JSON.stringify({ jsonrpc: "2.0", id: 1, method: "DbgMsgSchema", params: schema }),
      );
      const batch = rpcBatch(txs);
      return () => post(batch);
    }
    case "kv-ingest": {
      const { schema, txs } = await txMessages(1000);
      const dir = await Deno.makeTempDir();
      const { hub } = await kvHub(schema, `${dir}/profile.kv`);
      return () => ingest(hub, txs, 1000);
    }
  }
  throw new Error(`unknown case ${name}`);
}

const run = await workload();
const end = performance.now() + seconds * 1000;
let n = 0;
while (performance.now() < end) {
  await run();
  n++;
}
console.error(`${name}: ${n} iterations in ${seconds}s`);
Deno.exit(0);
