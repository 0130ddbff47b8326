// Upstream's conformance cases (pkg/machine/machine_test.go), with
// upstream's expected values. One long file on purpose: the cases read
// side by side with upstream's file, in its order.

import { assert, assertEquals, assertFalse } from "@std/assert";
import { Machine, Result } from "../mod.ts";
import { timeAfter, timeSum } from "../machine/mod.ts";
import { assertOrder, assertStates, captureLog, newNoRels, trackTransitions } from "./helpers.ts";

// machine_test.go:280
Deno.test("TestSingleToSingleStateTransition", () => {
  const m = newNoRels(["A", "B"]);
  const h = trackTransitions(m);
  m.set(["C"]);
  assertStates(m, ["C"]);
  assertOrder(h, ["AExit", "BExit", "CEnter", "AC", "BC", "CState"]);
  for (const n of Object.values(h.counter)) assertEquals(n, 1);
});

// machine_test.go:311
Deno.test("TestSingleToMultiStateTransition", () => {
  const m = newNoRels(["A"]);
  const h = trackTransitions(m);
  m.set(["B", "C"]);
  assertStates(m, ["B", "C"]);
  assertOrder(h, ["AExit", "BEnter", "CEnter", "AB", "AC", "BState", "CState"]);
});

// machine_test.go:338
Deno.test("TestMultiToMultiStateTransition", () => {
  const m = newNoRels(["A", "B"]);
  const h = trackTransitions(m);
  m.set(["D", "C"]);
  assertStates(m, ["D", "C"]);
  assertOrder(h, ["AExit", "BExit", "DEnter", "CEnter", "AD", "AC", "BD", "BC", "CState"]);
});

// machine_test.go:365
Deno.test("TestMultiToSingleStateTransition: exact handler order", () => {
  const m = newNoRels(["A", "B"]);
  const h = trackTransitions(m);
  m.set(["C"]);
  assertStates(m, ["C"]);
  assertEquals(h.order, [
    "AExit",
    "BExit",
    "CEnter",
    "AC",
    "BC",
    "AnyEnter",
    "AEnd",
    "BEnd",
    "CState",
    "AnyState",
  ]);
});

// machine_test.go:393
Deno.test("TestTransitionToActiveState", () => {
  const m = newNoRels(["A", "B"]);
  const h = trackTransitions(m);
  m.set(["A"]);
  assertStates(m, ["A"]);
  assertEquals(h.counter["AExit"], undefined);
});

// machine_test.go:417
Deno.test("TestAfterRelationWhenEntering", () => {
  const m = newNoRels(["A", "B"], { C: { after: ["D"] }, A: { after: ["B"] } });
  const h = trackTransitions(m);
  m.set(["C", "D"]);
  assertStates(m, ["C", "D"]);
  assertOrder(h, ["DEnter", "CEnter", "AD", "AC"]);
  for (const n of Object.values(h.counter)) assertEquals(n, 1);
});

// machine_test.go:447
Deno.test("TestAfterRelationWhenExiting", () => {
  const m = newNoRels(["A", "B"], { C: { after: ["D"] }, A: { after: ["B"] } });
  const h = trackTransitions(m);
  m.set(["C", "D"]);
  // upstream's BExit AExit; its state-state order (AD AC BD BC) follows the
  // active order [A B], which there comes from setting A B before the test
  // mutates the schema. Here A{After B} exists from the start, so the
  // active order is [B A] and state-state handlers follow it.
  assertOrder(h, ["BExit", "AExit", "BD", "BC", "AD", "AC"]);
  assertEquals(m.activeStates(), ["D", "C"]);
});

// machine_test.go:477
Deno.test("TestRequireOrder", () => {
  const m = new Machine({
    A: { auto: true, require: ["B", "C"] },
    B: { auto: true, require: ["D"] },
    C: { auto: true },
    D: { auto: true },
    Start: {},
  });
  const order: string[] = [];
  const rec = (name: string) => () => void order.push(name);
  m.bindHandlers({
    AState: rec("AState"),
    BState: rec("BState"),
    CState: rec("CState"),
    DState: rec("DState"),
    AnyState: rec("AnyState"),
  });
  m.add1("Start");
  assertOrder({ order, counter: {} }, ["DState", "BState", "AState"]);
  assertOrder({ order, counter: {} }, ["CState", "AState"]);
  assertStates(m, ["A", "B", "C", "D", "Start"]);
  // global handlers run for the auto transition too
  assertEquals(order.filter((n) => n === "AnyState").length, 2);
  assertEquals(order.filter((n) => n === "DState").length, 1);
});

// machine_test.go:540
Deno.test("TestRemoveRelation", () => {
  const m = newNoRels(["D"], { C: { remove: ["D"] } });
  m.add(["C"]);
  assertStates(m, ["C"]);
});

// machine_test.go:558
Deno.test("TestRemoveRelationSimultaneous", () => {
  const m = newNoRels(["D"], { C: { remove: ["D"] } });
  const log = captureLog(m);
  assertEquals(m.set(["C", "D"]), Result.Canceled);
  assert(log.some((l) => l.includes("[rel:remove] D by C")), log.join("\n"));
  assertStates(m, ["D"]);
});

// machine_test.go:585
Deno.test("TestRemoveRelationCrossBlocking", async (t) => {
  const schema = { C: { remove: ["D"] }, D: { remove: ["C"] } };
  await t.step("set deactivates the old one, both ways", () => {
    const m = newNoRels(["D"], schema);
    m.set(["C"]);
    assertStates(m, ["C"]);
    m.set(["D"]);
    assertStates(m, ["D"]);
  });
  await t.step("add deactivates the old one, both ways", () => {
    const m = newNoRels(["D"], schema);
    m.add(["C"]);
    assertStates(m, ["C"]);
    m.add(["D"]);
    assertStates(m, ["D"]);
  });
});

// machine_test.go:645
Deno.test("TestAddRelation", () => {
  const m = newNoRels(undefined, { A: { remove: ["D"] }, C: { add: ["D"] } });
  m.set(["C"]);
  assertStates(m, ["C", "D"]);
  m.set(["A", "C"]);
  assertStates(m, ["A", "C"], "D is skipped when blocked at the same time");
});

// machine_test.go:669
Deno.test("TestRequireRelation", () => {
  const m = newNoRels(["A"], { C: { require: ["D"] } });
  m.set(["C", "D"]);
  assertStates(m, ["C", "D"]);
});

// machine_test.go:690
Deno.test("TestRequireRelationWhenRequiredIsntActive", () => {
  const m = newNoRels(["A"], { C: { require: ["D"] } });
  const log = captureLog(m);
  m.set(["C", "A"]);
  assertStates(m, ["A"]);
  assert(log.some((l) => l.includes("[reject] C(-D)")), log.join("\n"));
});

// machine_test.go:716
Deno.test("TestRemoveMultiImplied", () => {
  const m = newNoRels(["A", "B", "C"], {
    A: { multi: true, add: ["B"], require: ["C"] },
    B: { require: ["C"] },
  });
  m.remove1("B");
  assertStates(m, ["A", "C"]);
});

// machine_test.go:751
Deno.test("TestQueue: nested add returns its queue tick", () => {
  const m = newNoRels(["A"]);
  const h = trackTransitions(m);
  let nested: Result | undefined;
  m.bindHandlers({
    BEnter(e: { machine: Machine }) {
      nested = e.machine.add(["C"]);
      return true;
    },
  });
  m.set(["B"]);
  // the 3rd mutation, counting from 2
  assertEquals(nested, 4);
  assertStates(m, ["C", "B"]);
  assertEquals(h.counter["AnyEnter"], 2);
});

// machine_test.go:791
Deno.test("TestNegotiationCancel", async (t) => {
  for (
    const [name, fn, re] of [
      ["set", (m: Machine) => m.set(["D"]), /\[cancel\] \(D\) by DEnter/],
      ["add", (m: Machine) => m.add(["D"]), /\[cancel\] \(D A\) by DEnter/],
    ] as const
  ) {
    await t.step(name, () => {
      const m = newNoRels(["A"]);
      m.bindHandlers({ DEnter: () => false });
      const log = captureLog(m);
      assertEquals(fn(m), Result.Canceled);
      assertStates(m, ["A"]);
      assert(log.some((l) => re.test(l)), log.join("\n"));
    });
  }
});

// machine_test.go:852
Deno.test("TestAutoStates", () => {
  const m = newNoRels(undefined, { B: { auto: true, require: ["A"] } });
  const log = captureLog(m);
  assertEquals(m.add(["A"]), Result.Executed);
  assertStates(m, ["A", "B"]);
  assert(log.some((l) => l.includes("[auto] B")));
});

// machine_test.go:884
Deno.test("TestPartialAutoStates", () => {
  const m = newNoRels(undefined, {
    A: { auto: true },
    B: { auto: true, after: ["A"], require: ["C"] },
  });
  const log = captureLog(m);
  assertEquals(m.add(["D"]), Result.Executed);
  assertStates(m, ["A", "D"]);
  assert(log.some((l) => l.includes("[auto_] +A")), log.join("\n"));
});

// machine_test.go:916
Deno.test("TestPartialAutoStatesByStateState", () => {
  const m = new Machine({ A: { auto: true }, B: { auto: true }, C: {} });
  let bState = false;
  m.bindHandlers({ CB: () => false, BState: () => void (bState = true) });
  m.add1("C");
  assertStates(m, ["C", "A"]);
  assertFalse(bState);
});

// machine_test.go:952
Deno.test("TestPartialAutoStatesByEnter", () => {
  const m = new Machine({ A: { auto: true }, B: { auto: true, add: ["D"] }, C: {}, D: {} });
  m.bindHandlers({ BEnter: () => false, BState: () => {} });
  m.add1("C");
  assertStates(m, ["C", "A"]);
});

// machine_test.go:992
Deno.test("TestPartialAutoStatesBySelfHandler", () => {
  const m = new Machine({ A: { auto: true }, B: { auto: true }, C: {} });
  m.bindHandlers({ CC: () => false, BState: () => {} });
  m.add1("C");
  assertStates(m, ["C"], "the auto tx is canceled by CC");
});

// machine_test.go:1040
Deno.test("TestNegotiationRemove", () => {
  const m = newNoRels(["A"]);
  m.bindHandlers({ AExit: () => false });
  const log = captureLog(m);
  assertEquals(m.remove(["A"]), Result.Canceled);
  assertStates(m, ["A"]);
  assert(log.some((l) => /\[cancel\] \(\) by AExit/.test(l)), log.join("\n"));
});

// machine_test.go:1109
Deno.test("TestHandlerStateInfo: tx string", () => {
  const m = newNoRels(["A"]);
  let str = "";
  let txId = "";
  m.bindHandlers({
    AExit: () => true,
    DEnter(e: { transition: { toString(): string; id: string } }) {
      str = e.transition.toString();
      txId = e.transition.id;
      return true;
    },
  });
  m.set(["D"]);
  assertEquals(
    str,
    `tx#${txId}\n[set] D\n- called **D**\n- activate **D**\n- deactivate **A**\n- handler **A**Exit`,
  );
});

// machine_test.go:1461
Deno.test("TestHandlerStateState", () => {
  const m = newNoRels(["A"]);
  let ab = false;
  let ba = false;
  m.bindHandlers({ AB: () => (ab = true), BA: () => (ba = true) });
  m.add1("B");
  assert(ab);
  assertFalse(ba);
});

// machine_test.go:1498
Deno.test("TestHandlerNegotiationStateState", () => {
  const m = newNoRels(["A"]);
  m.bindHandlers({ AB: () => false, BA: () => true });
  assertEquals(m.add1("B"), Result.Canceled);
});

// machine_test.go:1571
Deno.test("TestSelfHandlersCancellable", () => {
  const m = newNoRels(["A"]);
  const h = trackTransitions(m);
  let aa = 0;
  m.bindHandlers({
    AA: () => {
      aa++;
      return false;
    },
  });
  m.set(["A", "B"]);
  assertEquals(aa, 1);
  assertEquals(h.counter["AA"], 1);
  assertStates(m, ["A"]);
});

// machine_test.go:1601
Deno.test("TestSelfHandlersOrder", () => {
  const m = newNoRels(["A"]);
  const h = trackTransitions(m);
  m.set(["A", "B"]);
  assertEquals(h.order, ["BEnter", "AA", "AB", "AnyEnter", "BState", "AnyState"]);
});

// machine_test.go:1635
Deno.test("TestSelfHandlersForAllNoChangeStates", () => {
  const m = newNoRels(["A"]);
  const h = trackTransitions(m);
  m.add(["B"]);
  m.add(["A"]);
  assertEquals(h.counter["AA"], 2);
  assertEquals(h.counter["BB"], 1);
});

// machine_test.go:1662
Deno.test("TestRegressionRemoveCrossBlockedByImplied", () => {
  const m = new Machine({ A: { remove: ["B"] }, B: { remove: ["A"] }, Z: { add: ["B"] } });
  m.set(["Z"]);
  assertStates(m, ["Z", "B"]);
});

// machine_test.go:1684
Deno.test("TestRegressionImpliedBlockByBeingRemoved", () => {
  const m = new Machine({
    Wet: { require: ["Water"] },
    Dry: { remove: ["Wet"] },
    Water: { add: ["Wet"], remove: ["Dry"] },
  });
  m.set(["Dry"]);
  m.set(["Water"]);
  assertStates(m, ["Water", "Wet"]);
});

/** Upstream's clock sequence of TestTime and TestClock. */
function clockSteps(m: Machine): void {
  const abcd = ["A", "B", "C", "D"];
  const steps: [() => void, string[], number[]][] = [
    [() => m.add(["A", "B"]), ["A", "B"], [1, 1, 0, 0]],
    [() => m.add(["A", "B"]), ["A", "B"], [1, 3, 0, 0]],
    [() => m.add(["A", "B", "C"]), ["A", "B", "C"], [1, 5, 1, 0]],
    [() => m.set(["D"]), ["D"], [2, 6, 2, 1]],
    [() => m.add(["D", "C"]), ["D", "C"], [2, 6, 3, 1]],
    [() => m.remove(["B", "C"]), ["D"], [2, 6, 4, 1]],
    [() => m.add(["A", "B"]), ["D", "A", "B"], [3, 7, 4, 1]],
  ];
  for (const [fn, states, time] of steps) {
    fn();
    assertStates(m, states);
    assertEquals(m.time(abcd), time);
  }
}

// machine_test.go:2156
Deno.test("TestTime", () => {
  const m = newNoRels(undefined, { B: { multi: true } });
  clockSteps(m);
  const order = ["A", "B", "C", "D"];
  const before = m.time(order);
  m.add(["C"]);
  const now = m.time(order);
  assertStates(m, ["A", "B", "D", "C"]);
  assertEquals(now, [3, 7, 5, 1]);
  assert(timeAfter(now, before, true));
  assertFalse(timeAfter(before, now, true));
  assertEquals(timeSum(m.time()), 16);
});

// machine_test.go:2576
Deno.test("TestClock", () => {
  const m = newNoRels(undefined, { B: { multi: true } });
  m.verifyStates(["A", "B", "C", "D", "Exception"]);
  clockSteps(m);
  assertEquals(m.clock(), { A: 3, B: 7, C: 4, D: 1, Exception: 0 });
  assertEquals(m.clock(["A", "B"]), { A: 3, B: 7 });
  assertEquals(m.tick("A"), 3);
});

// machine_test.go:2488
Deno.test("TestSetStates: setSchema", () => {
  const m = newNoRels(["A", "C"]);
  const s = m.schema();
  s.A = { multi: true };
  s.B = { remove: ["C"] };
  s.D = { add: ["E"] };
  s.E = {};
  const ver = m.stateNames().length;
  m.setSchema(s);
  assert(m.stateNames().length !== ver);
  m.set(["A", "B", "D"]);
  assertStates(m, ["A", "B", "D", "E"]);
});

// machine_test.go:2524
Deno.test("TestIs", () => {
  const m = newNoRels(["A", "B"]);
  assert(m.is(["A", "B"]), "A B should be active");
  assertFalse(m.is(["A", "B", "C"]), "A B C shouldnt be active");
});

// machine_test.go:2540
Deno.test("TestNot", () => {
  const m = newNoRels(["A", "B"]);
  assertFalse(m.not(["A", "B"]), "A B should be active");
  assertFalse(m.not(["A", "B", "C"]), "A B C is partially active");
  assert(m.not1("D"), "D is inactive");
});

// machine_test.go:2557
Deno.test("TestAny", () => {
  const m = newNoRels(["A", "B"]);
  assert(m.any(["A", "B"], ["C"]), "A B should be active");
  assert(m.any(["A", "B", "C"], ["A"]), "A B C is partially active");
  assert(m.any1("A", "B"), "A B is fully active");
  assertFalse(m.any(["C"]), "C should not be active");
  assertFalse(m.any1("C"), "C should not be active");
});

// machine_test.go:3243
Deno.test("TestToggle", () => {
  const m = newNoRels(["A"]);
  m.toggle1("A");
  assertStates(m, []);
  m.toggle(["A", "B"]);
  assertStates(m, ["A", "B"]);
  m.toggle(["A", "B"]);
  assertStates(m, []);
});

// machine_test.go:2849
Deno.test("TestString", () => {
  const m = newNoRels(["A", "B"]);
  m.verifyStates(["A", "B", "C", "D", "Exception"]);
  assertEquals(m.toString(), "(A:1 B:1)");
  assertEquals(m.stringAll(), "(A:1 B:1) [C:0 D:0 Exception:0]");
});
