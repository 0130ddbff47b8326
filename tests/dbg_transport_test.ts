// HttpDbgTransport's failure paths against a scripted loopback endpoint:
// 5xx and network errors are retried, client errors and rejected messages
// are not.

import { assertEquals, assertMatch, assertRejects } from "@std/assert";
import { type DbgMsgSchema, HttpDbgTransport } from "../dbg/mod.ts";

const SCHEMA = { method: "DbgMsgSchema" as const, params: { ID: "m" } as DbgMsgSchema };

/** An endpoint answering each request with the next scripted status and body. */
function scripted(replies: [number, string][]) {
  const hits: { auth: string | null; body: unknown }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    hits.push({ auth: req.headers.get("authorization"), body: await req.json() });
    const [status, body] = replies[Math.min(hits.length, replies.length) - 1];
    return new Response(body, { status });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, hits, close: () => server.shutdown() };
}

const OK = JSON.stringify([{ jsonrpc: "2.0", id: 1, result: true }]);

Deno.test("dbg transport: 5xx is retried until the endpoint takes the batch", async () => {
  const ep = scripted([[500, "down"], [503, "busy"], [200, OK]]);
  const t = new HttpDbgTransport(ep.url, { token: "tok", backoffMs: 1 });
  await t.send([SCHEMA]);
  assertEquals(ep.hits.length, 3);
  assertEquals(ep.hits[2].auth, "Bearer tok");
  assertEquals((ep.hits[2].body as { method: string }[])[0].method, "DbgMsgSchema");
  await ep.close();
});

Deno.test("dbg transport: gives up after bounded retries with the last status", async () => {
  const ep = scripted([[500, "down"]]);
  const t = new HttpDbgTransport(ep.url, { retries: 2, backoffMs: 1 });
  const err = await assertRejects(() => t.send([SCHEMA]));
  assertMatch((err as Error).message, /dbg endpoint .*\/rpc: 500/);
  assertEquals(ep.hits.length, 3);
  await ep.close();
});

Deno.test("dbg transport: client errors and rejected messages are not retried", async () => {
  const bad = scripted([[401, "unauthorized"]]);
  const err = await assertRejects(() =>
    new HttpDbgTransport(bad.url, { backoffMs: 1 }).send([SCHEMA])
  );
  assertMatch((err as Error).message, /401 unauthorized/);
  assertEquals(bad.hits.length, 1);
  await bad.close();

  const rejected = scripted([[
    200,
    JSON.stringify([{ jsonrpc: "2.0", id: 1, error: { code: -32602, message: "bad schema" } }]),
  ]]);
  const err2 = await assertRejects(() =>
    new HttpDbgTransport(rejected.url, { backoffMs: 1 }).send([SCHEMA])
  );
  assertMatch((err2 as Error).message, /bad schema/);
  assertEquals(rejected.hits.length, 1);
  await rejected.close();
});

Deno.test("dbg transport: an unreachable endpoint rejects after its retries", async () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const t = new HttpDbgTransport(`http://127.0.0.1:${port}`, { retries: 1, backoffMs: 1 });
  await assertRejects(() => t.send([SCHEMA]));
});
