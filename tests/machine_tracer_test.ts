// Tracer hook order for add/remove/set, canceled, queued, auto and exception
// transitions (upstream's hook timing, am-core.md §3), tracer isolation,
// submachines and dispose.

import { assert, assertEquals, assertFalse, assertThrows } from "@std/assert";
import { LogLevel, Machine, Result } from "../mod.ts";
import type { Api, Transition } from "../machine/mod.ts";
import { assertStates, hookRecorder } from "./helpers.ts";

Deno.test("hooks: add with an Auto dependant (upstream's §3 sequence)", () => {
  const rec = hookRecorder();
  const m = new Machine({ Foo: {}, Bar: { auto: true, require: ["Foo"] } }, {
    id: "m",
    tracers: [rec],
  });
  m.bindHandlers({ FooEnter: () => true, FooState: () => {}, BarState: () => {} }, { id: "h" });
  rec.calls.length = 0;
  assertEquals(m.add1("Foo"), Result.Executed);
  assertEquals(rec.calls, [
    "mutationQueued Foo tick=2 token=0",
    "transitionInit [add] Foo",
    "transitionStart [add] Foo",
    "handlerStart h FooEnter",
    "handlerEnd h FooEnter",
    "transitionFinals [add] Foo",
    "handlerStart h FooState",
    "handlerEnd h FooState",
    "mutationQueued Bar tick=0 token=1 auto",
    "transitionEnd [add] Foo ok",
    "transitionInit [add] Bar",
    "transitionStart [add] Bar",
    "transitionFinals [add] Bar",
    "handlerStart h BarState",
    "handlerEnd h BarState",
    "transitionEnd [add] Bar ok",
    "queueEnd",
  ]);
  assertStates(m, ["Foo", "Bar"]);
});

Deno.test("hooks: remove and set", () => {
  const rec = hookRecorder();
  const m = new Machine({ A: {}, B: {} }, { tracers: [rec] });
  m.add(["A"]);
  rec.calls.length = 0;
  m.remove(["A"]);
  m.set(["B"]);
  assertEquals(rec.calls, [
    "mutationQueued A tick=3 token=0",
    "transitionInit [remove] A",
    "transitionStart [remove] A",
    "transitionFinals [remove] A",
    "transitionEnd [remove] A ok",
    "queueEnd",
    "mutationQueued B tick=4 token=0",
    "transitionInit [set] B",
    "transitionStart [set] B",
    "transitionFinals [set] B",
    "transitionEnd [set] B ok",
    "queueEnd",
  ]);
});

Deno.test("hooks: canceled by a handler and by Require get no finals", () => {
  const rec = hookRecorder();
  const m = new Machine({ A: {}, B: { require: ["C"] }, C: {} }, { tracers: [rec] });
  m.bindHandlers({ AEnter: () => false }, { id: "h" });
  rec.calls.length = 0;
  assertEquals(m.add1("A"), Result.Canceled);
  assertEquals(m.add1("B"), Result.Canceled);
  assertEquals(rec.calls, [
    "mutationQueued A tick=2 token=0",
    "transitionInit [add] A",
    "transitionStart [add] A",
    "handlerStart h AEnter",
    "handlerEnd h AEnter",
    "transitionEnd [add] A canceled",
    "queueEnd",
    "mutationQueued B tick=3 token=0",
    "transitionInit [add] B",
    "transitionStart [add] B",
    "transitionEnd [add] B canceled",
    "queueEnd",
  ]);
  // canceled transitions end with TimeAfter == TimeBefore
  let tx: Transition | undefined;
  m.bindTracer({ id: "last", transitionEnd: (t) => tx = t });
  m.add1("B");
  assertEquals(tx!.timeAfter, tx!.timeBefore);
  assertFalse(tx!.accepted);
});

Deno.test("hooks: mutations from handlers are queued and run after, FIFO", () => {
  const rec = hookRecorder();
  const m = new Machine({ A: {}, B: {}, C: {} }, { tracers: [rec] });
  const results: Result[] = [];
  m.bindHandlers({
    AState(e: { machine: Api }) {
      results.push(e.machine.add1("B"), e.machine.add1("C"));
      // an identical mutation already queued is skipped
      results.push(e.machine.add1("B"));
    },
  }, { id: "h" });
  rec.calls.length = 0;
  m.add1("A");
  assertEquals(results, [3, 4, Result.Executed]);
  assertEquals(rec.calls, [
    "mutationQueued A tick=2 token=0",
    "transitionInit [add] A",
    "transitionStart [add] A",
    "transitionFinals [add] A",
    "handlerStart h AState",
    "mutationQueued B tick=3 token=0",
    "mutationQueued C tick=4 token=0",
    "handlerEnd h AState",
    "transitionEnd [add] A ok",
    "transitionInit [add] B",
    "transitionStart [add] B",
    "transitionFinals [add] B",
    "transitionEnd [add] B ok",
    "transitionInit [add] C",
    "transitionStart [add] C",
    "transitionFinals [add] C",
    "transitionEnd [add] C ok",
    "queueEnd",
  ]);
  assertEquals(m.queueTick(), 4);
});

Deno.test("hooks: a throwing final handler becomes Exception with err in args", () => {
  const rec = hookRecorder();
  const m = new Machine({ Foo: {} }, { tracers: [rec] });
  let args: Record<string, unknown> = {};
  m.bindHandlers({
    FooState() {
      throw new Error("boom");
    },
    ExceptionState(e: { args: Record<string, unknown> }) {
      args = e.args;
    },
  }, { id: "h" });
  rec.calls.length = 0;
  assertEquals(m.add1("Foo"), Result.Canceled);
  assertEquals(rec.calls, [
    "mutationQueued Foo tick=2 token=0",
    "transitionInit [add] Foo",
    "transitionStart [add] Foo",
    "transitionFinals [add] Foo",
    "handlerStart h FooState",
    "mutationQueued Exception tick=0 token=1",
    "handlerEnd h FooState",
    "transitionEnd [add] Foo canceled",
    "transitionInit [add] Exception",
    "transitionStart [add] Exception",
    "transitionFinals [add] Exception",
    "handlerStart h ExceptionState",
    "handlerEnd h ExceptionState",
    "transitionEnd [add] Exception ok",
    "queueEnd",
  ]);
  // the final phase is recovered: Foo's State handler failed, so Foo is off
  assertStates(m, ["Exception"]);
  assertEquals(m.tick("Foo"), 2);
  assert(args.err instanceof Error);
  assertEquals((args.err as Error).message, "boom");
  assertEquals(m.err()?.message, "boom");
});

Deno.test("hooks: a throwing negotiation handler cancels; Exception is Multi", () => {
  const m = new Machine({ Foo: {} });
  m.bindHandlers({
    FooEnter() {
      throw "not an Error";
    },
  });
  assertEquals(m.add1("Foo"), Result.Canceled);
  assertStates(m, ["Exception"]);
  assertEquals(m.err()?.message, "not an Error");
  assertEquals(m.tick("Exception"), 1);
  m.addErr(new Error("again"));
  assertEquals(m.tick("Exception"), 3);
  assertEquals(m.err()?.message, "again");
});

Deno.test("tracers: a throwing tracer is isolated and counted", () => {
  const m = new Machine({ A: {} });
  m.bindTracer({
    id: "bad",
    transitionInit() {
      throw new Error("tracer bug");
    },
    transitionEnd() {
      throw new Error("tracer bug");
    },
  });
  assertEquals(m.add1("A"), Result.Executed);
  assert(m.is1("A"));
  assertEquals(m.tracerErrors, 2);
});

Deno.test("tracers: bindTracer calls machineInit; ids are unique; detach", () => {
  const m = new Machine({ A: {} });
  const rec = hookRecorder("r");
  m.bindTracer(rec);
  m.bindTracer(rec); // same tracer: no-op
  assertEquals(rec.calls, [`machineInit ${m.id}`]);
  assertThrows(() => m.bindTracer({ id: "r" }), Error, "already bound");
  assertThrows(() => m.bindTracer({ id: "" }), TypeError);
  assert(m.detachTracer("r"));
  assertFalse(m.detachTracer("r"));
  m.add1("A");
  assertEquals(rec.calls.length, 1);
});

Deno.test("submachines: parentId, newSubmachine, inheritable tracers", () => {
  const inherited = { ...hookRecorder("otel"), inheritable: true };
  const local = hookRecorder("local");
  const parent = new Machine({ P: {} }, { id: "parent", tracers: [inherited, local] });
  inherited.calls.length = 0;
  local.calls.length = 0;
  const own = hookRecorder("own");
  const child = new Machine({ C: {} }, {
    id: "child",
    parent,
    tags: ["a:b", "a:b", "c"],
    tracers: [own],
  });
  assertEquals(child.parentId, "parent");
  assertEquals(child.tags, ["a:b", "c"]);
  assertEquals(inherited.calls, ["newSubmachine parent child", "machineInit child"]);
  assertEquals(local.calls, ["newSubmachine parent child"]);
  assertEquals(own.calls, ["machineInit child"]);
  assertEquals(child.tracers().map((t) => t.id), ["own", "otel"]);
  child.add1("C");
  assert(inherited.calls.includes("transitionEnd [add] C ok"));
  assertFalse(local.calls.includes("transitionEnd [add] C ok"));
});

Deno.test("dispose: machineDispose once, whenDisposed, later mutations are Canceled", async () => {
  const rec = hookRecorder();
  const m = new Machine({ Start: {}, A: {} }, { id: "d", tracers: [rec] });
  m.add(["Start", "A"]);
  let disposedId = "";
  m.onDispose((id) => disposedId = id);
  rec.calls.length = 0;
  m.dispose();
  m.dispose();
  await m.whenDisposed;
  assertEquals(disposedId, "d");
  assert(m.isDisposed);
  // Start was removed on the way
  assertEquals(rec.calls.filter((c) => c.startsWith("machineDispose")), ["machineDispose d"]);
  assert(rec.calls.includes("transitionEnd [remove] Start ok"));
  // upstream's TestDisposedNoOp: no throw, no hook
  const calls = rec.calls.length;
  assertEquals(m.add1("A"), Result.Canceled);
  assertEquals(rec.calls.length, calls);
});

Deno.test("dispose: from a handler waits for the running transition", async () => {
  const rec = hookRecorder();
  const m = new Machine({ A: {}, B: {} }, { tracers: [rec] });
  m.bindHandlers({
    AState(e: { machine: Api }) {
      e.machine.add1("B"); // queued, dropped by the disposal
      e.machine.dispose();
    },
  });
  m.add1("A");
  await m.whenDisposed;
  const tail = rec.calls.slice(-2);
  assertEquals(tail, ["transitionEnd [add] A ok", `machineDispose ${m.id}`]);
});

Deno.test("unknown states throw a clear error and leave the machine usable", () => {
  const rec = hookRecorder();
  // untyped use (Machine<string>): unknown names get past the compiler
  const m: Machine = new Machine({ A: {} }, { id: "strict", tracers: [rec] });
  rec.calls.length = 0;
  const before = m.time();
  assertThrows(() => m.add(["A", "Nope"]), Error, "state Nope is not defined");
  assertThrows(() => m.remove1("Nope"), Error, "machine strict");
  assertThrows(() => m.set(["Nope"]), Error, "Nope");
  assertThrows(() => m.not(["Nope"]), Error, "Nope");
  assertFalse(m.is(["Nope"]));
  assertEquals(m.time(), before);
  assertEquals(m.queueLen(), 0);
  assertEquals(rec.calls, []);
  assertEquals(m.add1("A"), Result.Executed);
});

Deno.test("log: upstream's line formats in logEntries and preLogEntries", () => {
  const m = new Machine({ Foo: { require: ["Bar"] }, Bar: {}, Baz: { auto: true } }, {
    id: "mach1",
    logLevel: LogLevel.Ops,
    logArgs: ["key"],
  });
  const txs: Transition[] = [];
  m.bindTracer({ id: "t", transitionEnd: (tx) => txs.push(tx) });
  m.bindHandlers({ BarEnter: () => true }, { id: "h" });
  m.add1("Foo");
  m.add1("Bar", { key: "v" });
  m.log("hello\nworld");
  m.remove1("Bar");
  const text = (es: readonly { text: string }[]) => es.map((e) => e.text);
  assertEquals(text(txs[0].preLogEntries), [
    "[mach1] [tracers] bind t",
    "[mach1] [handlers] bind 0:h",
    "[mach1] [queue:add] Foo",
  ]);
  assertEquals(text(txs[0].logEntries), [
    "[mach1] [add] Foo",
    "[mach1] [reject] Foo(-Bar)",
    "[mach1] [cancel:reject] Foo",
  ]);
  assertEquals(text(txs[1].logEntries), [
    "[mach1] [add] Bar (key=v)",
    "[mach1] [handler:0] BarEnter",
    "[mach1] [state] +Bar (key=v)",
    "[mach1] [auto] Baz",
    "[mach1] [prepend:add] Baz",
    "[mach1] [postpone] queue running (1 item)",
  ]);
  // [add:auto] is LogDecisions, above this machine's level
  assertEquals(text(txs[2].logEntries), ["[mach1] [auto_] +Baz"]);
  assertEquals(text(txs[3].preLogEntries), [
    "[mach1] [exter] hello world",
    "[mach1] [queue:remove] Bar",
  ]);
  assertEquals(text(txs[3].logEntries), ["[mach1] [remove] Bar", "[mach1] [state] -Bar"]);
});

Deno.test("queue: limit cancels, but lets Exception in once", () => {
  const m = new Machine({ A: {}, B: {} }, { queueLimit: 1 });
  const res: Result[] = [];
  m.bindHandlers({
    AState(e: { machine: Api }) {
      res.push(e.machine.add1("B"), e.machine.remove1("A"));
      res.push(e.machine.addErr(new Error("x")));
    },
  });
  m.add1("A");
  assertEquals(res, [3, Result.Canceled, Result.Canceled]);
});

Deno.test("verifyStates and setSchema fire their hooks; groups", () => {
  const rec = hookRecorder();
  const m = new Machine({ A: {}, B: {} }, { tracers: [rec] });
  m.add1("B");
  rec.calls.length = 0;
  m.verifyStates(["B", "A", "Exception"]);
  assertEquals(m.stateNames(), ["B", "A", "Exception"]);
  assertEquals(m.time(), [1, 0, 0]);
  m.setSchema({ ...m.schema(), C: { require: ["B"] } });
  assertEquals(rec.calls, [
    "verifyStates B,A,Exception",
    "verifyStates B,A,Exception,C",
    "schemaChange 3",
  ]);
  assertThrows(() => m.setSchema({ A: {} }), Error, "too short");
  assertThrows(() => m.verifyStates(["A"]), Error, "missing");
  m.setGroups({ self: ["A", "C"] });
  assertEquals(m.groups(), { groups: { self: [1, 3] }, order: ["self"] });
});

Deno.test("evAdd sets the mutation source from the handler event", () => {
  const m1 = new Machine({ A: {} }, { id: "m1" });
  const m2 = new Machine({ X: {} }, { id: "m2" });
  let src: unknown;
  m2.bindTracer({ id: "t", mutationQueued: (_m, mut) => src = mut.source });
  let txId = "";
  m1.bindHandlers({
    AState(e: Parameters<Machine["evAdd"]>[0]) {
      txId = e.transitionId;
      m2.evAdd1(e, "X");
    },
  });
  m1.add1("A");
  assertEquals(src, { machId: "m1", txId, machTime: 0 });
  assert(m2.is1("X"));
});
