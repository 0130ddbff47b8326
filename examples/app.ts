// The wiring the demo and the Deno Deploy example share: the sim workload
// with every exporter bound, and one fetch handler serving /metrics and the
// dbg endpoint (/rpc, /stream, /events, /dbg.ws).

import type { OtelTracer } from "../otel/mod.ts";
import {
  bindPrometheusMetrics,
  dbgHandler,
  type DbgHandlerOptions,
  DbgHub,
  DbgTracer,
  HubTransport,
  metricsHandler,
  OtelMachTracer,
  Registry,
  type Tracer,
} from "../mod.ts";
import { newSim, type Sim } from "./sim.ts";

/** A running demo: the workload, its telemetry and the HTTP handler. */
export interface App {
  sim: Sim;
  hub: DbgHub;
  registry: Registry;
  otel: OtelMachTracer | undefined;
  dbg: DbgTracer;
  fetch: (req: Request) => Promise<Response>;
  stats: { transitions: number; exceptions: number };
}

/** The sim with Prometheus, dbg (an in-process hub) and, given a tracer, OpenTelemetry. */
export function newApp(
  opts: { tracer?: OtelTracer; maxPeers?: number; hub?: DbgHub; endpoint?: DbgHandlerOptions } = {},
): App {
  // room for minutes of the root machine's history (the page pages through it)
  const hub = opts.hub ??
    new DbgHub({ maxTxsPerMachine: 50_000, maxBytesPerMachine: 64 * 1024 * 1024 });
  const registry = new Registry();
  const dbg = new DbgTracer(new HubTransport(hub));
  const otel = opts.tracer ? new OtelMachTracer(opts.tracer) : undefined;
  const stats = { transitions: 0, exceptions: 0 };
  const counter: Tracer = {
    id: "stats",
    inheritable: true,
    transitionEnd(tx) {
      stats.transitions++;
      if (tx.accepted && tx.targetStates.includes("Exception")) stats.exceptions++;
    },
  };
  const tracers: Tracer[] = [dbg, counter, ...(otel ? [otel] : [])];
  const sim = newSim(tracers, { maxPeers: opts.maxPeers });
  bindPrometheusMetrics(sim.root, { registry });
  const metrics = metricsHandler(registry);
  const endpoint = dbgHandler(hub, opts.endpoint ?? { cors: true });
  return {
    sim,
    hub,
    registry,
    otel,
    dbg,
    stats,
    fetch(req) {
      const path = new URL(req.url).pathname;
      return path === "/metrics" ? metrics(req) : endpoint(req);
    },
  };
}
