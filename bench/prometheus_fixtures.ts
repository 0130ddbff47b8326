// The 1,000-machine metric set, built in our registry and in prom-client
// with the same families, series and values.

import client from "prom-client";
import { Machine } from "../machine/mod.ts";
import { formatValue } from "../prometheus/names.ts";
import {
  bindPrometheusMetrics,
  type Histogram,
  type PrometheusMetrics,
  Registry,
  type ValueChild,
} from "../prometheus/mod.ts";
import { benchSchema } from "./fixtures.ts";

/**
 * Our registry with `n` bound machines, and a function changing every
 * value. The window never ends during a run (its collect hooks still run
 * on every scrape, as for a user): a rolled window would overwrite the
 * values the bench sets with idle averages.
 */
export function oursSet(n: number): { registry: Registry; update: (round: number) => void } {
  const registry = new Registry();
  const all: PrometheusMetrics[] = [];
  for (let i = 0; i < n; i++) {
    const mach = new Machine(benchSchema(), { id: `mach-${i}` });
    all.push(bindPrometheusMetrics(mach, { registry, window: 1e12 }));
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

/** Every sample value of a registry in output order (histograms cumulative). */
export function sampleValues(registry: Registry): Float64Array {
  const out: number[] = [];
  for (const m of registry.metrics()) {
    if (m.type === "histogram") {
      for (const c of (m as Histogram).children()) {
        let cum = 0;
        for (const n of c.counts) out.push(cum += n);
        out.push(c.sum, c.count);
      }
    } else for (const c of m.children()) out.push((c as ValueChild).value);
  }
  return new Float64Array(out);
}

/**
 * The floor of a scrape: one copy of the response's bytes (memcpy speed)
 * plus formatting its numbers, and nothing else. Returns a checksum so the
 * work can't be dropped.
 */
export function floorScrape(body: Uint8Array, dst: Uint8Array, values: Float64Array): number {
  dst.set(body);
  let len = 0;
  for (let i = 0; i < values.length; i++) len += formatValue(values[i]).length;
  return len + dst[body.length - 1];
}

/**
 * The same families and series in prom-client, in a text registry and an
 * OpenMetrics one.
 */
export function promClientSet(
  ours: Registry,
): { registry: client.Registry; openMetrics: client.Registry; update: (round: number) => void } {
  const registry = new client.Registry();
  // the constructor takes the content type at runtime; its types don't say so
  const OmRegistry = client.Registry as unknown as new (contentType: string) => client.Registry;
  const openMetrics = new OmRegistry(client.Registry.OPENMETRICS_CONTENT_TYPE);
  const gauges: client.Gauge[] = [];
  const counters: client.Counter[] = [];
  let histogram: client.Histogram | undefined;
  for (const m of ours.metrics()) {
    const opts = {
      name: m.name,
      help: m.help,
      labelNames: [...m.labelNames],
      registers: [registry, openMetrics],
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
    openMetrics,
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
