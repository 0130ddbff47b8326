import {
  dbgHandler,
  DbgHub,
  HubTransport,
  Machine,
  transitionsToDbg,
} from "@asyncmachine/telemetry";

const hub = new DbgHub(); // per machine: schema + bounded tx history
await using server = Deno.serve({ port: 0, onListen() {} }, dbgHandler(hub, { token: "s3cret" }));
const mach = new Machine({ Foo: {} }, { id: "mach1" });
// or an address: "https://collector/", am-dbg's "localhost:6831"
await using dbg = transitionsToDbg(mach, new HubTransport(hub));
mach.add(["Foo"]);
await dbg.flush();

const res = await fetch(`http://localhost:${server.addr.port}/rpc`, {
  method: "POST",
  headers: { authorization: "Bearer s3cret" },
  body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "txs", params: { id: "mach1" } }),
});
console.log((await res.json()).result.txs.length); // 2: the queued mutation and the transition
