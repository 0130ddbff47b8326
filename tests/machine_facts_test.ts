// Transition facts computed once in the core (issue 13 item 6): the
// added/removed diff, the health-check predicate, the built-in state names.

import { assert, assertEquals, assertFalse } from "@std/assert";
import {
  Machine,
  StateException,
  StateHealthcheck,
  StateHeartbeat,
  timeDiff,
  type Transition,
} from "../machine/mod.ts";

function lastTx(m: Machine): () => Transition {
  let last: Transition | undefined;
  m.bindTracer({ id: "last", transitionEnd: (tx) => void (last = tx) });
  return () => last!;
}

Deno.test("facts: timeDiff reads activation from tick parity", () => {
  // 0: stays active, 1: activated, 2: deactivated, 3: re-activated (Multi)
  assertEquals(timeDiff([1, 0, 1, 1], [1, 1, 2, 3]), { added: [1, 3], removed: [2] });
  // missing ticks count as 0
  assertEquals(timeDiff([], [1, 0]), { added: [0], removed: [] });
  assertEquals(timeDiff([1], []), { added: [], removed: [0] });
});

Deno.test("facts: tx.diff, statesAdded and statesRemoved, in index order", () => {
  const m = new Machine({ A: { remove: ["B"] }, B: {}, C: { multi: true } });
  const last = lastTx(m);
  m.add(["B", "C"]);
  m.add(["C", "A"]);
  const tx = last();
  assertEquals(tx.statesAdded, ["A", "C"]);
  assertEquals(tx.statesRemoved, ["B"]);
  assertEquals(tx.diff, { added: [m.index1("A"), m.index1("C")], removed: [m.index1("B")] });
  // computed once per timeAfter
  assert(tx.diff === tx.diff);
  // canceled: nothing changed
  m.bindHandlers({ BEnter: () => false });
  m.add(["B"]);
  assertEquals(last().statesAdded, []);
  assertEquals(last().statesRemoved, []);
});

Deno.test("facts: isHealth is upstream's Transition.IsHealth (one state, add)", () => {
  const m = new Machine({
    [StateHealthcheck]: { multi: true },
    [StateHeartbeat]: { multi: true },
    Foo: {},
  });
  const last = lastTx(m);
  m.add([StateHealthcheck]);
  assert(last().isHealth);
  m.add([StateHeartbeat]);
  assert(last().isHealth);
  m.add([StateHeartbeat, "Foo"]);
  assertFalse(last().isHealth);
  m.remove([StateHeartbeat]);
  assertFalse(last().isHealth);
  m.set([StateHealthcheck]);
  assertFalse(last().isHealth);
});

Deno.test("facts: health transitions don't trigger Auto states", () => {
  const m = new Machine({ [StateHealthcheck]: { multi: true }, Auto: { auto: true } });
  m.add([StateHealthcheck]);
  assertFalse(m.is(["Auto"]));
  m.add([StateHealthcheck, StateException]);
  assert(m.is(["Auto"]));
});

Deno.test("facts: the built-in state names", () => {
  assertEquals([StateException, StateHealthcheck, StateHeartbeat], [
    "Exception",
    "Healthcheck",
    "Heartbeat",
  ]);
  assert(new Machine({}).has([StateException]));
});
