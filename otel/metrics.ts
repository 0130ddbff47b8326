/**
 * Machine metrics as OpenTelemetry instruments: what Deno Deploy collects
 * (it has no Prometheus to scrape). The same numbers as the Prometheus
 * exporter, with attribute `mach_id`.
 *
 * @module
 */

import {
  type BatchObservableCallback,
  type Counter,
  type Histogram,
  metrics,
  type ObservableGauge,
} from "@opentelemetry/api";
import { schemaStats, type TxAverages, TxStats } from "../prometheus/tx_stats.ts";
import type { Api, Tracer, Transition } from "../machine/mod.ts";
import { GAUGES as PROM_GAUGES } from "../prometheus/gauges.ts";
import type { OtelMeter } from "./types.ts";

type Definition = { statesAmount: number; relAmount: number; refStatesAmount: number };

/** Gauges observed per collection: the Prometheus gauges but the two counts (counters here). */
const GAUGES = PROM_GAUGES.filter(([key]) =>
  key !== "transitionsCount" && key !== "exceptionsCount"
) as readonly (readonly [keyof TxAverages | keyof Definition, string, string])[];

interface MachState {
  mach: Api;
  stats: TxStats;
  start: number;
}

/**
 * Feeds OTel instruments from machines' transitions; inheritable. Dispose
 * (`await using`) stops observing and detaches.
 *
 * @example Usage
 * ```ts
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * import { OtelMetrics } from "@asyncmachine/telemetry/otel";
 * await using metrics = new OtelMetrics(); // the global meter: a no-op without a provider
 * new Machine({ Foo: {} }, { tracers: [metrics] }).add(["Foo"]);
 * ```
 */
export class OtelMetrics implements Tracer, AsyncDisposable {
  /** "otel-metrics". */
  readonly id = "otel-metrics";
  /** Bound to submachines automatically. */
  readonly inheritable = true;
  #machines = new Map<string, MachState>();
  #transitions: Counter;
  #exceptions: Counter;
  #duration: Histogram;
  #gauges: ObservableGauge[];
  #observer: BatchObservableCallback;
  #meter: OtelMeter;
  #disposed = false;

  /**
   * Instruments on a meter.
   *
   * @param meter An `@opentelemetry/api` Meter; default the global "asyncmachine" one.
   */
  constructor(meter?: OtelMeter) {
    meter ??= metrics.getMeter("asyncmachine");
    this.#meter = meter;
    this.#transitions = meter.createCounter("am_transitions", {
      description: "Accepted transitions",
    });
    this.#exceptions = meter.createCounter("am_exceptions", {
      description: "Accepted transitions with Exception among target states",
    });
    this.#duration = meter.createHistogram("am_transition_duration", {
      description: "Duration of accepted transitions",
      unit: "s",
    });
    this.#gauges = GAUGES.map(([, metric, description]) =>
      meter.createObservableGauge(`am_${metric}`, { description })
    );
    this.#observer = (result) => {
      for (const { mach, stats } of this.#machines.values()) {
        const attrs = { mach_id: mach.id };
        const avg = stats.take();
        const def = definition(mach);
        GAUGES.forEach(([key], i) => {
          const v = key in def ? def[key as keyof typeof def] : avg[key as keyof TxAverages];
          result.observe(this.#gauges[i], v, attrs);
        });
      }
    };
    meter.addBatchObservableCallback(this.#observer, this.#gauges);
  }

  /** Starts collecting the machine's transitions. */
  machineInit(mach: Api): void {
    if (!this.#machines.has(mach.id)) {
      this.#machines.set(mach.id, { mach, stats: new TxStats(), start: 0 });
    }
  }

  /** Marks the start of a transition. */
  transitionInit(tx: Transition): void {
    const m = this.#machines.get(tx.machine.id);
    if (m) m.start = performance.now();
  }

  /** Records an accepted transition. */
  transitionEnd(tx: Transition): void {
    const m = this.#machines.get(tx.machine.id);
    if (!m || !tx.accepted) return;
    const micros = (performance.now() - m.start) * 1000;
    const attrs = { mach_id: m.mach.id };
    this.#transitions.add(1, attrs);
    if (m.stats.sample(tx, micros)) this.#exceptions.add(1, attrs);
    this.#duration.record(micros / 1e6, attrs);
  }

  /** Stops observing the machine. */
  machineDispose(id: string): void {
    this.#machines.delete(id);
  }

  /**
   * Stops observing every machine and detaches from them; once. Exporting
   * is the meter's reader's (flush its provider).
   */
  [Symbol.asyncDispose](): Promise<void> {
    this.dispose();
    return Promise.resolve();
  }

  /** {@linkcode OtelMetrics[Symbol.asyncDispose]}: the same, without waiting. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const { mach } of this.#machines.values()) mach.detachTracer(this.id);
    this.#machines.clear();
    this.#meter.removeBatchObservableCallback(this.#observer, this.#gauges);
  }
}

function definition(mach: Api): Definition {
  const { relations, refStates } = schemaStats(mach.schema());
  return {
    statesAmount: mach.stateNames().length,
    relAmount: relations,
    refStatesAmount: refStates,
  };
}

/**
 * Binds machine metrics (and submachines') as OpenTelemetry instruments:
 * `am_transitions` and `am_exceptions` counters, an `am_transition_duration`
 * histogram (seconds), and observable gauges of the interval's averages
 * (`am_queue_size`, `am_steps`, …), attribute `mach_id`. With
 * `OTEL_DENO=true` they leave through Deno's OTLP metrics exporter.
 *
 * @example Usage
 * ```ts
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * import { bindOtelMetrics } from "@asyncmachine/telemetry/otel";
 * const mach = new Machine({ Foo: {} }, { id: "m1" });
 * await using _metrics = bindOtelMetrics(mach); // the global meter: a no-op without a provider
 * mach.add(["Foo"]);
 * ```
 */
export function bindOtelMetrics(mach: Api, meter?: OtelMeter): OtelMetrics {
  const m = new OtelMetrics(meter);
  mach.bindTracer(m);
  return m;
}
