// The 1,000-machine metric set, built in our registry and in prom-client
// with the same families, series and values.

import client from "prom-client";
import { Machine } from "../machine/mod.ts";
import { bindMach, type Histogram, type Metrics, Registry } from "../prometheus/mod.ts";
import { benchSchema } from "./fixtures.ts";

/** Our registry with `n` bound machines, and a function changing every value. */
export function oursSet(n: number): { registry: Registry; update: (round: number) => void } {
  const registry = new Registry();
  const all: Metrics[] = [];
  for (let i = 0; i < n; i++) {
    all.push(bindMach(new Machine(benchSchema(), { id: `mach-${i}` }), { registry }));
  }
  const gauges = [
    "statesAmount",
    "relAmount",
    "refStatesAmount",
    "queueSize",
    "txTick",
    "statesActiveAmount",
    "statesInactiveAmount",
    "statesAdded",
    "statesRemoved",
    "statesTouched",
    "exceptionsCount",
    "transitionsCount",
    "stepsAmount",
    "handlersAmount",
    "txTime",
  ] as const;
  return {
    registry,
    update(round) {
      for (let i = 0; i < all.length; i++) {
        const m = all[i];
        for (let g = 0; g < gauges.length; g++) m[gauges[g]].set((round + i + g) * 0.25);
        m.transitionsTotal.inc();
        m.txDuration.observe(((round + i) % 100) * 0.0001);
      }
    },
  };
}

/** The same families and series in prom-client. */
export function promClientSet(
  ours: Registry,
): { registry: client.Registry; update: (round: number) => void } {
  const registry = new client.Registry();
  const gauges: client.Gauge[] = [];
  const counters: client.Counter[] = [];
  let histogram: client.Histogram | undefined;
  for (const m of ours.metrics()) {
    const opts = {
      name: m.name,
      help: m.help,
      labelNames: [...m.labelNames],
      registers: [registry],
    };
    if (m.type === "gauge") gauges.push(new client.Gauge(opts));
    else if (m.type === "counter") counters.push(new client.Counter(opts));
    else {histogram = new client.Histogram({
        ...opts,
        buckets: [...(m as Histogram).buckets],
      });}
  }
  const n = ours.get("am_queue_size")!;
  const ids = [...n.children()].map((c) => c.labelStr.slice('{mach_id="'.length, -2));
  return {
    registry,
    update(round) {
      for (let i = 0; i < ids.length; i++) {
        const labels = { mach_id: ids[i] };
        for (let g = 0; g < gauges.length; g++) gauges[g].set(labels, (round + i + g) * 0.25);
        counters[0].inc(labels);
        counters[1].inc(labels, 0);
        histogram!.observe(labels, ((round + i) % 100) * 0.0001);
      }
    },
  };
}
