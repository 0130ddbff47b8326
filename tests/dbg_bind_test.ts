// transitionsToDbg uses its arguments only: the environment never overrides
// an explicit option or address; it fills in the address when none is given,
// and machTelemetryEnv applies AM_DBG_TRACE / AM_DBG_NO_TRACE.

import { assert, assertEquals } from "@std/assert";
import { Machine } from "../machine/mod.ts";
import { type DbgTransport, HttpDbgTransport, transitionsToDbg } from "../dbg/mod.ts";
import { machTelemetryEnv, readTelemetryConfig } from "../env.ts";
import { DbgRecorder, withEnv } from "./helpers.ts";

/** A machine queueing one mutation from a handler (queued messages carry the stack). */
function queueingMachine(id: string): Machine {
  const mach = new Machine({ A: {}, B: {} }, { id });
  mach.bindHandlers({
    AState() {
      mach.add1("B");
    },
  });
  return mach;
}

Deno.test("transitionsToDbg: AM_DBG_NO_TRACE doesn't override an explicit stackTraces: true", async () => {
  await withEnv({ AM_DBG_NO_TRACE: "1" }, async () => {
    const rec = new DbgRecorder();
    const mach = queueingMachine("bind1");
    await using tracer = transitionsToDbg(mach, rec, { stackTraces: true });
    mach.add1("A");
    await tracer.flush();
    const queued = rec.txs().filter((tx) => tx.IsQueued);
    assert(queued.length > 0, "a queued mutation was reported");
    assert(queued.every((tx) => (tx.StackTrace ?? "").length > 0), "each carries its stack");
  });
});

Deno.test("transitionsToDbg: AM_DBG_TRACE doesn't turn on what the caller left off", async () => {
  await withEnv({ AM_DBG_TRACE: "1" }, async () => {
    const rec = new DbgRecorder();
    const mach = queueingMachine("bind2");
    await using tracer = transitionsToDbg(mach, rec);
    mach.add1("A");
    await tracer.flush();
    const queued = rec.txs().filter((tx) => tx.IsQueued);
    assert(queued.length > 0);
    assert(queued.every((tx) => !tx.StackTrace), "no stack traces unless asked for");
  });
});

Deno.test("transitionsToDbg: the address from AM_DBG_ADDR only when none is given", async () => {
  await withEnv({ AM_DBG_ADDR: "http://127.0.0.1:9/" }, async () => {
    const fromEnv = new Machine({ A: {} }, { id: "bind3" });
    await using t1 = transitionsToDbg(fromEnv);
    assert(t1.transport instanceof HttpDbgTransport);
    assertEquals(t1.transport.address, "http://127.0.0.1:9/rpc");

    const explicit = new Machine({ A: {} }, { id: "bind4" });
    await using t2 = transitionsToDbg(explicit, "http://127.0.0.1:10/");
    assertEquals(t2.transport.address, "http://127.0.0.1:10/rpc");
  });
});

Deno.test("machTelemetryEnv: AM_DBG_TRACE / AM_DBG_NO_TRACE reach the dbg tracer", async () => {
  for (
    const [vars, want] of [[{ AM_DBG_TRACE: "1" }, true], [
      { AM_DBG_NO_TRACE: "1" },
      false,
    ]] as const
  ) {
    const rec = new DbgRecorder();
    const mach = queueingMachine("bind5");
    // a config read from a given env source: the process env stays untouched
    const config = readTelemetryConfig((name) =>
      ({ AM_DBG_ADDR: "http://127.0.0.1:9/", ...vars } as Record<string, string>)[name]
    );
    await using telemetry = machTelemetryEnv(mach, config);
    const tracer = telemetry.bindings[0] as ReturnType<typeof transitionsToDbg>;
    // swap the HTTP transport's send for the recorder: no network needed
    (tracer.transport as { send: DbgTransport["send"] }).send = (b) => rec.send(b);
    mach.add1("A");
    await tracer.flush();
    const queued = rec.txs().filter((tx) => tx.IsQueued);
    assert(queued.length > 0);
    assertEquals(queued.every((tx) => !!tx.StackTrace), want, JSON.stringify(vars));
  }
});
