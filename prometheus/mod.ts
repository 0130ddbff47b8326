/**
 * Prometheus metrics for machines, as asyncmachine-go's
 * `pkg/telemetry/prometheus`: per-machine gauges averaged per interval,
 * plus totals and a duration histogram; a hand-written text 0.0.4 and
 * OpenMetrics 1.0 renderer; a `/metrics` handler; a Pushgateway pusher;
 * Grafana dashboards.
 *
 * @example Serving /metrics
 * ```ts ignore
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * import { bindMach, metricsHandler } from "@asyncmachine/telemetry/prometheus";
 * const mach = new Machine({ Foo: {} }, { id: "mach1" });
 * bindMach(mach);
 * Deno.serve({ port: 9100 }, metricsHandler());
 * ```
 *
 * @module
 */

export * from "./names.ts";
export * from "./metric.ts";
export * from "./registry.ts";
export * from "./metrics.ts";
export * from "./handler.ts";
export * from "./pusher.ts";
export * from "./grafana.ts";
export * from "./grafana_sync.ts";
