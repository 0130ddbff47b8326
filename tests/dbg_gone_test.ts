// Machine lifecycle: a disposed machine is reported gone over JSON
// transports (in-process hub, HTTP endpoint), never on am-dbg's gob wire;
// the hub marks it gone, and the same id with a new schema is a new session.

import { assert, assertEquals } from "@std/assert";
import { Machine } from "../machine/mod.ts";
import {
  dbgHandler,
  DbgHub,
  type DbgMessage,
  DbgTracer,
  type DbgTransport,
  HttpDbgTransport,
  HubTransport,
} from "../dbg/mod.ts";

Deno.test("dbg gone: a disposed machine is gone in the hub; its id again is a new session", async () => {
  const hub = new DbgHub();
  const tracer = new DbgTracer(new HubTransport(hub));
  const mach = new Machine({ A: {} }, { id: "life", tracers: [tracer] });
  mach.add1("A");
  await mach.dispose();
  await tracer.flush();
  let [info] = await hub.machines();
  assertEquals([info.id, info.alive, info.session], ["life", false, 1]);
  const last = (await hub.since(0)).events.at(-1)!;
  assertEquals([last.kind, last.machineId], ["gone", "life"]);
  // a new instance under the same id
  const again = new Machine({ A: {} }, { id: "life", tracers: [tracer] });
  again.add1("A");
  await tracer.flush();
  [info] = await hub.machines();
  assertEquals([info.alive, info.session], [true, 2]);
  assert((await hub.txs("life")).txs.every((t) => t.seq > last.seq), "only the new session's");
  await again.dispose();
});

Deno.test("dbg gone: over HTTP as DbgMsgGone; gob transports never get it", async () => {
  const hub = new DbgHub();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, dbgHandler(hub));
  try {
    const tracer = new DbgTracer(new HttpDbgTransport(`http://127.0.0.1:${server.addr.port}`));
    const mach = new Machine({ A: {} }, { id: "remote", tracers: [tracer] });
    mach.add1("A");
    await mach.dispose();
    await tracer.flush();
    assertEquals(tracer.errors, 0, tracer.lastError?.message);
    assertEquals((await hub.machines())[0].alive, false);
  } finally {
    await server.shutdown();
  }
  // a transport without the JSON extensions (am-dbg's wire) sees schema and tx messages only
  const seen: DbgMessage[] = [];
  const gobLike: DbgTransport = {
    address: "localhost:6831",
    send: (batch) => {
      seen.push(...batch);
      return Promise.resolve();
    },
  };
  const tracer = new DbgTracer(gobLike);
  const mach = new Machine({ A: {} }, { id: "go-side", tracers: [tracer] });
  mach.add1("A");
  await mach.dispose();
  await tracer.flush();
  assert(seen.length > 0);
  assert(seen.every((m) => m.method !== "DbgMsgGone"));
});
