/**
 * The 15 per-machine gauges of asyncmachine-go's Prometheus exporter: their
 * fields, upstream metric names, help texts, and metric names in both
 * naming modes.
 *
 * @module
 */

import { normalizeId } from "./names.ts";

/** A gauge field of {@linkcode PrometheusMetrics}. */
export type GaugeName =
  | "statesAmount"
  | "relAmount"
  | "refStatesAmount"
  | "queueSize"
  | "txTick"
  | "statesActiveAmount"
  | "statesInactiveAmount"
  | "statesAdded"
  | "statesRemoved"
  | "statesTouched"
  | "exceptionsCount"
  | "transitionsCount"
  | "stepsAmount"
  | "handlersAmount"
  | "txTime";

/**
 * The 15 upstream gauges: field name, upstream metric name, help.
 *
 * @example Usage
 * ```ts
 * import { GAUGES } from "@asyncmachine/telemetry/prometheus";
 * GAUGES.length; // 15
 * ```
 */
export const GAUGES: readonly (readonly [GaugeName, string, string])[] = [
  ["statesAmount", "states", "Number of registered states"],
  ["relAmount", "relations", "Number of relations for all states"],
  ["refStatesAmount", "ref_states", "Number of states referenced by relations"],
  ["queueSize", "queue_size", "Average queue size"],
  ["txTick", "tx_ticks", "Average transition machine time taken (ticks)"],
  ["statesActiveAmount", "states_active", "Average amount of active states"],
  ["statesInactiveAmount", "states_inactive", "Average amount of inactive states"],
  ["statesAdded", "states_added", "Average amount of states added"],
  ["statesRemoved", "states_removed", "Average amount of states removed"],
  ["statesTouched", "states_touched", "Average amount of states touched"],
  ["exceptionsCount", "exceptions", "Number of transitions with Exception active"],
  ["transitionsCount", "transitions", "Number of transitions"],
  ["stepsAmount", "steps", "Average amount of steps per transition"],
  ["handlersAmount", "handlers", "Average amount of executed handlers per tx"],
  ["txTime", "tx_time", "Average transition human time taken (μs)"],
];

/**
 * The metric name of a gauge: `am_<metric>` with labels, or upstream's
 * `am_<metric>_<normalized id>` in legacy mode. With labels, the two
 * per-interval counts get an `_interval` suffix so they don't clash with
 * the `am_transitions_total`/`am_exceptions_total` counters in OpenMetrics.
 *
 * @example Usage
 * ```ts
 * import { gaugeMetricName } from "@asyncmachine/telemetry/prometheus";
 * gaugeMetricName("queueSize", "My-Mach", true); // "am_queue_size_my_mach"
 * ```
 */
export function gaugeMetricName(gauge: GaugeName, machId: string, legacyNames?: boolean): string {
  legacyNames ??= false;
  const metric = GAUGES.find((g) => g[0] === gauge)![1];
  if (legacyNames) return `am_${metric}_${normalizeId(machId)}`;
  return gauge === "transitionsCount" || gauge === "exceptionsCount"
    ? `am_${metric}_interval`
    : `am_${metric}`;
}

/**
 * A record with one value per gauge field, made by `make`: typed without
 * casts, so a missing gauge is a type error.
 *
 * @example Usage
 * ```ts
 * import { gaugeRecord } from "./gauges.ts";
 * gaugeRecord((field) => field.length).txTime; // 6
 * ```
 */
export function gaugeRecord<T>(make: (field: GaugeName) => T): Record<GaugeName, T> {
  return {
    statesAmount: make("statesAmount"),
    relAmount: make("relAmount"),
    refStatesAmount: make("refStatesAmount"),
    queueSize: make("queueSize"),
    txTick: make("txTick"),
    statesActiveAmount: make("statesActiveAmount"),
    statesInactiveAmount: make("statesInactiveAmount"),
    statesAdded: make("statesAdded"),
    statesRemoved: make("statesRemoved"),
    statesTouched: make("statesTouched"),
    exceptionsCount: make("exceptionsCount"),
    transitionsCount: make("transitionsCount"),
    stepsAmount: make("stepsAmount"),
    handlersAmount: make("handlersAmount"),
    txTime: make("txTime"),
  };
}
