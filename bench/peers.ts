// The peers a user would pick instead, on the same workload: asyncmachine
// 3.4.1 (the JS original) and xstate 5 toggles. Dev-only, bench/ only.

import { machine as jsMachine } from "asyncmachine";
import { createActor, createMachine } from "xstate";
import { BENCH_ACTIVE, benchSchema } from "./fixtures.ts";

/** asyncmachine 3.4.1 on the bench schema; returns the add/drop loop. */
export function asyncmachineLoop(): (pairs: number) => void {
  // asyncmachine 3.4.1 names Remove "drop"
  const schema: Record<string, Record<string, unknown>> = {};
  for (const [name, state] of Object.entries(benchSchema())) {
    const { remove, ...rest } = state;
    schema[name] = remove ? { ...rest, drop: remove } : rest;
  }
  const mach = jsMachine(schema);
  mach.add(BENCH_ACTIVE);
  return (pairs) => {
    for (let i = 0; i < pairs; i++) {
      mach.add("Foo");
      mach.drop("Foo");
    }
    if (mach.is("Foo")) throw new Error("bench loop broken");
  };
}

/** An xstate 5 on/off actor; returns the toggle loop (2 sends a pair). */
export function xstateLoop(): (pairs: number) => void {
  const actor = createActor(createMachine({
    initial: "off",
    states: { off: { on: { TOGGLE: "on" } }, on: { on: { TOGGLE: "off" } } },
  })).start();
  return (pairs) => {
    for (let i = 0; i < pairs; i++) {
      actor.send({ type: "TOGGLE" });
      actor.send({ type: "TOGGLE" });
    }
  };
}
