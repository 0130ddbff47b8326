// Relations: upstream's relations_playground schemas (examples/), with the
// outcomes worked out by hand from relations.go, plus steps and schema
// validation.

import { assert, assertEquals, assertFalse, assertThrows } from "@std/assert";
import { Machine, Relation, Result, StepType } from "../mod.ts";
import { parseSchema } from "../machine/mod.ts";
import { goSliceStable } from "../machine/sort.ts";
import { assertStates } from "./helpers.ts";

Deno.test("playground FooBar: Require not met cancels the add", () => {
  const m = new Machine({ Foo: { require: ["Bar"] }, Bar: {} });
  assertEquals(m.add1("Foo"), Result.Canceled);
  assertFalse(m.is1("Foo"));
});

Deno.test("playground FileProcessed: cross-remove and auto with require", () => {
  const m = new Machine({
    ProcessingFile: { remove: ["FileProcessed"] },
    FileProcessed: { remove: ["ProcessingFile"] },
    InProgress: { auto: true, require: ["ProcessingFile"] },
  });
  m.add1("ProcessingFile");
  assertStates(m, ["ProcessingFile", "InProgress"]);
  m.add1("FileProcessed");
  assertStates(m, ["FileProcessed"]);
});

Deno.test("playground DryWaterWet", () => {
  const m = new Machine({
    Wet: { require: ["Water"] },
    Dry: { remove: ["Water"] },
    Water: { add: ["Wet"], remove: ["Dry"] },
  });
  m.add1("Dry");
  m.add1("Water");
  assertEquals(m.activeStates(), ["Water", "Wet"]);
  m.add1("Dry");
  assertEquals(m.activeStates(), ["Dry"]);
});

Deno.test("playground RemoveByAdd: an added state removes an active one", () => {
  const m = new Machine({ A: { add: ["B"] }, B: { remove: ["C"] }, C: {} });
  m.add1("C");
  m.add1("A");
  assertEquals(m.activeStates(), ["A", "B"]);
});

Deno.test("playground AddOptionalRemoveMandatory", () => {
  const m = new Machine({ A: { add: ["B"] }, B: {}, C: { remove: ["B"] } });
  assertEquals(m.add(["A", "C"]), Result.Executed);
  assertEquals(m.activeStates(), ["A", "C"]);
});

Deno.test("playground Mutex: the called state wins", () => {
  const m = new Machine({
    A: { remove: ["A", "B", "C"] },
    B: { remove: ["A", "B", "C"] },
    C: { remove: ["A", "B", "C"] },
  });
  m.add1("A");
  m.add1("B");
  assertEquals(m.activeStates(), ["B"]);
  m.add1("C");
  assertEquals(m.activeStates(), ["C"]);
});

Deno.test("playground Quiz: Add is one level deep per pass, Require sorts", () => {
  const m = new Machine({
    A: { add: ["B"] },
    B: { require: ["D"], add: ["C"] },
    C: {},
    D: { remove: ["C"] },
    E: { add: ["D"] },
  });
  assertEquals(m.add(["A", "E"]), Result.Executed);
  assertEquals(m.activeStates(), ["A", "E", "D", "B"]);
});

Deno.test("steps: a Require-canceled add records upstream's steps", () => {
  const m = new Machine({ Foo: { require: ["Bar"] }, Bar: {} }, { id: "mach1" });
  let steps: unknown[] = [];
  m.bindTracer({
    id: "t",
    transitionEnd: (tx) =>
      steps = tx.steps.map((s) => ({
        type: s.type,
        relType: s.relType,
        isFinal: s.isFinal,
        isSelf: s.isSelf,
        isEnter: s.isEnter,
        fromState: s.fromState,
        fromStateIdx: s.fromStateIdx,
        toState: s.toState,
        toStateIdx: s.toStateIdx,
      })),
  });
  m.add1("Foo");
  const foo = m.index1("Foo");
  const bar = m.index1("Bar");
  const step = (type: StepType, from: string, to: string, relType = 0) => ({
    type,
    relType,
    isFinal: false,
    isSelf: false,
    isEnter: false,
    fromState: from,
    fromStateIdx: from ? (from === "Foo" ? foo : bar) : -1,
    toState: to,
    toStateIdx: to ? (to === "Foo" ? foo : bar) : -1,
  });
  assertEquals(steps, [
    step(StepType.Requested, "", "Foo"),
    step(StepType.Set, "", "Foo"),
    step(StepType.Relation, "Foo", "Bar", Relation.Require),
    step(StepType.RemoveNotActive, "Foo", ""),
    step(StepType.Cancel, "", "Bar"),
    step(StepType.Cancel, "", "Foo"),
  ]);
});

Deno.test("steps: handlers, remove relations and after, as strings", () => {
  const m = new Machine({ A: { remove: ["B"] }, B: {}, C: { after: ["A"] } });
  m.add1("B");
  m.bindHandlers({ AEnter: () => true, BExit: () => true, CEnter: () => true });
  let str = "";
  m.bindTracer({ id: "t", transitionEnd: (tx) => str = tx.toString().replace(/^tx#\w+\n/, "") });
  m.add(["A", "C"]);
  assertEquals(
    str,
    [
      "[add] A C",
      "called **A**",
      "called **C**",
      "activate **A**",
      "activate **C**",
      "**A** remove **B**",
      "deactivate **B**",
      "**A** after **C**",
      "handler **B**Exit",
      "handler **A**Enter",
      "handler **C**Enter",
    ].join("\n- "),
  );
});

Deno.test("steps: stored under Go's field names, read through camelCase accessors", () => {
  const m = new Machine({ A: {} }, { id: "s" });
  let json = "";
  m.bindTracer({ id: "t", transitionEnd: (tx) => json = JSON.stringify(tx.steps[0]) });
  m.add1("A");
  assertEquals(
    JSON.parse(json),
    {
      Type: StepType.Requested,
      RelType: 0,
      IsFinal: false,
      IsSelf: false,
      IsEnter: false,
      FromState: "",
      FromStateIdx: -1,
      ToState: "A",
      ToStateIdx: m.index1("A"),
    },
  );
});

Deno.test("steps: off with steps: false", () => {
  const m = new Machine({ A: {} }, { steps: false });
  let count = -1;
  m.bindTracer({ id: "t", transitionEnd: (tx) => count = tx.steps.length });
  m.add1("A");
  assertEquals(count, 0);
});

Deno.test("schema: Parse drops self refs, Remove-in-Add and unknown targets", () => {
  const { schema, errors } = parseSchema({
    A: { remove: ["A", "B", "Nope"], add: ["B", "Ghost"], after: ["A", "Nope", "B"] },
    B: { require: ["Missing"] },
  });
  assertEquals(schema.A, { add: ["B"], remove: [], after: ["B"] });
  assertEquals(schema.B, { require: ["Missing"] });
  assertEquals(errors, []);
});

Deno.test("schema: a Require-Remove conflict becomes an Exception", () => {
  const m = new Machine({ A: { require: ["B"], remove: ["B"] }, B: {} });
  assert(m.isErr());
  assert(m.err()?.message.includes("require-remove conflict for A to B"));
});

Deno.test("schema: malformed schemas throw a TypeError naming the field", () => {
  assertThrows(() => new Machine(null as never), TypeError, "schema must be an object");
  assertThrows(
    () => new Machine({ A: { require: "B" as never } }),
    TypeError,
    "A.require must be a list",
  );
  assertThrows(() => new Machine({ A: 5 as never }), TypeError, "state A must be an object");
});

Deno.test("schema: Exception is always present and Multi; names alphabetical", () => {
  const m = new Machine({ Foo: {}, Bar: {} });
  assertEquals(m.stateNames(), ["Bar", "Exception", "Foo"]);
  assertEquals(m.schema().Exception, { multi: true });
});

Deno.test("sort: Go's SliceStable port handles non-transitive comparators like Go", () => {
  // insertion sort within a block, as Go: only adjacent swaps on less()
  const list = ["C", "A", "B"];
  // B before C only; A unrelated
  goSliceStable(list, (a, b) => a === "B" && b === "C");
  assertEquals(list, ["C", "A", "B"]);
  const nums = Array.from({ length: 57 }, (_, i) => (i * 37) % 57);
  goSliceStable(nums, (a, b) => a < b);
  assertEquals(nums, Array.from({ length: 57 }, (_, i) => i));
});
