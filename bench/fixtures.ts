// Fixtures every machine benchmark shares: the 20-state schema with
// relations, a no-op tracer and the add/remove loop.

import { Machine, type MachineOptions, type Schema, type Tracer } from "../machine/mod.ts";

/** 20 states: a require chain, add/remove relations, After ordering. */
export function benchSchema(): Schema {
  const schema: Schema = {
    Start: {},
    Ready: { require: ["Start"] },
    Foo: { require: ["Ready"], add: ["Bar"], remove: ["Idle"], after: ["Ready"] },
    Bar: { require: ["Foo"], after: ["Foo"] },
    Idle: { remove: ["Foo"] },
  };
  for (let i = 5; i < 20; i++) {
    schema[`S${i}`] = { require: ["Start"], after: i > 5 ? [`S${i - 1}`] : ["Start"] };
  }
  return schema;
}

/** States active during the loop (besides Foo and Bar). */
export const BENCH_ACTIVE: string[] = ["Start", "Ready", "S5", "S6", "S7", "S8", "S9", "S10"];

/** A tracer with every transition hook, doing nothing. */
export const noopTracer: Tracer = {
  id: "noop",
  machineInit() {},
  transitionInit() {},
  transitionStart() {},
  transitionFinals() {},
  transitionEnd() {},
  handlerStart() {},
  handlerEnd() {},
  mutationQueued() {},
  queueEnd() {},
};

/** A machine on the bench schema with the always-on states active. */
export function benchMachine(opts: MachineOptions = {}): Machine {
  const mach = new Machine(benchSchema(), opts);
  mach.add(BENCH_ACTIVE);
  return mach;
}

/** `pairs` add+remove pairs of Foo (which adds Bar and removes Idle). */
export function addRemoveLoop(mach: Machine, pairs: number): void {
  for (let i = 0; i < pairs; i++) {
    mach.add(["Foo"]);
    mach.remove(["Foo"]);
  }
  if (mach.is(["Foo"])) throw new Error("bench loop broken");
}
