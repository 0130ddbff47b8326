// HttpDbgTransport's retries don't ingest twice: a batch whose first attempt
// landed but whose answer was lost is resent with the same Idempotency-Key,
// and the endpoint answers it from the first attempt.

import { assertEquals } from "@std/assert";
import { dbgHandler, DbgHub, HttpDbgTransport } from "../dbg/mod.ts";

Deno.test("dbg transport: a retried batch whose first attempt landed is ingested once", async () => {
  const hub = new DbgHub();
  const endpoint = dbgHandler(hub);
  const keys: (string | null)[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    keys.push(req.headers.get("idempotency-key"));
    const res = await endpoint(req);
    // the first answer is lost on the way back (a proxy's 502, a timeout)
    if (keys.length === 1) {
      await res.body?.cancel();
      return new Response("bad gateway", { status: 502 });
    }
    return res;
  });
  try {
    const t = new HttpDbgTransport(`http://127.0.0.1:${server.addr.port}`, { backoffMs: 1 });
    await t.send([
      { method: "DbgMsgSchema", params: { ID: "m1", StatesIndex: ["A"], States: { A: {} } } },
      {
        method: "DbgMsgTx",
        params: { MachineID: "m1", ID: "t1", Clocks: [1], Type: 0, Accepted: true },
      },
    ]);
    assertEquals(keys.length, 2);
    assertEquals(keys[0], keys[1]);
    const [m] = await hub.machines();
    assertEquals([m.txs, m.session, await hub.head()], [1, 1, 2]);
  } finally {
    await server.shutdown();
  }
});
