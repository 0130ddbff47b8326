// DbgHub paging and bounds; the endpoint: every route's bad inputs, auth,
// size limits, CORS; the live stream with two subscribers and a slow one.

import { assert, assertEquals, assertMatch, assertRejects } from "@std/assert";
import { dbgHandler, DbgHub, DbgHubError, type HubEvent } from "../dbg/mod.ts";

const SCHEMA = { ID: "m1", StatesIndex: ["A", "B", "Exception"], States: { A: {}, B: {} } };
const tx = (id: string, clocks = [1, 0, 0]) => ({
  MachineID: "m1",
  ID: id,
  Clocks: clocks,
  Type: 0,
  Accepted: true,
  CalledStatesIdxs: [0],
});

async function filledHub(n: number, max = 10_000): Promise<DbgHub> {
  const hub = new DbgHub({ maxTxsPerMachine: max });
  await hub.addSchema(SCHEMA);
  for (let i = 1; i <= n; i++) await hub.addTx(tx(`t${i}`));
  return hub;
}

Deno.test("hub: cursor paging both ways, bounded history, since", async () => {
  const hub = await filledHub(25, 10);
  const p1 = await hub.txs("m1", { cursor: 0, limit: 4 });
  // history keeps the newest 10 (cursors 16..25)
  assertEquals([p1.first, p1.last], [16, 25]);
  assertEquals(p1.txs.map((t) => t.cursor), [16, 17, 18, 19]);
  assertEquals(p1.cursor, 19);
  assert(p1.more);
  const p2 = await hub.txs("m1", { cursor: 19 });
  assertEquals(p2.txs.map((t) => t.msg.ID), ["t20", "t21", "t22", "t23", "t24", "t25"]);
  assertEquals(p2.more, false);
  assertEquals((await hub.txs("m1", { cursor: 25 })).txs, []);
  // older: the newest page first, then back, ascending within each page
  const o1 = await hub.txs("m1", { dir: "older", limit: 4 });
  assertEquals(o1.txs.map((t) => t.cursor), [22, 23, 24, 25]);
  assertEquals([o1.cursor, o1.more], [22, true]);
  const o2 = await hub.txs("m1", { dir: "older", cursor: o1.cursor, limit: 4 });
  assertEquals(o2.txs.map((t) => t.cursor), [18, 19, 20, 21]);
  const o3 = await hub.txs("m1", { dir: "older", cursor: o2.cursor, limit: 4 });
  assertEquals([o3.txs.map((t) => t.cursor), o3.more], [[16, 17], false]);
  assert(o3.txs.every((t, i) => i === 0 || t.seq > o3.txs[i - 1].seq), "seq ascending");
  await assertRejects(() => hub.txs("m1", { cursor: 26 }), DbgHubError, "bad cursor");
  await assertRejects(() => hub.txs("m1", { cursor: -1 }), DbgHubError, "bad cursor");
  await assertRejects(() => hub.txs("m1", { dir: "older", cursor: 0 }), DbgHubError, "bad cursor");
  await assertRejects(() => hub.txs("m1", { limit: 0 }), DbgHubError, "bad limit");
  await assertRejects(() => hub.txs("m1", { limit: 1001 }), DbgHubError, "bad limit");
  await assertRejects(() => hub.txs("nope"), DbgHubError, "unknown machine");
  const tail = await hub.since(hub.seq - 2);
  assertEquals(tail.events.map((e) => e.kind === "tx" && e.msg.ID), ["t24", "t25"]);
  assertEquals([tail.seq, tail.more, tail.head], [hub.seq, false, hub.seq]);
  // paging the global log: the schema, then the retained transitions
  const g1 = await hub.since(0, { limit: 3 });
  assertEquals(g1.events.map((e) => e.kind), ["schema", "tx", "tx"]);
  assert(g1.more);
  const g2 = await hub.since(g1.seq, { limit: 1000 });
  assertEquals(g2.events.length, 8);
  assertEquals((await hub.machines())[0].txs, 10);
  assertEquals(await hub.head(), 26);
  assert((await hub.txs("m1")).txs[0].msg.Time instanceof Date, "receive time set");
});

Deno.test("hub: parent/child tree; bad messages leave the hub intact", async () => {
  const hub = await filledHub(2);
  await hub.addSchema({ ID: "child", StatesIndex: [], States: {}, Parent: "m1" });
  assertEquals((await hub.machines()).map((m) => [m.id, m.children]), [["m1", ["child"]], [
    "child",
    [],
  ]]);
  await assertRejects(
    () => hub.addTx({ ...tx("x"), Clocks: "no" }),
    TypeError,
    "Clocks must be a list",
  );
  await assertRejects(
    () => hub.addTx({ ...tx("x"), MachineID: "ghost" }),
    DbgHubError,
    "unknown machine ghost",
  );
  await assertRejects(() => hub.addSchema({ ID: "" }), TypeError, "ID cannot be empty");
  await assertRejects(
    () => hub.addSchema({ ID: "z", States: { A: { Require: [1] } } }),
    TypeError,
    "Require[0]",
  );
  await assertRejects(() => hub.addTx({ ...tx("x"), Type: 3 }), TypeError, "Type must be 0");
  assertEquals((await hub.txs("m1")).txs.length, 2);
  // over maxMachines, the least recently active machine goes
  const tiny = new DbgHub({ maxMachines: 2 });
  await tiny.addSchema(SCHEMA);
  await tiny.addSchema({ ...SCHEMA, ID: "m2" });
  await tiny.addTx(tx("t1")); // m1 is the most recent now
  await tiny.addSchema({ ...SCHEMA, ID: "m3" });
  assertEquals((await tiny.machines()).map((m) => m.id), ["m1", "m3"]);
  assertEquals(tiny.evicted, 1);
});

Deno.test("hub: machines gone, sessions of a reappearing id", async () => {
  const hub = await filledHub(3);
  await hub.addSchema({ ...SCHEMA, ID: "m2" });
  const gone = await hub.markGone({ ID: "m1" });
  assertEquals(gone, { seq: 6, kind: "gone", machineId: "m1" });
  const byId = async (id: string) => (await hub.machines()).find((m) => m.id === id)!;
  let m1 = await byId("m1");
  const m2 = await byId("m2");
  assertEquals([m1.alive, m1.session, m1.lastSeq, m1.txs], [false, 1, 6, 3]);
  assertEquals([m2.alive, m2.session], [true, 1]);
  // a new instance of m1: a new session, the old one's history doesn't interleave
  const again = await hub.addSchema(SCHEMA);
  assertEquals(again.kind === "schema" && again.session, 2);
  await hub.addTx(tx("new1"));
  m1 = await byId("m1");
  assertEquals([m1.alive, m1.session, m1.txs, m1.firstCursor, m1.lastCursor], [true, 2, 1, 4, 4]);
  assertEquals((await hub.txs("m1")).txs.map((t) => t.msg.ID), ["new1"]);
  // the old session left the global log too
  assertEquals((await hub.since(0)).events.map((e) => [e.machineId, e.kind]), [
    ["m2", "schema"],
    ["m1", "schema"],
    ["m1", "tx"],
  ]);
  // a schema that extends the current one is the same instance (a schema change)
  await hub.addSchema({ ...SCHEMA, StatesIndex: [...SCHEMA.StatesIndex, "C"] });
  assertEquals((await byId("m1")).session, 2);
  // one that reorders states is a new instance
  await hub.addSchema({ ...SCHEMA, StatesIndex: ["B", "A", "Exception"] });
  assertEquals((await byId("m1")).session, 3);
  await assertRejects(() => hub.markGone({ ID: "ghost" }), DbgHubError, "unknown machine");
  await assertRejects(() => hub.markGone({}), TypeError, "ID is required");
  // gone machines are evicted first
  const tiny = new DbgHub({ maxMachines: 2 });
  await tiny.addSchema(SCHEMA);
  await tiny.addSchema({ ...SCHEMA, ID: "m2" });
  await tiny.dispose("m2");
  await tiny.addSchema({ ...SCHEMA, ID: "m3" });
  assertEquals((await tiny.machines()).map((m) => m.id), ["m1", "m3"]);
});

Deno.test("hub: every stored message encodes (bigint, deep data); an oversized one is refused", async () => {
  const hub = await filledHub(0);
  let deep: unknown = "bottom";
  for (let i = 0; i < 5000; i++) deep = { d: deep };
  const e = await hub.addTx({
    ...tx("data"),
    Steps: [{ Type: 1, ToState: "A", ToStateIdx: 0, Data: { big: 2n ** 62n, small: 7n, deep } }],
    QueueTick: 2n ** 40n,
  });
  const data = e.kind === "tx" ? e.msg.Steps![0].Data as Record<string, unknown> : {};
  assertEquals([data.big, data.small], ["4611686018427387904", 7]);
  assert(JSON.stringify(data.deep).includes("[depth limit]"));
  // every read path encodes it
  JSON.stringify(await hub.since(0));
  JSON.stringify(await hub.txs("m1"));
  await assertRejects(
    () => hub.addTx({ ...tx("huge"), StackTrace: "x".repeat(600 * 1024) }),
    DbgHubError,
    "over 524288",
  );
  assertEquals((await hub.txs("m1")).txs.map((t) => t.msg.ID), ["data"]);
});

async function rpc(handler: (r: Request) => Promise<Response>, body: unknown, headers = {}) {
  const res = await handler(
    new Request("http://x/rpc", {
      method: "POST",
      body: typeof body === "string" ? body : JSON.stringify(body),
      headers: { "content-type": "application/json", ...headers },
    }),
  );
  return { status: res.status, body: res.status === 204 ? null : await res.json() };
}

Deno.test("endpoint: JSON-RPC ingest, queries, batches and notifications", async () => {
  const hub = new DbgHub();
  const h = dbgHandler(hub);
  let r = await rpc(h, [
    { jsonrpc: "2.0", id: 1, method: "DbgMsgSchema", params: SCHEMA },
    { jsonrpc: "2.0", id: 2, method: "DbgMsgTx", params: tx("t1") },
    { jsonrpc: "2.0", method: "DbgMsgTx", params: [tx("t2")] },
    { jsonrpc: "2.0", id: "q", method: "txs", params: { id: "m1", cursor: 0, limit: 10 } },
  ]);
  assertEquals(r.status, 200);
  assertEquals(r.body.length, 3, "notifications get no response");
  assertEquals(r.body[0], { jsonrpc: "2.0", id: 1, result: "" });
  assertEquals(r.body[2].result.txs.map((t: { msg: { ID: string } }) => t.msg.ID), ["t1", "t2"]);
  r = await rpc(h, { jsonrpc: "2.0", id: 5, method: "machines" });
  assertEquals(r.body.result[0].id, "m1");
  r = await rpc(h, { jsonrpc: "2.0", id: 6, method: "schema", params: { id: "m1" } });
  assertEquals(r.body.result.StatesIndex, ["A", "B", "Exception"]);
  r = await rpc(h, [{ jsonrpc: "2.0", method: "DbgMsgTx", params: tx("t3") }]);
  assertEquals(r.status, 204);
});

Deno.test("endpoint: every bad input gets a clear JSON error; the hub is untouched", async () => {
  const hub = await filledHub(1);
  const h = dbgHandler(hub, { maxBodyBytes: 2048 });
  const cases: [unknown, number, RegExp][] = [
    ["{not json", -32700, /parse error/],
    [[], -32600, /empty batch/],
    [42, -32600, /not an object/],
    [{ id: 1, method: "machines" }, -32600, /jsonrpc 2.0/],
    [{ jsonrpc: "2.0", id: 1, method: "nope" }, -32601, /method not found: nope/],
    [
      { jsonrpc: "2.0", id: 1, method: "DbgMsgTx", params: { ...tx("x"), Type: "add" } },
      -32602,
      /Type must be an integer/,
    ],
    [
      { jsonrpc: "2.0", id: 1, method: "DbgMsgTx", params: { ...tx("x"), MachineID: "ghost" } },
      -32000,
      /unknown machine ghost/,
    ],
    [
      { jsonrpc: "2.0", id: 1, method: "txs", params: { id: "m1", cursor: 99 } },
      -32602,
      /bad cursor 99/,
    ],
    [
      { jsonrpc: "2.0", id: 1, method: "txs", params: { id: "m1", cursor: "x" } },
      -32602,
      /cursor must be an integer/,
    ],
    [{ jsonrpc: "2.0", id: 1, method: "txs", params: { id: 5 } }, -32602, /id must be a string/],
    [
      { jsonrpc: "2.0", id: 1, method: "schema", params: { id: "ghost" } },
      -32000,
      /unknown machine ghost/,
    ],
    [{ jsonrpc: "2.0", id: {}, method: "machines" }, -32600, /invalid request/],
  ];
  for (const [body, code, re] of cases) {
    const r = await rpc(h, body);
    assertEquals(r.status, 200);
    assertEquals(r.body.error.code, code, JSON.stringify(body));
    assertMatch(r.body.error.message, re);
  }
  const big = await rpc(h, {
    jsonrpc: "2.0",
    id: 1,
    method: "DbgMsgTx",
    params: { ...tx("x"), StackTrace: "x".repeat(5000) },
  });
  assertEquals(big.status, 413);
  assertMatch(big.body.error, /over 2048 bytes/);
  const get = await h(new Request("http://x/rpc"));
  assertEquals(get.status, 405);
  await get.body?.cancel();
  const missing = await h(new Request("http://x/nope"));
  assertEquals(missing.status, 404);
  await missing.body?.cancel();
  assertEquals((await hub.txs("m1")).txs.map((t) => t.msg.ID), ["t1"]);
});

Deno.test("endpoint: bearer token on every route; CORS opt-in", async () => {
  const hub = await filledHub(1);
  const h = dbgHandler(hub, { token: "s3cret", cors: "https://app.example" });
  for (const path of ["/rpc", "/events", "/stream"]) {
    const res = await h(
      new Request(`http://x${path}`, {
        method: path === "/rpc" ? "POST" : "GET",
        body: path === "/rpc" ? "{}" : undefined,
      }),
    );
    assertEquals(res.status, 401, path);
    assertEquals(res.headers.get("www-authenticate"), "Bearer");
    await res.body?.cancel();
  }
  const wrong = await rpc(h, { jsonrpc: "2.0", id: 1, method: "machines" }, {
    authorization: "Bearer nope",
  });
  assertEquals(wrong.status, 401);
  const ok = await rpc(h, { jsonrpc: "2.0", id: 1, method: "machines" }, {
    authorization: "Bearer s3cret",
  });
  assertEquals(ok.body.result.length, 1);
  const pre = await h(new Request("http://x/rpc", { method: "OPTIONS" }));
  assertEquals(pre.status, 204);
  assertEquals(pre.headers.get("access-control-allow-origin"), "https://app.example");
  const sse = await h(new Request("http://x/events?token=s3cret"));
  assertEquals(sse.status, 200);
  await sse.body?.cancel();
});

Deno.test("endpoint: SSE with Last-Event-ID resume and machine filter", async () => {
  const hub = await filledHub(3);
  await hub.addSchema({ ID: "other", StatesIndex: [], States: {} });
  const h = dbgHandler(hub);
  const res = await h(
    new Request("http://x/events?machines=m1", { headers: { "last-event-id": "2" } }),
  );
  assertEquals(res.headers.get("content-type"), "text/event-stream");
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  await hub.addTx(tx("t4"));
  while (!text.includes('"t4"')) text += (await reader.read()).value ?? "";
  await reader.cancel();
  await new Promise((r) => setTimeout(r, 0));
  const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
  // seq 1 = schema, 2..4 = t1..t3: resume after 2 gives t2, t3, then live t4
  assertEquals(ids, [3, 4, 6]);
  assert(!text.includes('"other"'));
  assertEquals(hub.subscribers, 0, "cancel unsubscribes");
});

Deno.test("endpoint: WebSocket stream, two subscribers and a slow SSE one cut off", async () => {
  const hub = await filledHub(0);
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    dbgHandler(hub, { maxQueuedEvents: 50 }),
  );
  const url = `ws://127.0.0.1:${server.addr.port}/stream?machines=m1`;
  const clients = [new WebSocket(url), new WebSocket(url)];
  const got: HubEvent[][] = [[], []];
  await Promise.all(clients.map((ws, i) =>
    new Promise<void>((resolve) => {
      ws.onopen = () => resolve();
      ws.onmessage = (e) => {
        const frame = JSON.parse(e.data);
        if (frame.kind) got[i].push(frame); // not hello
      };
    })
  ));
  // a slow SSE subscriber that never reads
  const slow = await fetch(`http://127.0.0.1:${server.addr.port}/events`);
  await new Promise((r) => setTimeout(r, 50));
  assertEquals(hub.subscribers, 3);
  for (let i = 1; i <= 300; i++) await hub.addTx(tx(`t${i}`));
  const deadline = Date.now() + 5000;
  while ((got[0].length < 300 || got[1].length < 300) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  assertEquals(got[0].length, 300);
  assertEquals(got[1].map((e) => e.kind === "tx" && e.msg.ID).slice(-1), ["t300"]);
  // the stalled reader was cut off: only the two sockets remain subscribed
  assertEquals(hub.subscribers, 2);
  await slow.body?.cancel();
  await Promise.all(clients.map((ws) =>
    new Promise<void>((resolve) => {
      ws.onclose = () => resolve();
      ws.close();
    })
  ));
  await server.shutdown();
});
