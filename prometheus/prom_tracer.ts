/**
 * The tracer feeding a machine's Prometheus metrics: times
 * transitions, samples accepted ones, binds submachines (RPC/relay ones
 * only with `rpcDbg`), follows schema changes and the machine's dispose.
 *
 * @module
 */

import { isRpcMachine } from "../internal/config.ts";
import type { Api, Schema, Tracer, Transition } from "../machine/mod.ts";
import { randId } from "../machine/utils.ts";

/** What the tracer feeds: {@linkcode PrometheusMetrics} (no import back: no cycle). */
export interface PromSink {
  /** Records an accepted transition. */
  sample(tx: Transition, micros: number, now: number): void;
  /** Binds a submachine's metrics. */
  bindChild(mach: Api): unknown;
  /** Sets the definition gauges. */
  updateSchema(schema: Schema, statesCount: number): void;
}

/** Options of a {@linkcode PromTracer}. */
export interface PromTracerOptions {
  /** Bind RPC/relay submachines too. */
  rpcDbg?: boolean;
  /** The machine got disposed (its metrics release their series). */
  gone(): void;
}

/** Feeds a machine's metrics from its transitions. */
export class PromTracer implements Tracer {
  /** "prom-…". */
  readonly id: string;
  #metrics: PromSink;
  #opts: PromTracerOptions;
  #start = 0;

  constructor(metrics: PromSink, opts: PromTracerOptions) {
    this.#metrics = metrics;
    this.#opts = opts;
    this.id = "prom-" + randId(4);
  }

  transitionInit(): void {
    this.#start = performance.now();
  }

  transitionEnd(tx: Transition): void {
    if (!tx.accepted) return;
    const now = performance.now();
    this.#metrics.sample(tx, (now - this.#start) * 1000, now);
  }

  newSubmachine(_parent: Api, mach: Api): void {
    if (isRpcMachine(mach.tags, this.#opts.rpcDbg)) return;
    this.#metrics.bindChild(mach);
  }

  schemaChange(mach: Api): void {
    this.#metrics.updateSchema(mach.schema(), mach.stateNames().length);
  }

  machineDispose(): void {
    this.#opts.gone();
  }
}
