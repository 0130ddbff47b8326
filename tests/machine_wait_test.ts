// Waiting and state contexts (issue 19 items 1-2): upstream's When*,
// NewStateCtx tests from pkg/machine/machine_test.go v0.19.1 (name = Go
// name, file:line in a comment). This port's own promise semantics
// (AbortSignal reasons, no leaked listeners, dispose rejects) are in
// machine_wait_signal_test.ts.

import { assert, assertEquals, assertFalse, assertRejects, assertStrictEquals } from "@std/assert";
import { type HandlerEvent, Machine, Result } from "../machine/mod.ts";
import { assertStates, newNoRels, REL_SCHEMA } from "./helpers.ts";

/** "resolved", "rejected" or "pending" once the current tasks ran. */
async function state(p: Promise<unknown>): Promise<"resolved" | "rejected" | "pending"> {
  const pending = Symbol();
  const tick = new Promise((r) => setTimeout(() => r(pending), 0));
  try {
    return (await Promise.race([p, tick])) === pending ? "pending" : "resolved";
  } catch {
    return "rejected";
  }
}

// machine_test.go:1719
Deno.test("TestWhen", async () => {
  const m = newNoRels();
  m.bindHandlers({
    AState(e: HandlerEvent) {
      setTimeout(() => {
        e.machine.add(["B"]);
        setTimeout(() => e.machine.add(["C"]), 10);
      }, 10);
    },
  });
  m.set(["A"]);
  await m.when(["B", "C"]);
  assertStates(m, ["A", "B", "C"]);
});

// machine_test.go:1742
Deno.test("TestWhen2", async () => {
  const m = newNoRels();
  const pass1 = m.when(["A", "B"]);
  const pass2 = m.when(["A", "B"]);
  m.add(["A", "B"]);
  await pass1;
  await pass2;
});

// machine_test.go:1779
Deno.test("TestWhenActive", async () => {
  const m = newNoRels(["A"]);
  await m.when(["A"]);
  assertStates(m, ["A"]);
});

// machine_test.go:1797
Deno.test("TestWhenDups", async () => {
  const m = newNoRels();
  const w1 = m.when(["A"]);
  const w2 = m.when(["A", "B"]);
  const w3 = m.when(["A", "C"]);
  m.set(["A"]);
  assertEquals(await state(w1), "resolved");
  assertEquals(await state(w2), "pending");
  assertEquals(await state(w3), "pending");
  assertEquals(m.subscriptions().when, 2);
  m.dispose();
  assertEquals(m.subscriptions().when, 0);
});

// machine_test.go:1828
Deno.test("TestWhenNot", async () => {
  const m = newNoRels(["B", "C"]);
  m.bindHandlers({
    AState(e: HandlerEvent) {
      setTimeout(() => {
        e.machine.remove1("B");
        setTimeout(() => e.machine.remove1("C"), 10);
      }, 10);
    },
  });
  m.add(["A"]);
  await m.whenNot(["B", "C"]);
  await m.whenNot1("B");
  assertStates(m, ["A"]);
  assertFalse(m.isErr());
});

// machine_test.go:1853
Deno.test("TestWhenNot2", async () => {
  const m = newNoRels(["A", "B"]);
  const pass1 = m.whenNot(["A", "B"]);
  const pass2 = m.whenNot(["A", "B"]);
  m.remove(["A", "B"]);
  await pass1;
  await pass2;
});

// machine_test.go:1891
Deno.test("TestWhenNotActive", async () => {
  const m = newNoRels(["A"]);
  await m.whenNot(["B"]);
  assertStates(m, ["A"]);
});

// machine_test.go:2010
Deno.test("TestStateCtx", async () => {
  const m = newNoRels();
  let stateCtx: AbortSignal | undefined;
  let checked: Promise<void> | undefined;
  m.bindHandlers({
    AState(e: HandlerEvent) {
      stateCtx = e.machine.newStateCtx("A");
      const step = e.args.step as Promise<void>;
      // a "goroutine" checking the context after the next step
      checked = step.then(() => {
        assertStates(e.machine, []);
        assert(stateCtx!.aborted, "state context should be canceled");
      });
      assertFalse(stateCtx.aborted);
    },
  });
  const { promise: step, resolve } = Promise.withResolvers<void>();
  m.add(["A"], { step });
  m.remove(["A"]);
  resolve();
  await checked;
  assertStates(m, []);
});

// machine_test.go:2041
Deno.test("TestStateCtxBasic", () => {
  const m = newNoRels();
  m.add1("A");
  const ctx1 = m.newStateCtx("A");
  assertFalse(ctx1.aborted);
  m.remove1("A");
  assert(ctx1.aborted);
  // an inactive state's context ends when it gets activated
  const ctx2 = m.newStateCtx("B");
  assertFalse(ctx2.aborted);
  m.add1("B");
  assert(ctx2.aborted);
});

// machine_test.go:2214
Deno.test("TestWhenCtx", async () => {
  const m = new Machine({ A: {}, B: {}, C: {}, D: { multi: true } });
  m.set(["A", "B"]);
  const ctrl = new AbortController();
  const signal = ctrl.signal;
  const whenTime = m.whenTime(["A", "B"], [3, 3], signal);
  const whenTicks1 = m.whenTicks("A", 2, signal);
  const whenTicks2 = m.whenTime1("B", 3, signal);
  const whenArgs = m.whenArgs("B", { foo: "bar" }, signal);
  const when = m.when1("C", signal);
  const subs = m.subscriptions();
  assert(subs.whenTime > 0);
  assert(subs.when > 0);
  assert(subs.whenArgs > 0);
  // upstream closes the channels on the next mutation; an AbortSignal
  // rejects at once, with its reason
  ctrl.abort(new Error("step"));
  for (const p of [when, whenArgs, whenTime, whenTicks1, whenTicks2]) {
    await assertRejects(() => p, Error, "step");
  }
  m.add(["D"]);
  assertEquals(m.subscriptions().whenTime, 0);
  assertEquals(m.subscriptions().when, 0);
  assertEquals(m.subscriptions().whenArgs, 0);
  // validation: an Exception, and the wait resolves
  const invalid = m.whenTime(["A", "B"], [1]);
  assert(m.isErr());
  await invalid;
  // passed already
  await m.whenTime(["A"], [1]);
});

// machine_test.go:2280
Deno.test("TestWhenArgs", async () => {
  const m = new Machine(REL_SCHEMA);
  const when = m.whenArgs("B", { foo: "bar" });
  // incorrect args
  m.add1("B", { foo: "foo" });
  assertEquals(await state(when), "pending");
  // correct args
  m.add1("B", { foo: "bar" });
  assertEquals(await state(when), "resolved");
});

// machine_test.go:2313
Deno.test("TestWhenTime", async () => {
  const m = newNoRels(["A", "B"]);
  // (A:1 B:1)
  const when1 = m.whenTime(["A", "B"], [5, 2]);
  m.whenTime(["A", "B"], [7, 2]);
  const when3 = m.whenTime(["A", "B"], [9, 2]);
  // tick some, but not enough
  m.remove(["A", "B"]);
  m.add(["A", "B"]);
  // (A:3 B:3) not yet
  assertEquals(await state(when1), "pending");
  m.remove1("A");
  m.add1("A");
  // (A:5 B:3) OK
  assertEquals(await state(when1), "resolved");
  m.remove1("A");
  m.add1("A");
  m.remove1("A");
  m.add1("A");
  await when3;
});

// machine_test.go:2360
Deno.test("TestChanReuse", () => {
  const m = newNoRels(["A", "B"]);
  assertStrictEquals(m.whenTime(["A", "B"], [5, 2]), m.whenTime(["A", "B"], [5, 2]));
  assertStrictEquals(m.whenArgs("B", { foo: "bar" }), m.whenArgs("B", { foo: "bar" }));
  assertStrictEquals(m.when1("C"), m.when1("C"));
  assertStrictEquals(m.whenNot1("A"), m.whenNot1("A"));
  // another signal is another wait
  const ctrl = new AbortController();
  assert(m.when1("C") !== m.when1("C", ctrl.signal));
  m.dispose();
});

// machine_test.go:2719
Deno.test("TestWhenQueueEnds", async () => {
  const m = newNoRels();
  m.verifyStates(["A", "B", "C", "D", "Exception"]);
  let queueEnds: Promise<void> | undefined;
  m.bindHandlers({
    AState(e: HandlerEvent) {
      assert(e.machine.transition, "Machine should be during a transition");
      queueEnds = e.machine.whenQueueEnds();
      assertEquals(e.machine.subscriptions().whenQueueEnds, 1);
      e.machine.add1("B");
    },
  });
  m.add1("A");
  // the queue wait is settled
  assertEquals(await state(queueEnds!), "resolved");
  assertEquals(m.subscriptions().whenQueueEnds, 0);
  m.remove1("A");
  // not running: at once
  await m.whenQueueEnds();
});

// machine_test.go:2782
Deno.test("TestWhenQueue", async () => {
  const m = newNoRels();
  let done: Promise<void> | undefined;
  m.bindHandlers({
    AState(e: HandlerEvent) {
      const mach = e.machine;
      mach.add1("B");
      mach.add1("C");
      const res = mach.add1("D");
      assert(res >= Result.Queued);
      done = mach.whenQueue(res).then(() => assertStates(mach, ["A", "B", "C", "D"]));
    },
  });
  m.add1("A");
  await done;
});

// machine_test.go:3468
Deno.test("TestWhenQuery", async () => {
  const m = newNoRels(["A"]);
  const when1 = m.whenQuery((c) => c.A > c.B * 4);
  const when2 = m.whenQuery((c) => c.A < c.B);
  m.add1("B"); // 1, 1
  m.remove1("A"); // 2, 1
  m.add1("A"); // 3, 1
  m.remove1("A"); // 4, 1
  assertEquals(await state(when1), "pending");
  assertEquals(await state(when2), "pending");
  m.add1("A"); // 5, 1 = match
  assertEquals(await state(when1), "resolved");
  assertEquals(await state(when2), "pending");
  m.dispose();
});

Deno.test("wait: checks (canAdd) settle no waits", async () => {
  const m = newNoRels();
  const w = m.when1("A");
  assertEquals(m.canAdd1("A"), Result.Executed);
  assertEquals(await state(w), "pending");
  m.add1("A");
  assertEquals(await state(w), "resolved");
});
