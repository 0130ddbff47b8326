/**
 * Former names of the Prometheus binding, kept so existing code keeps
 * working: `bindMach` (it reads as generic; the binder is Prometheus') and
 * the `Metrics` / `BindMachOptions` types.
 *
 * @module
 */

import type { Api } from "../machine/mod.ts";
import {
  bindPrometheusMetrics,
  type PrometheusMetrics,
  type PrometheusMetricsOptions,
} from "./metrics.ts";

/** @deprecated Use {@linkcode PrometheusMetricsOptions}. */
export type BindMachOptions = PrometheusMetricsOptions;

/**
 * The former name of {@linkcode bindPrometheusMetrics}.
 *
 * @deprecated Use {@linkcode bindPrometheusMetrics}.
 *
 * @example Usage
 * ```ts
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * import { bindMach, Registry } from "@asyncmachine/telemetry/prometheus";
 * bindMach(new Machine({ Foo: {} }), { registry: new Registry() });
 * ```
 */
export const bindMach: (mach: Api, opts?: PrometheusMetricsOptions) => PrometheusMetrics =
  bindPrometheusMetrics;

/** @deprecated Use {@linkcode PrometheusMetrics}. */
export type Metrics = PrometheusMetrics;
