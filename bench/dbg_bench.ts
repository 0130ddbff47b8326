// The dbg tracer's own cost vs the core (bursts of 100 pairs per task; messages
// built and dropped: nothing serialised or sent, see the summary for delivered rows), and
// the endpoint's ingest of JSON-RPC batches on loopback.

import { benchMachine } from "./fixtures.ts";
import { burstLoop, dbgMachine, endpoint, rpcBatch, txMessages } from "./dbg_fixtures.ts";

const bare = benchMachine();
const traced = dbgMachine("dbg-bench-1");

Deno.bench("core: 1000 pairs in bursts of 100", { group: "dbg", baseline: true }, async () => {
  await burstLoop(bare, 1000, 100);
});

Deno.bench("core + dbg tracer: 1000 pairs in bursts of 100", { group: "dbg" }, async () => {
  await burstLoop(traced.mach, 1000, 100, traced.tracer);
});

const { schema, txs } = await txMessages(1000);
const ep = endpoint();
await fetch(ep.url + "/rpc", {
  method: "POST",
  body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "DbgMsgSchema", params: schema }),
}).then((r) => r.body?.cancel());
const body = rpcBatch(txs);

Deno.bench("endpoint ingest: 1000 tx messages in one batch", { group: "ingest" }, async () => {
  const res = await fetch(ep.url + "/rpc", { method: "POST", body });
  await res.body?.cancel();
  if (res.status !== 204) throw new Error(`ingest failed: ${res.status}`);
});

globalThis.addEventListener("unload", () => void ep.server.shutdown());
