/**
 * Per-transition samples averaged per interval: the numbers behind
 * asyncmachine-go's Prometheus gauges, shared by the Prometheus and the
 * OpenTelemetry metrics.
 *
 * @module
 */

import {
  MutationType,
  type Schema,
  StateException,
  StepType,
  type Transition,
} from "../machine/mod.ts";

/** The averaged (and counted) values, by upstream gauge name. */
export interface TxAverages {
  queueSize: number;
  txTick: number;
  statesActiveAmount: number;
  statesInactiveAmount: number;
  statesAdded: number;
  statesRemoved: number;
  statesTouched: number;
  stepsAmount: number;
  handlersAmount: number;
  txTime: number;
  /** A count, not an average: accepted transitions in the interval. */
  transitionsCount: number;
  /** A count: accepted transitions with Exception among targets. */
  exceptionsCount: number;
}

type Sums = TxAverages;

/** Upstream's definition numbers: relations (lists) and states they reference. */
export function schemaStats(schema: Schema): { relations: number; refStates: number } {
  let relations = 0;
  let refStates = 0;
  for (const state of Object.values(schema)) {
    for (const list of [state.add, state.remove, state.require, state.after]) {
      if (list === undefined) continue;
      relations++;
      refStates += list.length;
    }
  }
  return { relations, refStates };
}

function emptySums(): Sums {
  return {
    queueSize: 0,
    txTick: 0,
    statesActiveAmount: 0,
    statesInactiveAmount: 0,
    statesAdded: 0,
    statesRemoved: 0,
    statesTouched: 0,
    exceptionsCount: 0,
    transitionsCount: 0,
    stepsAmount: 0,
    handlersAmount: 0,
    txTime: 0,
  };
}

/** Sums samples of accepted transitions; {@linkcode TxStats.take} averages and resets. */
export class TxStats {
  #sums: Sums = emptySums();
  // every average divides by transitionsCount, but added (removed) states
  // count only for mutations that can add (remove): upstream's rule
  #addingTxs = 0;
  #removingTxs = 0;
  #stamps = new Uint32Array(64);
  #gen = 0;

  /** Records one accepted transition; returns whether Exception was among its targets. */
  sample(tx: Transition, micros: number): boolean {
    const s = this.#sums;
    // touched = unique states named by steps (upstream counts "Any" too);
    // the core fills real indexes, so a stamp per index avoids a Set
    let handlers = 0;
    let touched = 0;
    let anyTouched = false;
    if (this.#gen === 0xffffffff) {
      this.#gen = 0;
      this.#stamps.fill(0);
    }
    const gen = ++this.#gen;
    let stamps = this.#stamps;
    const count = tx.timeBefore.length;
    if (stamps.length < count) stamps = this.#stamps = new Uint32Array(count * 2);
    const steps = tx.steps;
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i];
      if (step.type === StepType.Handler) handlers++;
      const from = step.fromStateIdx;
      const to = step.toStateIdx;
      if (from >= 0 && from < count) {
        if (stamps[from] !== gen) {
          stamps[from] = gen;
          touched++;
        }
      } else if (step.fromState) anyTouched = true;
      if (to >= 0 && to < count) {
        if (stamps[to] !== gen) {
          stamps[to] = gen;
          touched++;
        }
      } else if (step.toState) anyTouched = true;
    }
    if (anyTouched) touched++;
    // ticks taken and active before, and added (incl. re-activated Multi) /
    // removed counted by timeDiff's rule in the same pass over the clocks:
    // tx.diff would allocate its index lists per transition only to be counted
    let ticks = 0;
    let active = 0;
    let added = 0;
    let removed = 0;
    const before = tx.timeBefore;
    const after = tx.timeAfter;
    const n = before.length > after.length ? before.length : after.length;
    for (let i = 0; i < n; i++) {
      const b = before[i] ?? 0;
      const a = after[i] ?? 0;
      const wasActive = b % 2 === 1;
      if (i < after.length) {
        ticks += a - b;
        if (wasActive) active++;
      }
      if (a % 2 === 1) {
        if (!wasActive || a !== b) added++;
      } else if (wasActive) removed++;
    }
    s.queueSize += tx.queueLen;
    s.stepsAmount += steps.length;
    s.txTime += micros;
    s.handlersAmount += handlers;
    s.statesTouched += touched;
    s.txTick += ticks;
    s.statesActiveAmount += active;
    s.statesInactiveAmount += before.length - active;
    const type = tx.mutation.type;
    if (type !== MutationType.Remove) {
      s.statesAdded += added;
      this.#addingTxs++;
    }
    if (type !== MutationType.Add) {
      s.statesRemoved += removed;
      this.#removingTxs++;
    }
    s.transitionsCount++;
    const isErr = tx.targetStates.includes(StateException);
    if (isErr) s.exceptionsCount++;
    return isErr;
  }

  /** Averages (floats) since the last take, counts for transitions and exceptions; resets. */
  take(): TxAverages {
    const s = this.#sums;
    const out = emptySums();
    for (const k of Object.keys(s) as (keyof Sums)[]) {
      if (k === "transitionsCount" || k === "exceptionsCount") out[k] = s[k];
      else {
        const n = k === "statesAdded"
          ? this.#addingTxs
          : k === "statesRemoved"
          ? this.#removingTxs
          : s.transitionsCount;
        out[k] = n === 0 ? 0 : s[k] / n;
      }
    }
    this.#sums = emptySums();
    this.#addingTxs = 0;
    this.#removingTxs = 0;
    return out;
  }
}
