// Hostile input against the hub and the endpoint (issue 15, hub parts):
// a stored message that can't be encoded, history bounded by bytes (memory
// and KV), stalled SSE readers bounded by bytes, batch amplification, a body
// that never finishes.

import { assert, assertEquals } from "@std/assert";
import { dbgHandler, DbgHub, type HubEvent } from "../dbg/mod.ts";

const SCHEMA = { ID: "m1", StatesIndex: ["A", "B"], States: { A: {}, B: {} } };
const tx = (id: string, extra: Record<string, unknown> = {}, m = "m1") => ({
  MachineID: m,
  ID: id,
  Clocks: [1, 0],
  Type: 0,
  Accepted: true,
  ...extra,
});
const MiB = 1024 * 1024;

async function rpc(h: (r: Request) => Promise<Response>, body: unknown) {
  const res = await h(
    new Request("http://x/rpc", {
      method: "POST",
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
  return { status: res.status, text: await res.text() };
}

function serve(h: (r: Request) => Promise<Response>): { url: string; close(): Promise<void> } {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, h);
  return { url: `127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
}

Deno.test("limits: deeply nested data (~40 KB body) and a 2^62 bigint are stored encodable; replays and pages work", async () => {
  const hub = new DbgHub();
  const h = dbgHandler(hub);
  await rpc(h, { jsonrpc: "2.0", id: 1, method: "DbgMsgSchema", params: SCHEMA });
  const deep = "[".repeat(20_000) + "]".repeat(20_000);
  const body =
    `{"jsonrpc":"2.0","id":2,"method":"DbgMsgTx","params":{"MachineID":"m1","ID":"deep","Clocks":[1,0],"Accepted":true,"Steps":[{"Type":1,"ToState":"A","Data":${deep}}]}}`;
  assertEquals(JSON.parse((await rpc(h, body)).text).result, "");
  // what the gob listener decodes from an int64 over 2^53
  await hub.addTx(tx("big", { Steps: [{ Type: 1, ToState: "A", Data: { n: 2n ** 62n } }] }));
  const page = await rpc(h, { jsonrpc: "2.0", id: 3, method: "txs", params: { id: "m1" } });
  assertEquals(page.status, 200);
  const txs = JSON.parse(page.text).result.txs;
  assertEquals(txs[1].msg.Steps[0].Data, { n: "4611686018427387904" });
  assert(JSON.stringify(txs[0].msg.Steps[0].Data).includes("[depth limit]"));
  // the page's first request: a replay from 0, over WebSocket and SSE
  const s = serve(h);
  try {
    const ws = new WebSocket(`ws://${s.url}/stream?since=0`);
    const frames: { kind?: string }[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.onmessage = (e) => {
        frames.push(JSON.parse(e.data));
        if (frames.length === 4) resolve();
      };
      ws.onclose = () => reject(new Error("closed"));
    });
    assertEquals(frames.map((f) => f.kind), [undefined, "schema", "tx", "tx"]);
    ws.onclose = null;
    await new Promise<void>((resolve) => {
      ws.onclose = () => resolve();
      ws.close();
    });
    const sse = await fetch(`http://${s.url}/events?since=0`);
    const reader = sse.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes('"big"')) text += (await reader.read()).value ?? "";
    await reader.cancel();
    assert(text.includes("[depth limit]"));
  } finally {
    await s.close();
  }
});

Deno.test("limits: history is bounded in bytes per machine and in all; drops are counted", async () => {
  const hub = new DbgHub({
    maxMessageBytes: 2 * MiB,
    maxBytesPerMachine: 8 * MiB,
    maxBytes: 16 * MiB,
  });
  const mb = "x".repeat(MiB);
  for (const m of ["m1", "m2", "m3"]) await hub.addSchema({ ...SCHEMA, ID: m });
  for (let i = 0; i < 30; i++) await hub.addTx(tx(`t${i}`, { StackTrace: mb }));
  let s = hub.stats;
  assert(s.bytes <= 8 * MiB + MiB, `one machine: ${s.bytes} bytes`);
  assert(s.dropped >= 22, `dropped ${s.dropped}`);
  for (const m of ["m2", "m3"]) {
    for (let i = 0; i < 10; i++) await hub.addTx(tx(`t${i}`, { StackTrace: mb }, m));
  }
  s = hub.stats;
  assert(s.bytes <= 16 * MiB, `in all: ${s.bytes} bytes`);
  // the globally oldest went first: m1's
  const [m1] = (await hub.machines()).filter((m) => m.id === "m1");
  assert(m1.txs < 8, `m1 keeps ${m1.txs}`);
});

Deno.test("limits: the KV hub is bounded in bytes too", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const hub = new DbgHub({ kv, maxBytesPerMachine: 200_000, maxBytes: 300_000 });
    const big = "x".repeat(20_000);
    for (const m of ["m1", "m2"]) await hub.addSchema({ ...SCHEMA, ID: m });
    for (let i = 0; i < 40; i++) await hub.addTx(tx(`t${i}`, { StackTrace: big }));
    const m1 = (await hub.machines()).find((m) => m.id === "m1")!;
    assert(m1.txs <= 10, `m1 keeps ${m1.txs}`);
    for (let i = 0; i < 20; i++) await hub.addTx(tx(`t${i}`, { StackTrace: big }, "m2"));
    assert(hub.stats.bytes <= 300_000 + 21_000, `in all: ${hub.stats.bytes}`);
    assert(hub.stats.dropped >= 30);
  } finally {
    kv.close();
  }
});

Deno.test("limits: stalled SSE readers are cut off by bytes, not after 10,000 events", async () => {
  const hub = new DbgHub({ maxMessageBytes: MiB });
  await hub.addSchema(SCHEMA);
  const s = serve(dbgHandler(hub, { maxBufferedBytes: 4 * MiB }));
  try {
    // four readers that never read
    const stalled = await Promise.all(
      Array.from({ length: 4 }, () => fetch(`http://${s.url}/events`)),
    );
    await new Promise((r) => setTimeout(r, 100));
    assertEquals(hub.subscribers, 4);
    const payload = "y".repeat(100_000);
    for (let i = 0; i < 300 && hub.subscribers > 0; i++) {
      await hub.addTx(tx(`t${i}`, { StackTrace: payload }));
      if (i % 10 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    // 300 × 100 KB = 30 MB offered: each was cut at its 4 MiB budget (plus socket buffers)
    assertEquals(hub.subscribers, 0);
    for (const r of stalled) await r.body?.cancel();
  } finally {
    await s.close();
  }
});

Deno.test("limits: a batch of 1,000 machines calls over 1,000 machines stays within the response budget", async () => {
  const hub = new DbgHub({ maxMachines: 2000 });
  for (let i = 0; i < 1000; i++) {
    await hub.addSchema({ ...SCHEMA, ID: `machine-${i}`, Parent: i ? `machine-${i - 1}` : "" });
  }
  const h = dbgHandler(hub);
  const batch = Array.from(
    { length: 1000 },
    (_, i) => ({ jsonrpc: "2.0", id: i, method: "machines" }),
  );
  const r = await rpc(h, batch);
  assert(r.text.length < 9 * MiB, `response ${r.text.length} bytes`);
  const replies = JSON.parse(r.text) as {
    id: number;
    error?: { code: number };
    result?: unknown[];
  }[];
  assertEquals(replies.length, 1000);
  assert(replies[0].result?.length === 1000);
  const over = replies.filter((x) => x.error?.code === -32002);
  assert(over.length > 900, `${over.length} calls over budget`);
  // an over-budget request doesn't block a later one
  assertEquals(JSON.parse((await rpc(h, { jsonrpc: "2.0", id: 1, method: "head" })).text).result, {
    seq: 1000,
  });
});

Deno.test("limits: a request body that never finishes gets 408, not a held handler", async () => {
  const h = dbgHandler(new DbgHub(), { bodyTimeoutMs: 200 });
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new TextEncoder().encode("{"));
      // and nothing more
    },
  });
  const res = await Promise.race([
    h(new Request("http://x/rpc", { method: "POST", body })),
    new Promise<Response>((r) => setTimeout(() => r(new Response(null, { status: 599 })), 5000)),
  ]);
  assertEquals(res.status, 408);
  await res.body?.cancel();
});

Deno.test("limits: a throwing subscriber doesn't stop the others", async () => {
  const hub = new DbgHub();
  await hub.addSchema(SCHEMA);
  const got: HubEvent[] = [];
  hub.subscribe(() => {
    throw new Error("bad listener");
  });
  hub.subscribe((e) => got.push(e));
  await hub.addTx(tx("t1"));
  assertEquals(got.length, 1);
  assertEquals(hub.listenerErrors, 1);
});

Deno.test("limits: the memory hub's log sheds dropped records behind a live one (a page isn't all holes)", async () => {
  const hub = new DbgHub({ maxTxsPerMachine: 10 });
  // m0's schema stays live at the front of the log while m1 churns 20,000 transitions
  await hub.addSchema({ ...SCHEMA, ID: "m0" });
  await hub.addSchema(SCHEMA);
  for (let i = 0; i < 20_000; i++) await hub.addTx(tx(`t${i}`));
  assertEquals(hub.stats.dropped, 19_990);
  // a page scans at most limit * 16 + 1024 records: holes cost pages. Compacted, at most
  // 4096 holes are left (5 pages); uncompacted, 19,988 (20 pages)
  let seq = 2, pages = 0;
  const got: string[] = [];
  while (!got.length && pages < 100) {
    const page = await hub.since(seq, { limit: 1 });
    got.push(...page.events.map((e) => e.kind === "tx" ? e.msg.ID : e.kind));
    seq = page.seq;
    pages++;
  }
  assertEquals(got, ["t19990"]);
  assert(pages <= 5, `${pages} pages to reach the first live transition`);
  const all = await hub.since(0);
  assertEquals(all.events.length, 12);
  assertEquals(all.more, false);
});
