// DbgTracer message contents (upstream's dbg.go semantics) for add, remove,
// set, canceled, queued, auto and exception transitions and submachines;
// the bounded outbox; detaching after transport failures.

import { assert, assertEquals, assertMatch } from "@std/assert";
import { LogLevel, Machine } from "../machine/mod.ts";
import {
  type DbgMsgTx,
  DbgTracer,
  msgActiveStates,
  msgCalledStateNames,
  msgMutString,
  msgTxString,
  msgUrl,
  transitionsToDbg,
} from "../dbg/mod.ts";
import { DbgRecorder } from "./helpers.ts";

Deno.test("dbg messages: schema, queued, transition and auto, as upstream", async () => {
  const rec = new DbgRecorder();
  const mach = new Machine({ Foo: {}, Bar: { auto: true, require: ["Foo"] } }, {
    id: "mach1",
    logLevel: LogLevel.Ops,
    tags: ["env:test"],
  });
  const tracer = transitionsToDbg(mach, rec, { stackTraces: false });
  assert(transitionsToDbg(mach, rec) === tracer, "no double binding");
  mach.add1("Foo");
  await tracer.flush();
  const [schema, ...rest] = rec.msgs;
  assertEquals(schema, {
    method: "DbgMsgSchema",
    params: {
      ID: "mach1",
      StatesIndex: ["Bar", "Exception", "Foo"],
      States: { Bar: { Auto: true, Require: ["Foo"] }, Exception: { Multi: true }, Foo: {} },
      Tags: ["env:test"],
    },
  });
  const [queued, autoQueued, tx1, tx2] = rest.map((m) => m.params as DbgMsgTx);
  assertEquals(queued, {
    MachineID: "mach1",
    ID: "-0",
    Clocks: [0, 0, 0],
    Accepted: true,
    IsCheck: false,
    Type: 0,
    CalledStatesIdxs: [2],
    IsAuto: false,
    Queue: 1,
    IsQueued: true,
    QueueTick: 1,
    MutQueueTick: 2,
    MutQueueToken: 0,
  });
  // the auto mutation is queued before the transition that caused it ends
  assertEquals(autoQueued.ID, "-1");
  assertEquals(autoQueued.IsAuto, true);
  assertEquals(autoQueued.MutQueueToken, 1);
  assertEquals(autoQueued.MutQueueTick, 0);
  assertEquals(autoQueued.CalledStatesIdxs, [0]);
  assertEquals(tx1.Clocks, [0, 0, 1]);
  assertEquals(tx1.QueueTick, 2);
  assertEquals(tx1.Queue, 1);
  assertEquals(tx1.Accepted, true);
  assertEquals(tx1.Steps?.[0], {
    Type: 32,
    RelType: 0,
    IsFinal: false,
    IsSelf: false,
    IsEnter: false,
    FromState: "",
    FromStateIdx: -1,
    ToState: "Foo",
    ToStateIdx: 2,
  });
  assertEquals(tx1.PreLogEntries, [
    { Level: 3, Text: `[tracers] bind ${tracer.id}` },
    { Level: 3, Text: "[queue:add] Foo" },
  ]);
  assertEquals(tx1.LogEntries?.map((e) => e.Text), [
    "[add] Foo",
    "[state] +Foo",
    "[auto] Bar",
    "[prepend:add] Bar",
    "[postpone] queue running (1 item)",
  ]);
  assertEquals(tx2.IsAuto, true);
  assertEquals(tx2.MutQueueToken, 1);
  assertEquals(tx2.Clocks, [1, 0, 1]);
  assertEquals(msgActiveStates(tx2, ["Bar", "Exception", "Foo"]), ["Bar", "Foo"]);
  assertEquals(msgUrl(tx2), `mach://mach1/${tx2.ID}`);
  assertEquals(msgMutString(tx1, ["Bar", "Exception", "Foo"]), "+Foo");
  assertMatch(msgTxString(tx1, ["Bar", "Exception", "Foo"]), /\[add\] Foo\n- called \*\*Foo\*\*/);
});

Deno.test("dbg messages: remove, set, canceled, exception; ids of queued messages", async () => {
  const rec = new DbgRecorder();
  const mach = new Machine({ A: {}, B: { require: ["C"] }, C: {} }, { id: "m2" });
  const tracer = transitionsToDbg(mach, rec, { stackTraces: true });
  mach.bindHandlers({
    AState() {
      throw new Error("boom");
    },
  });
  mach.add1("C");
  mach.add1("B"); // ok: C active
  mach.remove1("C"); // removes B too
  mach.set(["B"]); // canceled: C missing
  mach.add1("A"); // throws: Exception prepended
  await tracer.flush();
  const txs = rec.txs();
  const transitions = txs.filter((t) => !t.IsQueued);
  const queued = txs.filter((t) => t.IsQueued);
  assertEquals(transitions.map((t) => [t.Type, t.Accepted]), [
    [0, true],
    [0, true],
    [1, true],
    [2, false],
    [0, false], // add A, canceled by the exception
    [0, true], // add Exception
  ]);
  // a canceled transition's clocks are the time before
  const canceled = transitions[3];
  assertEquals(canceled.Clocks, transitions[2].Clocks);
  // queued ids continue from the last transition
  assertEquals(queued[0].ID, "-0");
  assertEquals(queued[1].ID, `${transitions[0].ID}-0`);
  const excQueued = queued.find((q) => q.CalledStatesIdxs?.[0] === mach.index1("Exception"))!;
  assertEquals(excQueued.ID, `${transitions[3].ID}-1`, "queued during add A, after its own -0");
  assertEquals(excQueued.Args, { err: "boom" });
  assert(excQueued.StackTrace && excQueued.StackTrace.length > 0);
  assert(!excQueued.StackTrace.startsWith("Error"), "the message line is dropped");
  assertEquals(msgCalledStateNames(transitions[5], mach.stateNames()), ["Exception"]);
});

Deno.test("dbg: submachines inherit the tracer", async () => {
  const rec = new DbgRecorder();
  const parent = new Machine({ P: {} }, { id: "parent" });
  const tracer = transitionsToDbg(parent, rec, { stackTraces: false });
  const child = new Machine({ C: {} }, { id: "child", parent });
  child.add1("C");
  await tracer.flush();
  const schemas = rec.msgs.filter((m) => m.method === "DbgMsgSchema").map((m) => m.params);
  assertEquals(schemas.map((s) => [s.ID, (s as { Parent?: string }).Parent]), [
    ["parent", undefined],
    ["child", "parent"],
  ]);
  assertEquals(rec.txs().filter((t) => !t.IsQueued).map((t) => t.MachineID), ["child"]);
});

Deno.test("dbg: bounded outbox drops the oldest; repeated failures detach", async () => {
  const rec = new DbgRecorder();
  const mach = new Machine({ A: {} }, { id: "b" });
  const tracer = new DbgTracer(rec, { maxOutbox: 10, stackTraces: false, maxErrors: 2 });
  mach.bindTracer(tracer);
  for (let i = 0; i < 50; i++) mach.toggle1("A");
  assertEquals(tracer.pending, 10);
  assertEquals(tracer.dropped, 1 + 100 - 10); // schema + 2 per toggle, 10 kept
  await tracer.flush();
  assertEquals(rec.msgs.length, 10);
  rec.fail = true;
  const small = new DbgTracer(rec, { batchSize: 1, stackTraces: false, maxErrors: 2 });
  const m2 = new Machine({ A: {} }, { id: "c", tracers: [small] });
  m2.add1("A");
  await small.flush();
  assert(small.detached);
  assertEquals(small.errors, 3);
  assertEquals(m2.tracers().length, 0);
  m2.remove1("A"); // the machine goes on
  assert(m2.not1("A"));
});

Deno.test("dbg: unknown address forms are a clear error", () => {
  const mach = new Machine({ A: {} });
  let err: Error | undefined;
  try {
    transitionsToDbg(mach, "unix:/tmp/x");
  } catch (e) {
    err = e as Error;
  }
  assertMatch(err!.message, /no transport for unix:\/tmp\/x/);
});

Deno.test("dbg: Duration spans the whole transition (handlers included), on transports with extensions only", async () => {
  class Ext extends DbgRecorder {
    readonly extensions = true;
  }
  const ext = new Ext();
  const plain = new DbgRecorder();
  const slow = (ms: number) => {
    const end = performance.now() + ms;
    while (performance.now() < end) { /* busy: a measurable transition */ }
  };
  for (const rec of [ext, plain]) {
    const tracer = new DbgTracer(rec);
    const mach = new Machine({ Foo: {}, Bar: {} }, { id: "dur", tracers: [tracer] });
    mach.bindHandlers({
      FooEnter: () => {
        slow(5);
        // a check transition inside the running one is not sent
        mach.canAdd(["Bar"]);
        slow(5);
      },
    });
    mach.add(["Foo"]);
    await tracer.flush();
  }
  const done = ext.txs().filter((m) => !m.IsQueued);
  assertEquals(done.length, 1);
  assert((done[0].Duration ?? 0) >= 10, `Duration ${done[0].Duration}`);
  assertEquals(plain.txs().filter((m) => m.Duration !== undefined), []);
});
