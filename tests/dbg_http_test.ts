// The endpoint's body limit is one wrapper (withBodyLimit): every route
// that takes a body (/rpc, /mcp, /import) answers too large and too slow
// bodies the same way, and the route itself never sees such a body.

import { assert, assertEquals } from "@std/assert";
import { DbgHub } from "../dbg/hub.ts";
import { dbgHandler } from "../dbg/handler.ts";
import { dbgUiRoutes } from "../dbg/ui/routes.ts";
import { type DbgContext, type DbgRoute, withBodyLimit } from "../dbg/http.ts";
import { dbgRpcRoute } from "../dbg/http_rpc.ts";

const ctxOf = (url: URL): DbgContext => ({ url, canRead: true, canIngest: true, headers: {} });

/** A body that sends one byte, then nothing. */
const stalled = (): ReadableStream<Uint8Array> =>
  new ReadableStream({
    start(c) {
      c.enqueue(new Uint8Array([0x7b]));
    },
  });

/** A body that never ends, 1 KiB a read. */
const endless = (): ReadableStream<Uint8Array> =>
  new ReadableStream({
    pull(c) {
      c.enqueue(new Uint8Array(1024));
    },
  });

/** The three body-taking routes, each with a 2 KiB, 200 ms limit. */
function bodyRoutes(): Record<string, DbgRoute> {
  const hub = new DbgHub();
  const h = dbgHandler(hub, { maxBodyBytes: 2048, bodyTimeoutMs: 200 });
  const viaHandler: DbgRoute = (req) => h(req);
  const ui = dbgUiRoutes(hub, { maxImportBytes: 2048, importTimeoutMs: 200 });
  return { "/rpc": viaHandler, "/mcp": viaHandler, "/import": ui["/import"] };
}

async function post(
  route: DbgRoute,
  path: string,
  body: BodyInit,
): Promise<{ status: number; headers: Headers; json: { error?: string } }> {
  const url = new URL(`http://x${path}`);
  const res = await route(new Request(url, { method: "POST", body }), ctxOf(url));
  return { status: res.status, headers: res.headers, json: await res.json() };
}

Deno.test("http: every body-taking route answers a too large body 413, the same way", async () => {
  for (const [path, route] of Object.entries(bodyRoutes())) {
    for (const body of [new Uint8Array(4096), endless()]) {
      const r = await post(route, path, body);
      assertEquals(r.status, 413, path);
      assertEquals(r.json.error, "request body over 2048 bytes", path);
    }
  }
});

Deno.test("http: every body-taking route cuts a stalled sender off with 408 and closes", async () => {
  for (const [path, route] of Object.entries(bodyRoutes())) {
    const r = await post(route, path, stalled());
    assertEquals(r.status, 408, path);
    assertEquals(r.headers.get("connection"), "close", path);
    assertEquals(r.json.error, "request body not received within 200 ms", path);
  }
});

Deno.test("http: withBodyLimit hands the route the whole body, and only within the limit", async () => {
  const seen: number[] = [];
  const route = withBodyLimit({ maxBytes: 3000, timeoutMs: 1000 }, (_req, ctx, body) => {
    seen.push(body.length);
    return new Response(String(body.reduce((a, b) => a + b, 0)), { headers: ctx.headers });
  });
  const url = new URL("http://x/");
  const chunks = new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < 3; i++) c.enqueue(new Uint8Array(1000).fill(1));
      c.close();
    },
  });
  const ok = await route(new Request(url, { method: "POST", body: chunks }), ctxOf(url));
  assertEquals(await ok.text(), "3000");
  // declared too large: refused before reading
  const declared = new Request(url, {
    method: "POST",
    body: "x".repeat(3001),
    headers: { "content-length": "3001" },
  });
  assertEquals((await route(declared, ctxOf(url))).status, 413);
  assertEquals(
    (await route(new Request(url, { method: "POST", body: endless() }), ctxOf(url)))
      .status,
    413,
  );
  assertEquals(
    (await route(new Request(url, { method: "POST", body: stalled() }), ctxOf(url)))
      .status,
    408,
  );
  // no body: an empty one
  assertEquals(await (await route(new Request(url), ctxOf(url))).text(), "0");
  assertEquals(seen, [3000, 0], "the route ran only for bodies within the limit");
});

Deno.test("http: /rpc is its own route: POST only, JSON-RPC errors for a body that isn't JSON", async () => {
  const route = dbgRpcRoute(new DbgHub(), { body: { maxBytes: 1024, timeoutMs: 1000 } });
  const url = new URL("http://x/rpc");
  const get = await route(new Request(url), ctxOf(url));
  assertEquals([get.status, get.headers.get("allow")], [405, "POST"]);
  await get.body?.cancel();
  const bad = await route(new Request(url, { method: "POST", body: "{" }), ctxOf(url));
  assertEquals(bad.status, 200);
  assertEquals((await bad.json()).error.code, -32700);
  const head = await route(
    new Request(url, { method: "POST", body: '{"jsonrpc":"2.0","id":1,"method":"head"}' }),
    ctxOf(url),
  );
  assertEquals((await head.json()).result, { seq: 0 });
  const note = await route(
    new Request(url, { method: "POST", body: '{"jsonrpc":"2.0","method":"head"}' }),
    ctxOf(url),
  );
  assertEquals(note.status, 204);
  // a retry with the same Idempotency-Key ingests once
  const hub = new DbgHub();
  const ingest = dbgRpcRoute(hub, { body: { maxBytes: 4096, timeoutMs: 1000 } });
  const schema = JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "DbgMsgSchema",
    params: { ID: "m1", StatesIndex: ["A"], States: { A: {} } },
  });
  for (let i = 0; i < 2; i++) {
    const r = await ingest(
      new Request(url, { method: "POST", body: schema, headers: { "idempotency-key": "k" } }),
      ctxOf(url),
    );
    assert((await r.json()).result === "");
  }
  assertEquals(await hub.head(), 1);
});
