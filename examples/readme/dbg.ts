import { dbgHandler, DbgHub, HubTransport, Machine, transitionsToDbg } from "../../mod.ts";

const hub = new DbgHub(); // per machine: schema + bounded tx history
const server = Deno.serve({ port: 6833, onListen() {} }, dbgHandler(hub, { token: "s3cret" }));
const mach = new Machine({ Foo: {} }, { id: "mach1" });
const tracer = transitionsToDbg(mach, new HubTransport(hub)); // or "https://collector/", "localhost:6831"
mach.add(["Foo"]);
await tracer.flushed();

const res = await fetch("http://localhost:6833/rpc", {
  method: "POST",
  headers: { authorization: "Bearer s3cret" },
  body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "txs", params: { id: "mach1" } }),
});
console.log((await res.json()).result.txs.length); // 2: the queued mutation and the transition
await server.shutdown();
