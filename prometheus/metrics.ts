/**
 * Per-machine metrics fed by a tracer, averaged per interval, as
 * asyncmachine-go's `pkg/telemetry/prometheus`, plus totals and a duration
 * histogram.
 *
 * @module
 */

import { isRpcMachine } from "../internal/env.ts";
import { schemaStats, type TxAverages, TxStats } from "../internal/tx_stats.ts";
import { type Machine, randId, type Schema, type Tracer, type Transition } from "../machine/mod.ts";
import type { CounterChild, HistogramChild, Labels, ValueChild } from "./metric.ts";
import { normalizeId, releaseSeriesId, uniqueSeriesId, wellFormedId } from "./names.ts";
import { defaultRegistry, type Registry } from "./registry.ts";

/** A gauge field of {@linkcode Metrics}. */
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

/** The 15 upstream gauges: field name, upstream metric name, help. */
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
export function gaugeMetricName(gauge: GaugeName, machId: string, legacyNames = false): string {
  const metric = GAUGES.find((g) => g[0] === gauge)![1];
  if (legacyNames) return `am_${metric}_${normalizeId(machId)}`;
  return gauge === "transitionsCount" || gauge === "exceptionsCount"
    ? `am_${metric}_interval`
    : `am_${metric}`;
}

/** Options of {@linkcode bindMach}. */
export interface BindMachOptions {
  /** Where the metrics go; `defaultRegistry` by default. */
  registry?: Registry;
  /** Upstream's per-machine metric names (for its Grafana dashboards). */
  legacyNames?: boolean;
  /** Sync every `interval` ms on a timer, instead of on scrape/push. */
  interval?: number;
  /** Histogram buckets (seconds) for `am_transition_duration_seconds`. */
  buckets?: number[];
}

/**
 * One machine's metrics. Gauges hold the averages of the last interval
 * ({@linkcode Metrics.sync}); counters and the histogram accumulate.
 */
export class Metrics {
  /** The machine's id. */
  readonly machId: string;
  /** The tracer feeding these metrics (detach it to stop). */
  readonly tracer: Tracer;
  /** Metrics of submachines, bound automatically. */
  readonly children: Metrics[] = [];
  /** The registry holding the series. */
  readonly registry: Registry;
  /** Number of registered states. */
  readonly statesAmount!: ValueChild;
  /** Number of relations (non-empty relation lists). */
  readonly relAmount!: ValueChild;
  /** Number of states referenced by relations. */
  readonly refStatesAmount!: ValueChild;
  /** Average queue size after a transition. */
  readonly queueSize!: ValueChild;
  /** Average machine ticks a transition took. */
  readonly txTick!: ValueChild;
  /** Average active states before a transition. */
  readonly statesActiveAmount!: ValueChild;
  /** Average inactive states before a transition. */
  readonly statesInactiveAmount!: ValueChild;
  /** Average states added (add and set mutations). */
  readonly statesAdded!: ValueChild;
  /** Average states removed (remove and set mutations). */
  readonly statesRemoved!: ValueChild;
  /** Average states touched (by steps). */
  readonly statesTouched!: ValueChild;
  /** Transitions with Exception among targets, in the last interval. */
  readonly exceptionsCount!: ValueChild;
  /** Accepted transitions in the last interval. */
  readonly transitionsCount!: ValueChild;
  /** Average steps per transition. */
  readonly stepsAmount!: ValueChild;
  /** Average executed handlers per transition. */
  readonly handlersAmount!: ValueChild;
  /** Average transition time in µs. */
  readonly txTime!: ValueChild;
  /** `am_transitions_total`. */
  readonly transitionsTotal: CounterChild;
  /** `am_exceptions_total`. */
  readonly exceptionsTotal: CounterChild;
  /** `am_transition_duration_seconds`. */
  readonly txDuration: HistogramChild;
  #stats = new TxStats();
  #closed = false;
  #timer: ReturnType<typeof setInterval> | undefined;
  #unsubscribe: (() => void) | undefined;
  #opts: BindMachOptions;
  // the id as its series spell it: unique per registry after encoding (names.ts)
  #labelId: string;
  #legacyId: string;

  /**
   * Use {@linkcode bindMach}; this only creates the series.
   *
   * @param mach The machine.
   * @param opts Binding options.
   * @param isChild Synced by its parent's Metrics.
   */
  constructor(mach: Machine, opts: BindMachOptions, isChild: boolean) {
    this.machId = mach.id;
    this.#opts = opts;
    const registry = this.registry = opts.registry ?? defaultRegistry;
    const legacy = opts.legacyNames ?? false;
    this.#labelId = uniqueSeriesId(registry, mach.id, wellFormedId(mach.id));
    this.#legacyId = legacy
      ? uniqueSeriesId(registry, mach.id, normalizeId(mach.id), { namespace: "legacy" })
      : "";
    const labels: Labels = legacy ? {} : { mach_id: this.#labelId };
    const labelNames = legacy ? [] : ["mach_id"];
    const self = this as unknown as Record<GaugeName, ValueChild>;
    for (const [field, , help] of GAUGES) {
      self[field] = registry.gauge({
        name: gaugeMetricName(field, legacy ? this.#legacyId : mach.id, legacy),
        help,
        labelNames,
      }).labels(labels);
    }
    const idLabel = { mach_id: this.#labelId };
    this.transitionsTotal = registry.counter({
      name: "am_transitions_total",
      help: "Accepted transitions",
      labelNames: ["mach_id"],
    }).labels(idLabel);
    this.exceptionsTotal = registry.counter({
      name: "am_exceptions_total",
      help: "Accepted transitions with Exception among target states",
      labelNames: ["mach_id"],
    }).labels(idLabel);
    this.txDuration = registry.histogram({
      name: "am_transition_duration_seconds",
      help: "Duration of accepted transitions",
      labelNames: ["mach_id"],
      unit: "seconds",
      buckets: opts.buckets,
    }).labels(idLabel);
    this.tracer = new PromTracer(this);
    this.updateSchema(mach.schema(), mach.stateNames().length);
    if (opts.interval) {
      const timer = this.#timer = setInterval(() => this.sync(), opts.interval);
      Deno.unrefTimer?.(timer);
    } else if (!isChild) {
      // synced right before each scrape or push of the registry
      this.#unsubscribe = registry.onCollect(() => this.sync());
    }
  }

  /** Whether {@linkcode Metrics.close} ran. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Sets the definition gauges (states, relations, referenced states). */
  updateSchema(schema: Schema, statesCount: number): void {
    if (this.#closed) return;
    const { relations, refStates } = schemaStats(schema);
    this.statesAmount.set(statesCount);
    this.relAmount.set(relations);
    this.refStatesAmount.set(refStates);
  }

  /** Records one accepted transition's samples. */
  sample(tx: Transition, micros: number): void {
    if (this.#closed) return;
    this.transitionsTotal.inc();
    if (this.#stats.sample(tx, micros)) this.exceptionsTotal.inc();
    this.txDuration.observe(micros / 1e6);
  }

  /**
   * Sets the gauges to the averages of the samples since the last sync
   * (totals for transitions and exceptions), resets, and syncs children.
   */
  sync(): void {
    if (this.#closed) return;
    const avg = this.#stats.take();
    const self = this as unknown as Record<GaugeName, ValueChild>;
    for (const k of Object.keys(avg) as (keyof TxAverages)[]) self[k].set(avg[k]);
    for (const child of this.children) child.sync();
  }

  /** Zeroes every gauge and stops syncing (upstream's Close). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#unsubscribe?.();
    const self = this as unknown as Record<GaugeName, ValueChild>;
    for (const [field] of GAUGES) self[field].set(0);
  }

  /** Removes this machine's series from the registry (its families stay). */
  unregister(): void {
    const legacy = this.#opts.legacyNames ?? false;
    const labels = { mach_id: this.#labelId };
    for (const [field] of GAUGES) {
      const name = gaugeMetricName(field, legacy ? this.#legacyId : this.machId, legacy);
      if (legacy) this.registry.unregister(name);
      else this.registry.get(name)?.remove(labels);
    }
    for (
      const name of [
        "am_transitions_total",
        "am_exceptions_total",
        "am_transition_duration_seconds",
      ]
    ) {
      this.registry.get(name)?.remove(labels);
    }
    releaseSeriesId(this.registry, this.#labelId);
    if (legacy) releaseSeriesId(this.registry, this.#legacyId, "legacy");
  }

  /**
   * Zeroes the gauges, lets one more scrape (or push) see the zeros, then
   * removes the series, so machines that come and go don't pile up.
   */
  dispose(): void {
    this.close();
    let collections = 0;
    const off = this.registry.onCollect(() => {
      if (++collections < 2) return;
      off();
      this.unregister();
    });
  }

  /** Binds a submachine's metrics with the same options. */
  bindChild(mach: Machine): Metrics {
    const child = new Metrics(mach, { ...this.#opts, interval: undefined }, true);
    mach.bindTracer(child.tracer);
    this.children.push(child);
    return child;
  }
}

/** Feeds {@linkcode Metrics} from a machine's transitions. */
class PromTracer implements Tracer {
  readonly id: string;
  #metrics: Metrics;
  #start = 0;

  constructor(metrics: Metrics) {
    this.#metrics = metrics;
    this.id = "prom-" + randId(4);
  }

  transitionInit(): void {
    this.#start = performance.now();
  }

  transitionEnd(tx: Transition): void {
    if (!tx.accepted) return;
    this.#metrics.sample(tx, (performance.now() - this.#start) * 1000);
  }

  newSubmachine(_parent: Machine, mach: Machine): void {
    if (isRpcMachine(mach.tags)) return;
    this.#metrics.bindChild(mach);
  }

  schemaChange(mach: Machine): void {
    this.#metrics.updateSchema(mach.schema(), mach.stateNames().length);
  }

  machineDispose(): void {
    this.#metrics.dispose();
  }
}

/**
 * Binds Prometheus metrics to a machine (and, automatically, to its
 * submachines). Metrics sync before each scrape of the registry by
 * `metricsHandler` or push by a `Pusher`, or every `opts.interval` ms.
 *
 * @example Usage
 * ```ts
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * import { bindMach, Registry } from "@asyncmachine/telemetry/prometheus";
 * const registry = new Registry();
 * const mach = new Machine({ Foo: {} }, { id: "m1" });
 * const metrics = bindMach(mach, { registry });
 * mach.add(["Foo"]);
 * metrics.sync();
 * metrics.transitionsCount.value; // 1
 * ```
 */
export function bindMach(mach: Machine, opts: BindMachOptions = {}): Metrics {
  const metrics = new Metrics(mach, opts, false);
  mach.bindTracer(metrics.tracer);
  mach.log("[bind] prometheus metrics");
  return metrics;
}

/**
 * Upstream's TransitionsToPrometheus: {@linkcode bindMach} on the default
 * registry, synced every `interval` ms when given.
 *
 * @example Usage
 * ```ts
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * import { transitionsToPrometheus } from "@asyncmachine/telemetry/prometheus";
 * const metrics = transitionsToPrometheus(new Machine({ Foo: {} }), 5_000);
 * metrics.close();
 * ```
 */
export function transitionsToPrometheus(mach: Machine, interval?: number): Metrics {
  return bindMach(mach, { interval });
}
