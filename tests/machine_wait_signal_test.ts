// Waiting (issue 19 items 1-2), this port's own promise semantics beside
// upstream's When* tests (machine_wait_test.ts): AbortSignal reasons, no
// leaked listeners, dispose rejects, handlers' signals, state contexts.

import { assert, assertEquals, assertFalse, assertRejects, assertStrictEquals } from "@std/assert";
import { type HandlerEvent, Machine, MachineDisposedError, type Schema } from "../machine/mod.ts";
import { newNoRels } from "./helpers.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("wait: an aborted signal rejects with its reason and unlinks the wait", async () => {
  const m = newNoRels();
  const ctrl = new AbortController();
  const waits = [
    m.when1("A", ctrl.signal),
    m.whenNot1("D", ctrl.signal).then(() => "not-d"),
    m.whenArgs("A", { x: 1 }, ctrl.signal),
    m.whenTicks("B", 4, ctrl.signal),
    m.whenQuery(() => false, ctrl.signal),
    m.whenQueue(1000, ctrl.signal),
    m.whenErr(ctrl.signal),
  ];
  const counts = m.subscriptions();
  assertEquals(counts.when, 2);
  assertEquals(counts.whenArgs + counts.whenTime + counts.whenQuery + counts.whenQueue, 4);
  const reason = new Error("cancelled by the caller");
  ctrl.abort(reason);
  // whenNot1("D") resolved at once (D is inactive)
  assertEquals(await waits[1], "not-d");
  for (const i of [0, 2, 3, 4, 5, 6]) {
    const err = await waits[i].then(() => undefined, (e) => e);
    assertStrictEquals(err, reason);
  }
  assertEquals(Object.values(m.subscriptions()).reduce((a, b) => a + b), 0);
  // already aborted: rejects at once, nothing registered
  await assertRejects(() => m.when1("A", ctrl.signal), Error, "cancelled by the caller");
  assertEquals(m.subscriptions().when, 0);
});

Deno.test("wait: settled waits leave no listener behind (10,000 waits on one signal)", async () => {
  const m = newNoRels();
  const ctrl = new AbortController();
  let listeners = 0;
  const add = ctrl.signal.addEventListener.bind(ctrl.signal);
  const remove = ctrl.signal.removeEventListener.bind(ctrl.signal);
  ctrl.signal.addEventListener = ((...a: Parameters<typeof add>) => {
    listeners++;
    add(...a);
  }) as typeof add;
  ctrl.signal.removeEventListener = ((...a: Parameters<typeof remove>) => {
    listeners--;
    remove(...a);
  }) as typeof remove;
  for (let i = 0; i < 10_000; i++) {
    const w = m.whenTicks("A", 1, ctrl.signal);
    m.toggle1("A");
    await w;
  }
  assertEquals(listeners, 0);
  assertEquals(Object.values(m.subscriptions()).reduce((a, b) => a + b), 0);
});

Deno.test("wait: dispose rejects every pending wait and aborts state contexts", async () => {
  const m = newNoRels(["A"]);
  const waits = [
    m.when1("B"),
    m.whenNot1("A"),
    m.whenArgs("C", {}),
    m.whenTime1("D", 9),
    m.whenQuery(() => false),
    m.whenQueue(99),
  ];
  const ctxA = m.newStateCtx("A");
  const ctxB = m.newStateCtx("B");
  m.dispose();
  for (const w of waits) await assertRejects(() => w, MachineDisposedError, "disposed");
  assert(ctxA.aborted && ctxB.aborted);
  assert(ctxA.reason instanceof MachineDisposedError);
  assertEquals(Object.values(m.subscriptions()).reduce((a, b) => a + b), 0);
  // waits not awaited by anyone don't become unhandled rejections
  const m2 = newNoRels();
  m2.when1("A");
  m2.dispose();
  await sleep(5);
});

Deno.test("wait: handlers' e.signal is the state context in FooState, else the transition's", () => {
  const m = newNoRels();
  const signals: Record<string, AbortSignal> = {};
  m.bindHandlers({
    AEnter(e: HandlerEvent) {
      signals.AEnter = e.signal;
      assertFalse(e.signal.aborted, "valid during the transition");
      return true;
    },
    AState(e: HandlerEvent) {
      signals.AState = e.signal;
      // the same signal as newStateCtx within this activation
      assertStrictEquals(e.signal, e.machine.newStateCtx("A"));
    },
  });
  m.add1("A");
  assert(signals.AEnter.aborted, "the transition ended");
  assertFalse(signals.AState.aborted, "A is still active");
  m.add1("B");
  assertFalse(signals.AState.aborted);
  m.remove1("A");
  assert(signals.AState.aborted, "A's activation ended");
});

Deno.test("wait: a Multi state's re-activation ends its state context", () => {
  const m = new Machine({ M: { multi: true } } as Schema);
  m.add1("M");
  const ctx = m.newStateCtx("M");
  m.add1("M");
  assert(ctx.aborted);
});
