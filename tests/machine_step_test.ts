// StepRecord: built from its camelCase Step fields (no positional list),
// stored and serialized under upstream's Go field names, in Go's order.

import { assertEquals } from "@std/assert";
import { Machine, Relation, StepRecord, StepType } from "../machine/mod.ts";

Deno.test("StepRecord: fields left out are Go's zero values, indexes -1; JSON keeps Go's order", () => {
  const s = new StepRecord({ type: StepType.Requested, toState: "Foo", toStateIdx: 0 });
  assertEquals(
    JSON.stringify(s),
    '{"Type":32,"RelType":0,"IsFinal":false,"IsSelf":false,"IsEnter":false,' +
      '"FromState":"","FromStateIdx":-1,"ToState":"Foo","ToStateIdx":0}',
  );
  const h = new StepRecord({
    type: StepType.Handler,
    relType: Relation.Require,
    isFinal: true,
    isEnter: true,
    fromState: "A",
    fromStateIdx: 1,
  });
  assertEquals([h.type, h.relType, h.isFinal, h.isSelf, h.isEnter], [
    StepType.Handler,
    Relation.Require,
    true,
    false,
    true,
  ]);
  assertEquals([h.fromState, h.fromStateIdx, h.toState, h.toStateIdx], ["A", 1, "", -1]);
});

Deno.test("StepRecord: a transition's relation step carries both states and indexes", () => {
  const mach = new Machine({ A: {}, B: { require: ["A"] } }, { id: "steps" });
  let steps: readonly StepRecord[] = [];
  mach.bindTracer({ id: "steps", transitionEnd: (tx) => void (steps = tx.steps) });
  mach.add(["A", "B"]);
  const rel = steps.find((s) => s.type === StepType.Relation)!;
  assertEquals([rel.relType, rel.fromState, rel.toState], [Relation.Require, "B", "A"]);
  assertEquals([rel.fromStateIdx, rel.toStateIdx], [1, 0]);
  const requested = steps.find((s) => s.type === StepType.Requested)!;
  assertEquals([requested.fromState, requested.fromStateIdx], ["", -1]);
});
