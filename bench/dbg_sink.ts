// A dbg collector in its own process, for the rows that send over a real
// socket: the endpoint (JSON-RPC over HTTP) and am-dbg's wire (net/rpc +
// gob over TCP), both into a memory hub. Prints its ports as one JSON line;
// runs until killed.

import { dbgHandler, DbgHub, listenDbgTcp } from "../dbg/mod.ts";

const hub = new DbgHub({ maxTxsPerMachine: 1000 });
const server = Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen() {} },
  dbgHandler(hub, { maxBodyBytes: 64 * 1024 * 1024 }),
);
const tcp = listenDbgTcp(hub, { port: 0 });
console.log(JSON.stringify({
  http: `http://127.0.0.1:${server.addr.port}`,
  tcp: `127.0.0.1:${(tcp.addr as Deno.NetAddr).port}`,
}));
