/**
 * Prometheus metrics for machines, as asyncmachine-go's
 * `pkg/telemetry/prometheus`: upstream's per-machine gauges (averages over
 * fixed windows) plus totals and a duration histogram; a hand-written text
 * 0.0.4 and OpenMetrics 1.0 renderer; a `/metrics` handler; a Pushgateway
 * pusher; Grafana dashboards.
 *
 * @example Serving /metrics
 * ```ts
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * import {
 *   bindPrometheusMetrics,
 *   metricsHandler,
 *   Registry,
 * } from "@asyncmachine/telemetry/prometheus";
 * const registry = new Registry();
 * const mach = new Machine({ Foo: {} }, { id: "mach1" });
 * await using _metrics = bindPrometheusMetrics(mach, { registry });
 * mach.add(["Foo"]);
 * const handler = metricsHandler(registry); // Deno.serve(handler) or export default { fetch: handler }
 * const res = await handler(new Request("http://localhost/metrics"));
 * (await res.text()).includes('am_transitions_total{mach_id="mach1"} 1'); // true
 * ```
 *
 * @module
 */

export {
  bindPrometheusMetrics,
  PrometheusMetrics,
  type PrometheusMetricsOptions,
  transitionsToPrometheus,
} from "./metrics.ts";
export { bindMach, type BindMachOptions, type Metrics } from "./deprecated.ts";
export { gaugeMetricName, type GaugeName, GAUGES } from "./gauges.ts";
export {
  type AnyMetric,
  defaultRegistry,
  OPENMETRICS_CONTENT_TYPE,
  Registry,
  TEXT_CONTENT_TYPE,
} from "./registry.ts";
export {
  Counter,
  CounterChild,
  DURATION_BUCKETS,
  type Format,
  Gauge,
  Histogram,
  HistogramChild,
  type HistogramOptions,
  type Labels,
  Metric,
  MetricChild,
  type MetricOptions,
  ValueChild,
  ValueMetric,
} from "./metric.ts";
export { metricsHandler, type MetricsHandlerOptions, negotiateFormat } from "./handler.ts";
export {
  bindPrometheusEnv,
  machMetricsEnv,
  type MetricsEnv,
  PrometheusEnvBinding,
  Pusher,
  type PusherOptions,
} from "./pusher.ts";
export { type Dashboard, type DashboardOptions, grafanaDashboard } from "./grafana.ts";
export {
  bindGrafanaEnv,
  dashboardUid,
  type GrafanaSyncOptions,
  type GrafanaSyncResult,
  GrafanaSyncTracer,
  machDashboardEnv,
  syncGrafanaDashboard,
} from "./grafana_sync.ts";
// upstream's NormalizeId: the id as `legacyNames` metric names and dashboards spell it
export { normalizeId } from "./names.ts";
