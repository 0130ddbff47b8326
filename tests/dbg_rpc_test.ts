// net/rpc + gob between our client and our server, over TCP and over the
// endpoint's /dbg.ws: what a TypeScript machine sends arrives in the hub.

import { assert, assertEquals, assertRejects } from "@std/assert";
import { LogLevel, Machine } from "../machine/mod.ts";
import { dbgHandler, DbgHub, GobRpcTransport, listenDbgTcp, transitionsToDbg } from "../dbg/mod.ts";
import { DbgMsgTxType } from "../dbg/wire_types.ts";
import { NetRpcClient } from "../dbg/rpc_client.ts";
import { tcpByteConn } from "../dbg/byte_conn.ts";

function machine(id: string): Machine {
  return new Machine(
    { Start: {}, Ready: { auto: true, require: ["Start"] }, Msg: { multi: true } },
    {
      id,
      logLevel: LogLevel.Ops,
    },
  );
}

Deno.test("net/rpc over TCP: transitionsToDbg(mach, host:port) fills a hub", async () => {
  const hub = new DbgHub();
  const listener = listenDbgTcp(hub, { port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const mach = machine("tcp-mach");
  const tracer = transitionsToDbg(mach, `127.0.0.1:${port}`, { stackTraces: false });
  assert(tracer.transport instanceof GobRpcTransport);
  mach.add1("Start");
  mach.add1("Msg", { n: 1 });
  await tracer.flush();
  assertEquals(tracer.errors, 0, tracer.lastError?.message);
  const page = await hub.txs("tcp-mach");
  const txs = page.txs.map((t) => t.msg).filter((t) => !t.IsQueued);
  assertEquals(txs.length, 3); // Start, auto Ready, Msg
  assertEquals((await hub.schema("tcp-mach"))?.StatesIndex, mach.stateNames());
  assertEquals(txs[0].LogEntries?.[0].Text, "[add] Start");
  await (tracer.transport as GobRpcTransport).close();
  listener.close();
});

Deno.test("net/rpc over WebSocket: the endpoint's /dbg.ws accepts am-dbg's wire", async () => {
  const hub = new DbgHub();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    dbgHandler(hub),
  );
  const mach = machine("ws-mach");
  const transport = new GobRpcTransport(`ws://127.0.0.1:${server.addr.port}/dbg.ws`);
  const tracer = transitionsToDbg(mach, transport, { stackTraces: false });
  mach.add1("Start");
  await tracer.flush();
  assertEquals(tracer.errors, 0, tracer.lastError?.message);
  assertEquals((await hub.txs("ws-mach")).txs.filter((t) => !t.msg.IsQueued).length, 2);
  await transport.close();
  await server.shutdown();
});

Deno.test("net/rpc: server errors come back as the call's error; bad streams end the connection", async () => {
  const hub = new DbgHub();
  const listener = listenDbgTcp(hub, { port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const client = new NetRpcClient(tcpByteConn(await Deno.connect({ port })));
  await assertRejects(
    () =>
      client.call("RPCServer.DbgMsgTx", DbgMsgTxType, { MachineID: "ghost", ID: "t", Clocks: [1] }),
    Error,
    "unknown machine ghost",
  );
  client.close();
  // garbage: the server closes that connection, the listener goes on
  const raw = await Deno.connect({ port });
  await raw.write(new Uint8Array([0x05, 0xff, 0x00, 0x01, 0x02, 0x03]));
  const buf = new Uint8Array(16);
  assertEquals(await raw.read(buf), null);
  raw.close();
  const ok = new NetRpcClient(tcpByteConn(await Deno.connect({ port })));
  await assertRejects(
    () => ok.call("RPCServer.Nope", DbgMsgTxType, { MachineID: "m" }),
    Error,
    "can't find method",
  );
  ok.close();
  listener.close();
});
