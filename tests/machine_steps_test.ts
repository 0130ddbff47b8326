// Steps are kept packed until tx.steps is read: reading them before,
// during or after the transition, or through forEachStep/stepCount, gives
// the same records.

import { assertEquals } from "@std/assert";
import {
  type HandlerEvent,
  Machine,
  type Schema,
  StepType,
  type Transition,
} from "../machine/mod.ts";

const schema: Schema = {
  Start: {},
  Ready: { require: ["Start"] },
  Foo: { require: ["Ready"], add: ["Bar"], remove: ["Idle"], after: ["Ready"] },
  Bar: { require: ["Foo"], after: ["Foo"] },
  Idle: { remove: ["Foo"] },
};

type Flat = [StepType, number, number, string, string];

function viaForEach(tx: Transition): Flat[] {
  const out: Flat[] = [];
  tx.forEachStep((type, fromIdx, toIdx, from, to) => out.push([type, fromIdx, toIdx, from, to]));
  return out;
}

function viaRecords(tx: Transition): Flat[] {
  return tx.steps.map((s) => [s.type, s.fromStateIdx, s.toStateIdx, s.fromState, s.toState]);
}

Deno.test("steps: forEachStep and stepCount match tx.steps, read before or after it", () => {
  const seen: { early: Flat[]; count: number; late: Flat[]; json: string }[] = [];
  const mach = new Machine(schema);
  mach.bindTracer({
    id: "steps",
    transitionEnd(tx) {
      // packed first, then the records, then forEachStep over the records
      const early = viaForEach(tx);
      const count = tx.stepCount;
      const late = viaRecords(tx);
      assertEquals(viaForEach(tx), late);
      seen.push({ early, count, late, json: JSON.stringify(tx.steps) });
    },
  });
  mach.bindHandlers({ FooEnter: () => true, FooState: () => {}, AnyEnter: () => true });
  mach.add(["Start", "Ready"]);
  mach.add(["Foo"]);
  mach.remove(["Foo"]);
  for (const s of seen) {
    assertEquals(s.early, s.late);
    assertEquals(s.count, s.late.length);
  }
  const fooTx = seen[1];
  // handler steps keep their flags and "Any" (not a state) has index -1
  const steps = JSON.parse(fooTx.json) as Record<string, unknown>[];
  const enter = steps.find((s) => s.Type === StepType.Handler && s.ToState === "Foo");
  assertEquals([enter?.IsEnter, enter?.IsFinal, enter?.IsSelf], [true, false, false]);
  const state = steps.filter((s) => s.Type === StepType.Handler && s.ToState === "Foo")[1];
  assertEquals([state?.IsEnter, state?.IsFinal], [true, true]);
  assert0(steps.some((s) => s.ToState === "Any" && s.ToStateIdx === -1));
});

Deno.test("steps: a transition read during a handler keeps recording into the same list", () => {
  let mid = -1;
  let tx: Transition | undefined;
  const mach = new Machine(schema);
  mach.bindHandlers({
    FooEnter(e: HandlerEvent) {
      tx = e.transition;
      mid = e.transition.steps.length;
      return true;
    },
  });
  mach.add(["Start", "Ready", "Foo"]);
  const t = tx!;
  const list = t.steps;
  assertEquals(list.length > mid && mid > 0, true);
  assertEquals(t.stepCount, list.length);
  assertEquals(viaForEach(t), viaRecords(t));
});

function assert0(cond: boolean): void {
  assertEquals(cond, true);
}
