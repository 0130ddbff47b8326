// The gob transport for am-dbg's host:port is built into transitionsToDbg,
// not registered as a side effect of importing the net/rpc module: this file
// imports the binder alone.

import { assert } from "@std/assert";
import { Machine } from "../machine/mod.ts";
import { transitionsToDbg } from "../dbg/bind.ts";

Deno.test("dbg: host:port resolves to the gob transport without importing the net/rpc modules", async () => {
  const mach = new Machine({ A: {} }, { id: "reg" });
  const tracer = transitionsToDbg(mach, "127.0.0.1:1", { stackTraces: false });
  assert(
    tracer.transport.constructor.name === "GobRpcTransport",
    tracer.transport.constructor.name,
  );
  await tracer.transport.close?.();
  mach.dispose();
});
