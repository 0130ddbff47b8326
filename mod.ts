/**
 * asyncmachine-style state machines with first-class telemetry for Deno:
 * Prometheus metrics, OpenTelemetry traces, logs and metrics, a debugger
 * endpoint and page wire-compatible with asyncmachine-go's am-dbg, Grafana
 * Loki and Grafana dashboards.
 *
 * This entry point holds what most programs need; each exporter's full API
 * is its own entry point: `./machine`, `./prometheus`, `./otel`, `./dbg`,
 * `./dbg/gob`, `./loki`. Every binder returns an `AsyncDisposable`
 * (`await using`), with `flush()` where there is something to flush.
 *
 * @example A machine with Prometheus metrics and OpenTelemetry spans
 * ```ts
 * import {
 *   bindPrometheusMetrics,
 *   JaegerJsonExporter,
 *   Machine,
 *   newOtelProvider,
 *   OtelMachTracer,
 *   Registry,
 * } from "@asyncmachine/telemetry";
 *
 * const registry = new Registry();
 * const exporter = new JaegerJsonExporter();
 * const provider = newOtelProvider("my-service", { exporter });
 * {
 *   // both stop at the end of the block: the tracer ends its open spans
 *   await using otel = new OtelMachTracer(provider.tracer);
 *   const mach = new Machine(
 *     { Wet: { require: ["Water"] }, Dry: { remove: ["Wet"] }, Water: { add: ["Wet"] } },
 *     { id: "mach1", tracers: [otel] },
 *   );
 *   await using _metrics = bindPrometheusMetrics(mach, { registry });
 *   mach.add(["Water"]);
 *   mach.is(["Wet"]); // true
 *   registry.render().includes('am_transitions_total{mach_id="mach1"} 1'); // true
 * }
 * await provider.forceFlush();
 * exporter.spans.length > 0; // true
 * ```
 *
 * @example Everything the AM_* variables ask for
 * ```ts
 * import { Machine, machTelemetryEnv } from "@asyncmachine/telemetry";
 * const mach = new Machine({ Foo: {} }, { id: "mach1" });
 * await using _telemetry = machTelemetryEnv(mach); // AM_DBG_ADDR, AM_OTEL_TRACE, AM_LOKI_ADDR…
 * mach.add(["Foo"]);
 * ```
 *
 * @module
 */

// the machine
export {
  type Api,
  type HandlerEvent,
  LogLevel,
  Machine,
  type MachineOptions,
  MutationType,
  Relation,
  Result,
  type S,
  type Schema,
  type State,
  StepType,
  type Tracer,
  type Transition,
} from "./machine/mod.ts";

// Prometheus
export {
  bindGrafanaEnv,
  bindPrometheusEnv,
  bindPrometheusMetrics,
  defaultRegistry,
  grafanaDashboard,
  metricsHandler,
  PrometheusMetrics,
  type PrometheusMetricsOptions,
  Pusher,
  Registry,
  syncGrafanaDashboard,
  transitionsToPrometheus,
} from "./prometheus/mod.ts";

// OpenTelemetry
export {
  bindOtelEnv,
  bindOtelLogger,
  bindOtelMetrics,
  JaegerJsonExporter,
  newOtelProvider,
  OtelMachTracer,
  type OtelMachTracerOptions,
  type OtelTracer,
} from "./otel/mod.ts";

// the debugger
export {
  dbgHandler,
  type DbgHandlerOptions,
  DbgHub,
  type DbgMsgSchema,
  type DbgMsgTx,
  DbgTracer,
  HubTransport,
  transitionsToDbg,
} from "./dbg/mod.ts";

// Loki
export { bindLokiEnv, bindLokiLogger } from "./loki/mod.ts";

// env
export {
  dbgAddrOf,
  type DbgEndpointConfig,
  type EnvSource,
  machTelemetryEnv,
  type OtelConfig,
  readTelemetryConfig,
  type TelemetryConfig,
  TelemetryEnv,
} from "./env.ts";
