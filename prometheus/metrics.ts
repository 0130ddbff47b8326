/**
 * Per-machine Prometheus metrics fed by a tracer, as asyncmachine-go's
 * `pkg/telemetry/prometheus`: upstream's 15 gauges (averages over fixed
 * windows), plus `am_transitions_total`, `am_exceptions_total` and the
 * `am_transition_duration_seconds` histogram. Over ~400 lines on purpose:
 * upstream's 15 public gauge fields are one documented getter each.
 *
 * @module
 */

import { schemaStats, type TxAverages } from "./tx_stats.ts";
import { TxWindow } from "./tx_window.ts";
import type { Api, Schema, Tracer, Transition } from "../machine/mod.ts";
import { gaugeMetricName, type GaugeName, gaugeRecord, GAUGES } from "./gauges.ts";
import type { CounterChild, HistogramChild, Labels, ValueChild } from "./metric.ts";
import { normalizeId, releaseSeriesId, uniqueSeriesId, wellFormedId } from "./names.ts";
import { PromTracer } from "./prom_tracer.ts";
import { defaultRegistry, type Registry } from "./registry.ts";

/** Options of {@linkcode bindPrometheusMetrics}. */
export interface PrometheusMetricsOptions {
  /** Where the metrics go; `defaultRegistry` by default. */
  registry?: Registry;
  /** Upstream's per-machine metric names (for its Grafana dashboards). */
  legacyNames?: boolean;
  /**
   * Length of the fixed window the interval gauges average over, ms;
   * default 15 s (upstream's push interval). Every scraper sees the same
   * value: the averages of the last completed window.
   */
  window?: number;
  /**
   * @deprecated The fixed window's length, as {@linkcode PrometheusMetricsOptions.window}
   * (the gauges no longer depend on a timer or on scrapes).
   */
  interval?: number;
  /** Histogram buckets (seconds) for `am_transition_duration_seconds`. */
  buckets?: number[];
  /** Bind RPC/relay submachines too (AM_RPC_DBG); default false. */
  rpcDbg?: boolean;
}

const DEFAULT_WINDOW = 15_000;

// one binding per machine and registry: a second bind returns the first
const bindings = new WeakMap<Registry, WeakMap<Api, PrometheusMetrics>>();

const AVERAGED: readonly (keyof TxAverages)[] = GAUGES.map(([field]) => field).filter(
  (f): f is keyof TxAverages =>
    f !== "statesAmount" && f !== "relAmount" && f !== "refStatesAmount",
);

/**
 * One machine's Prometheus metrics. The interval gauges hold the averages
 * (and counts) of the last completed fixed window
 * ({@linkcode PrometheusMetricsOptions.window}); counters and the histogram
 * accumulate. Dispose (`await using`) detaches and zeroes the gauges; the
 * series go after one more scrape.
 *
 * @example Usage
 * ```ts
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * import { bindPrometheusMetrics, Registry } from "@asyncmachine/telemetry/prometheus";
 * const mach = new Machine({ Foo: {} }, { id: "m1" });
 * await using metrics = bindPrometheusMetrics(mach, { registry: new Registry() });
 * mach.add(["Foo"]);
 * metrics.transitionsTotal.value; // 1
 * ```
 */
export class PrometheusMetrics implements AsyncDisposable {
  /** The machine's id. */
  readonly machId: string;
  /** The tracer feeding these metrics. */
  readonly tracer: Tracer;
  /** Metrics of submachines, bound automatically. */
  readonly children: PrometheusMetrics[] = [];
  /** The registry holding the series. */
  readonly registry: Registry;
  /** The 15 gauges by field name. */
  readonly gauges: Readonly<Record<GaugeName, ValueChild>>;
  /** Number of registered states. */
  get statesAmount(): ValueChild {
    return this.gauges.statesAmount;
  }
  /** Number of relations (non-empty relation lists). */
  get relAmount(): ValueChild {
    return this.gauges.relAmount;
  }
  /** Number of states referenced by relations. */
  get refStatesAmount(): ValueChild {
    return this.gauges.refStatesAmount;
  }
  /** Average queue size after a transition. */
  get queueSize(): ValueChild {
    return this.gauges.queueSize;
  }
  /** Average machine ticks a transition took. */
  get txTick(): ValueChild {
    return this.gauges.txTick;
  }
  /** Average active states before a transition. */
  get statesActiveAmount(): ValueChild {
    return this.gauges.statesActiveAmount;
  }
  /** Average inactive states before a transition. */
  get statesInactiveAmount(): ValueChild {
    return this.gauges.statesInactiveAmount;
  }
  /** Average states added (add and set mutations). */
  get statesAdded(): ValueChild {
    return this.gauges.statesAdded;
  }
  /** Average states removed (remove and set mutations). */
  get statesRemoved(): ValueChild {
    return this.gauges.statesRemoved;
  }
  /** Average states touched (by steps). */
  get statesTouched(): ValueChild {
    return this.gauges.statesTouched;
  }
  /** Transitions with Exception among targets, in the last window. */
  get exceptionsCount(): ValueChild {
    return this.gauges.exceptionsCount;
  }
  /** Accepted transitions in the last window. */
  get transitionsCount(): ValueChild {
    return this.gauges.transitionsCount;
  }
  /** Average steps per transition. */
  get stepsAmount(): ValueChild {
    return this.gauges.stepsAmount;
  }
  /** Average executed handlers per transition. */
  get handlersAmount(): ValueChild {
    return this.gauges.handlersAmount;
  }
  /** Average transition time in µs. */
  get txTime(): ValueChild {
    return this.gauges.txTime;
  }
  /** `am_transitions_total`. */
  readonly transitionsTotal: CounterChild;
  /** `am_exceptions_total`. */
  readonly exceptionsTotal: CounterChild;
  /** `am_transition_duration_seconds`. */
  readonly txDuration: HistogramChild;
  #mach: Api;
  #disposed = false;
  #window: TxWindow;
  #unsubscribe: (() => void) | undefined;
  #opts: PrometheusMetricsOptions;
  // the id as its series spell it: unique per registry after encoding (names.ts)
  #labelId: string;
  #legacyId: string;

  /**
   * Use {@linkcode bindPrometheusMetrics}; this only creates the series
   * (rolled on each collect of the registry) and the tracer, unbound.
   *
   * @param mach The machine.
   * @param opts Registry, naming, window, buckets.
   */
  constructor(mach: Api, opts?: PrometheusMetricsOptions) {
    opts ??= {};
    this.machId = mach.id;
    this.#mach = mach;
    this.#opts = opts;
    this.#window = new TxWindow(opts.window ?? opts.interval ?? DEFAULT_WINDOW, performance.now());
    const registry = this.registry = opts.registry ?? defaultRegistry;
    const legacy = opts.legacyNames ?? false;
    this.#labelId = uniqueSeriesId(registry, mach.id, wellFormedId(mach.id));
    this.#legacyId = legacy
      ? uniqueSeriesId(registry, mach.id, normalizeId(mach.id), { namespace: "legacy" })
      : "";
    const labels: Labels = legacy ? {} : { mach_id: this.#labelId };
    const labelNames = legacy ? [] : ["mach_id"];
    const help = new Map(GAUGES.map(([field, , text]) => [field, text]));
    this.gauges = gaugeRecord((field) =>
      registry.gauge({
        name: gaugeMetricName(field, legacy ? this.#legacyId : mach.id, legacy),
        help: help.get(field)!,
        labelNames,
      }).labels(labels)
    );
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
    this.tracer = new PromTracer(this, { rpcDbg: opts.rpcDbg, gone: () => this.#release() });
    this.updateSchema(mach.schema(), mach.stateNames().length);
    // no timer: windows roll lazily, on samples and before each scrape or push
    this.#unsubscribe = registry.onCollect(() => this.#rollSelf(performance.now()));
  }

  /** Whether these metrics were disposed (they no longer sample). */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** @deprecated Use {@linkcode PrometheusMetrics.disposed}. */
  get closed(): boolean {
    return this.#disposed;
  }

  /** The machine these metrics observe. */
  get machine(): Api {
    return this.#mach;
  }

  /** Sets the definition gauges (states, relations, referenced states). */
  updateSchema(schema: Schema, statesCount: number): void {
    if (this.#disposed) return;
    const { relations, refStates } = schemaStats(schema);
    this.gauges.statesAmount.set(statesCount);
    this.gauges.relAmount.set(relations);
    this.gauges.refStatesAmount.set(refStates);
  }

  /**
   * Records one accepted transition's samples.
   *
   * @param tx The transition.
   * @param micros Its duration, µs.
   * @param now `performance.now()` at its end (picks the window).
   */
  sample(tx: Transition, micros: number, now?: number): void {
    now ??= performance.now();
    if (this.#disposed) return;
    if (this.#window.endedBy(now)) this.#rollSelf(now);
    this.transitionsTotal.inc();
    if (this.#window.sample(tx, micros)) this.exceptionsTotal.inc();
    this.txDuration.observe(micros / 1e6);
  }

  /**
   * Publishes a window once it has ended: the gauges get the averages of
   * the last completed window (zeros when it had no transitions), whoever
   * scrapes and however often. Rolls the children too.
   *
   * @param now `performance.now()`.
   */
  roll(now: number): void {
    if (this.#disposed) return;
    this.#rollSelf(now);
    for (const child of this.children) child.roll(now);
  }

  #rollSelf(now: number): void {
    const avg = this.#window.roll(now);
    if (avg) this.#publish(avg);
  }

  #publish(avg: TxAverages): void {
    for (const k of AVERAGED) this.gauges[k].set(avg[k]);
  }

  /**
   * Upstream's Sync: publishes the samples since the last window now and
   * starts a new window (children too). Not needed with scrapes or pushes.
   */
  sync(): void {
    if (this.#disposed) return;
    this.#publish(this.#window.restart(performance.now()));
    for (const child of this.children) child.sync();
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
   * Detaches from the machine and its submachines, zeroes the gauges, lets
   * one more scrape (or push) see the zeros, then removes the series, so
   * machines that come and go don't pile up. A disposed machine's metrics
   * do the same by themselves (its submachines' stay).
   */
  [Symbol.asyncDispose](): Promise<void> {
    this.dispose();
    return Promise.resolve();
  }

  /** {@linkcode PrometheusMetrics[Symbol.asyncDispose]}: the same, without waiting. */
  dispose(): void {
    for (const child of this.children) child.dispose();
    this.#mach.detachTracer(this.tracer.id);
    this.#release();
  }

  /** Zeroes, stops sampling, removes the series after one more collect; once. */
  #release(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#unsubscribe?.();
    for (const [field] of GAUGES) this.gauges[field].set(0);
    const mine = bindings.get(this.registry);
    if (mine?.get(this.#mach) === this) mine.delete(this.#mach);
    let collections = 0;
    const off = this.registry.onCollect(() => {
      if (++collections < 2) return;
      off();
      this.unregister();
    });
  }

  /**
   * Upstream's Close.
   *
   * @deprecated Use `await using` or {@linkcode PrometheusMetrics.dispose}
   * (this is it: it also detaches and removes the series after a scrape).
   */
  close(): void {
    this.dispose();
  }

  /** Binds a submachine's metrics with the same options (once per registry). */
  bindChild(mach: Api): PrometheusMetrics {
    const existing = bindings.get(this.registry)?.get(mach);
    if (existing) return existing;
    const child = new PrometheusMetrics(mach, this.#opts);
    remember(child);
    mach.bindTracer(child.tracer);
    this.children.push(child);
    return child;
  }
}

function remember(metrics: PrometheusMetrics): void {
  let mine = bindings.get(metrics.registry);
  if (!mine) bindings.set(metrics.registry, mine = new WeakMap());
  mine.set(metrics.machine, metrics);
}

/**
 * Binds Prometheus metrics to a machine (and, automatically, to its
 * submachines), into `opts.registry` (default `defaultRegistry`). Serve them
 * with `metricsHandler` or push them with a `Pusher`.
 *
 * Idempotent per machine and registry: binding again (also through
 * {@linkcode transitionsToPrometheus}) returns the first binding, whatever
 * the options, so nothing is counted twice.
 *
 * @param mach The machine.
 * @param opts Registry, naming, window, buckets.
 *
 * @example Usage
 * ```ts
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * import { bindPrometheusMetrics, Registry } from "@asyncmachine/telemetry/prometheus";
 * const registry = new Registry();
 * const mach = new Machine({ Foo: {} }, { id: "m1" });
 * const metrics = bindPrometheusMetrics(mach, { registry });
 * bindPrometheusMetrics(mach, { registry }) === metrics; // true
 * mach.add(["Foo"]);
 * registry.render().includes('am_transitions_total{mach_id="m1"} 1'); // true
 * ```
 */
export function bindPrometheusMetrics(
  mach: Api,
  opts?: PrometheusMetricsOptions,
): PrometheusMetrics {
  const existing = bindings.get(opts?.registry ?? defaultRegistry)?.get(mach);
  if (existing && !existing.disposed) return existing;
  const metrics = new PrometheusMetrics(mach, opts);
  remember(metrics);
  mach.bindTracer(metrics.tracer);
  mach.log("[bind] prometheus metrics");
  return metrics;
}

/**
 * Upstream's TransitionsToPrometheus: {@linkcode bindPrometheusMetrics} on
 * the default registry, averaging over `interval` ms windows when given.
 *
 * @param mach The machine.
 * @param interval The window, ms; default 15 s.
 *
 * @example Usage
 * ```ts
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * import { transitionsToPrometheus } from "@asyncmachine/telemetry/prometheus";
 * await using metrics = transitionsToPrometheus(new Machine({ Foo: {} }), 5_000);
 * ```
 */
export function transitionsToPrometheus(mach: Api, interval?: number): PrometheusMetrics {
  return bindPrometheusMetrics(mach, { window: interval });
}
