// The Deno KV hub: the memory hub's model (paging both ways, the global log,
// gone machines and sessions, retention in count, bytes and machines, big
// messages) kept in KV, and shared by every hub opening the same KV.

import { assert, assertEquals, assertRejects, assertThrows } from "@std/assert";
import { DbgHub, DbgHubError, type HubEvent } from "../dbg/hub.ts";
import { type CommitDraft, KvWriter } from "../dbg/hub_kv_write.ts";

const SCHEMA = { ID: "m1", StatesIndex: ["A", "B"], States: { A: {}, B: {} } };
const tx = (id: string, m = "m1") => ({
  MachineID: m,
  ID: id,
  Clocks: [1, 0],
  Type: 0,
  Accepted: true,
});

async function withKv(fn: (kv: Deno.Kv) => Promise<void>): Promise<void> {
  const kv = await Deno.openKv(":memory:");
  try {
    await fn(kv);
  } finally {
    kv.close();
  }
}

Deno.test("kv hub: paging both ways, since, head, from another hub on the same KV", async () => {
  await withKv(async (kv) => {
    const hub = new DbgHub({ kv, maxTxsPerMachine: 10 });
    await hub.addSchema(SCHEMA);
    await Promise.all(Array.from({ length: 25 }, (_, i) => hub.addTx(tx(`t${i + 1}`))));
    // a second hub on the same KV sees the same model
    const other = new DbgHub({ kv });
    assertEquals(await other.head(), 26);
    const [m] = await other.machines();
    assertEquals([m.id, m.txs, m.firstCursor, m.lastCursor, m.alive, m.session, m.lastSeq], [
      "m1",
      10,
      16,
      25,
      true,
      1,
      26,
    ]);
    const p1 = await other.txs("m1", { limit: 4 });
    assertEquals([p1.txs.map((t) => t.cursor), p1.cursor, p1.more, p1.first, p1.last], [
      [16, 17, 18, 19],
      19,
      true,
      16,
      25,
    ]);
    assert(p1.txs[0].msg.Time instanceof Date);
    const o1 = await other.txs("m1", { dir: "older", limit: 4 });
    assertEquals([o1.txs.map((t) => t.msg.ID), o1.cursor, o1.more], [
      ["t22", "t23", "t24", "t25"],
      22,
      true,
    ]);
    const o3 = await other.txs("m1", { dir: "older", cursor: 18, limit: 4 });
    assertEquals([o3.txs.map((t) => t.cursor), o3.more], [[16, 17], false]);
    await assertRejects(() => other.txs("m1", { cursor: 26 }), DbgHubError, "bad cursor");
    await assertRejects(() => other.txs("ghost"), DbgHubError, "unknown machine");
    const g = await other.since(0, { limit: 5 });
    assertEquals(g.events.map((e) => e.seq), [1, 17, 18, 19, 20]);
    assert(g.more);
    const rest = await other.since(g.seq);
    assertEquals(rest.events.map((e) => e.seq), [21, 22, 23, 24, 25, 26]);
    assertEquals((await other.schema("m1"))?.StatesIndex, ["A", "B"]);
    await assertRejects(() => hub.addTx(tx("x", "ghost")), DbgHubError, "unknown machine ghost");
  });
});

Deno.test("kv hub: gone, sessions, eviction, bytes, big messages in parts", async () => {
  await withKv(async (kv) => {
    const hub = new DbgHub({ kv, maxMachines: 2, maxBytesPerMachine: 4000 });
    await hub.addSchema(SCHEMA);
    for (let i = 1; i <= 3; i++) await hub.addTx(tx(`t${i}`));
    const gone = await hub.markGone("m1");
    assertEquals(gone, { seq: 5, kind: "gone", machineId: "m1" });
    assertEquals(await hub.markGone({ ID: "m1" }), gone, "twice: the same event");
    // the deprecated name is the same method
    assertEquals(await hub.dispose("m1"), gone);
    const again = await hub.addSchema(SCHEMA);
    assertEquals(again.kind === "schema" && again.session, 2);
    await hub.addTx(tx("new1"));
    const [m1] = await hub.machines();
    assertEquals([m1.alive, m1.session, m1.txs, m1.firstCursor, m1.lastCursor], [true, 2, 1, 4, 4]);
    assertEquals((await hub.txs("m1")).txs.map((t) => t.msg.ID), ["new1"]);
    assertEquals((await hub.since(0)).events.map((e) => e.seq), [6, 7], "old session gone");
    // bytes per machine: each tx ~350 bytes encoded, 4000 bytes keep ~11
    for (let i = 0; i < 40; i++) await hub.addTx(tx(`b${i}`));
    const [b] = await hub.machines();
    assert(b.txs < 15 && b.txs > 5, `bounded by bytes: ${b.txs}`);
    assert(hub.stats.dropped >= 30);
    // a message over 20,000 chars goes in parts and comes back whole
    const big = await hub.addTx({ ...tx("big"), StackTrace: "é".repeat(100_000) });
    const page = await hub.txs("m1", { dir: "older", limit: 1 });
    assertEquals(page.txs[0].msg.StackTrace?.length, 100_000);
    assertEquals(page.txs[0].seq, big.seq);
    // machines: gone ones are evicted first
    await hub.addSchema({ ...SCHEMA, ID: "m2" });
    await hub.markGone("m2");
    await hub.addSchema({ ...SCHEMA, ID: "m3" });
    assertEquals((await hub.machines()).map((m) => m.id).sort(), ["m1", "m3"]);
    assertEquals(hub.evicted, 1);
    assert(!(await hub.since(0)).events.some((e) => e.machineId === "m2"), "evicted entries go");
  });
});

Deno.test("kv hub: a subscriber on another hub of the same KV gets the tail in order", async () => {
  await withKv(async (kv) => {
    const writer = new DbgHub({ kv });
    const reader = new DbgHub({ kv, pollMs: 50 });
    await writer.addSchema(SCHEMA);
    const got: HubEvent[] = [];
    const frames: string[] = [];
    const unsubscribe = reader.subscribe((e, f) => {
      got.push(e);
      frames.push(f);
    });
    await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < 50; i++) await writer.addTx(tx(`t${i}`));
    const deadline = Date.now() + 5000;
    while (got.length < 50 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    unsubscribe();
    assertEquals(got.map((e) => e.seq), Array.from({ length: 50 }, (_, i) => i + 2));
    assertEquals(JSON.parse(frames[0]).seq, 2);
    await reader[Symbol.asyncDispose]();
    await writer[Symbol.asyncDispose]();
  });
});

Deno.test("kv hub: a batch over KV's commit size (2-byte text) is written in halves", async () => {
  await withKv(async (kv) => {
    const hub = new DbgHub({ kv });
    await hub.addSchema(SCHEMA);
    // ~25,000 chars each: estimated within a commit, stored by KV at 2 bytes a char
    const text = "日".repeat(25_000);
    const all = await Promise.all(
      Array.from({ length: 20 }, (_, i) => hub.addTx({ ...tx(`cjk${i}`), StackTrace: text })),
    );
    assertEquals(all.map((e) => e.seq), Array.from({ length: 20 }, (_, i) => i + 2));
    const page = await hub.txs("m1", { limit: 20 });
    assertEquals(page.txs.length, 20);
    assert(page.txs.every((t) => t.msg.StackTrace === text));
  });
});

Deno.test("kv hub: index pages (one a machine a commit) page and retain as the memory hub", async () => {
  await withKv(async (kv) => {
    const opts = { maxTxsPerMachine: 37 };
    const kvHub = new DbgHub({ kv, ...opts });
    const mem = new DbgHub(opts);
    const ids = ["a", "b", "c"];
    for (const id of ids) {
      for (const h of [kvHub, mem]) await h.addSchema({ ...SCHEMA, ID: id });
    }
    // interleaved machines in batches of varied sizes: pages of several lengths, dropped in part
    let n = 0;
    for (const size of [1, 7, 50, 3, 120, 2, 64, 9]) {
      const batch = Array.from({ length: size }, () => {
        n++;
        return tx(`t${n}`, ids[(n * 7) % 3]);
      });
      await Promise.all(batch.map((t) => kvHub.addTx({ ...t })));
      for (const t of batch) await mem.addTx({ ...t });
    }
    const strip = (p: Awaited<ReturnType<DbgHub["txs"]>>) => ({
      ...p,
      txs: p.txs.map((t) => [t.cursor, t.msg.ID]),
    });
    for (const id of ids) {
      const [km, mm] = [
        (await kvHub.machines()).find((m) => m.id === id)!,
        (await mem.machines()).find((m) => m.id === id)!,
      ];
      assertEquals([km.txs, km.firstCursor, km.lastCursor], [
        mm.txs,
        mm.firstCursor,
        mm.lastCursor,
      ]);
      assertEquals(km.txs, 37);
      for (const limit of [1, 5, 37, 100]) {
        for (
          const cursor of [undefined, 0, km.firstCursor - 1, km.firstCursor + 3, km.lastCursor]
        ) {
          assertEquals(
            strip(await kvHub.txs(id, { cursor, limit })),
            strip(await mem.txs(id, { cursor, limit })),
            `${id} newer ${cursor} ${limit}`,
          );
        }
        for (
          const cursor of [undefined, km.firstCursor + 1, km.firstCursor + 20, km.lastCursor + 1]
        ) {
          assertEquals(
            strip(await kvHub.txs(id, { cursor, limit, dir: "older" })),
            strip(await mem.txs(id, { cursor, limit, dir: "older" })),
            `${id} older ${cursor} ${limit}`,
          );
        }
      }
    }
    // dropped transitions left no log entries behind
    const page = await kvHub.since(0, { limit: 1000 });
    assertEquals(page.events.filter((e) => e.kind === "tx").length, 37 * 3);
  });
});

Deno.test("kv hub: a commit writes one index key a machine, not one a transition", async () => {
  await withKv(async (kv) => {
    const hub = new DbgHub({ kv, prefix: ["p"] });
    for (const id of ["a", "b"]) await hub.addSchema({ ...SCHEMA, ID: id });
    // one batch: 60 transitions of two machines, queued together
    await Promise.all(
      Array.from({ length: 60 }, (_, i) => hub.addTx(tx(`t${i}`, i % 2 ? "a" : "b"))),
    );
    const keys = [];
    for await (const e of kv.list({ prefix: ["p", "tx"] })) keys.push(e.key);
    assert(keys.length <= 4, `${keys.length} index keys for 60 transitions of 2 machines`);
    assertEquals((await hub.txs("a", { limit: 100 })).txs.length, 30);
  });
});

Deno.test("kv hub: `await using` ends with every append committed; closing the KV after loses nothing", async () => {
  const path = await Deno.makeTempFile({ suffix: ".kv" });
  try {
    const kv = await Deno.openKv(path);
    const appends: Promise<unknown>[] = [];
    {
      await using hub = new DbgHub({ kv });
      // not awaited: queued, in batched commits still in flight when the block ends
      appends.push(hub.addSchema(SCHEMA));
      for (let i = 0; i < 300; i++) appends.push(hub.addTx(tx(`t${i}`)));
      hub.subscribe(() => {});
      assertEquals(hub.subscribers, 1);
    }
    kv.close();
    const settled = await Promise.allSettled(appends);
    assertEquals(settled.filter((r) => r.status === "rejected").length, 0, "none lost");
    const again = await Deno.openKv(path);
    try {
      assertEquals(await new DbgHub({ kv: again }).head(), 301);
    } finally {
      again.close();
    }
  } finally {
    await Deno.remove(path).catch(() => {});
    for (const ext of ["-wal", "-shm"]) await Deno.remove(path + ext).catch(() => {});
  }
});

Deno.test("hub: [Symbol.asyncDispose] drops the subscribers; the deprecated close() too", async () => {
  const hub = new DbgHub();
  await hub.addSchema(SCHEMA);
  const got: HubEvent[] = [];
  hub.subscribe((e) => got.push(e));
  await hub[Symbol.asyncDispose]();
  assertEquals(hub.subscribers, 0);
  await hub.addTx(tx("after"));
  assertEquals(got, [], "no delivery after the hub stopped");
  const old = new DbgHub();
  old.subscribe(() => {});
  old.close();
  assertEquals(old.subscribers, 0);
});

Deno.test("kv writer: a commit draft takes a batch's messages; transitions expire, schemas don't", () => {
  const calls: { op: "set" | "delete"; key: Deno.KvKey; expire?: number }[] = [];
  // records the mutations instead of committing them
  const op = {
    set(key: Deno.KvKey, _v: unknown, o?: { expireIn?: number }) {
      calls.push({ op: "set", key, expire: o?.expireIn });
      return op;
    },
    delete(key: Deno.KvKey) {
      calls.push({ op: "delete", key });
      return op;
    },
  } as unknown as Deno.AtomicOperation;
  const stats = { evicted: 0, dropped: 0, bytes: 0 };
  const limits = {
    prefix: ["p"],
    pollMs: 250,
    maxTxsPerMachine: 100,
    maxMachines: 10,
    maxBytesPerMachine: 1 << 20,
    maxBytes: 1 << 24,
    maxMessageBytes: 1 << 19,
  };
  const w = new KvWriter({} as Deno.Kv, limits, stats);
  const draft: CommitDraft = {
    op,
    head: { seq: 0, bytes: 0, machines: 0 },
    metas: new Map(),
    pages: new Map(),
    expire: { expireIn: 60_000 },
  };
  w.apply({ kind: "schema", msg: SCHEMA }, draft);
  const t1 = w.apply({ kind: "tx", msg: tx("t1") }, draft);
  w.apply({ kind: "tx", msg: tx("t2") }, draft);
  assertEquals([t1.event.seq, t1.event.kind === "tx" && t1.event.cursor], [2, 1]);
  // a transition of an unknown machine: refused, the draft unchanged
  assertThrows(() => w.apply({ kind: "tx", msg: tx("x", "ghost") }, draft), DbgHubError);
  const gone = w.apply({ kind: "gone", id: "m1" }, draft);
  assertEquals(gone.event, { seq: 4, kind: "gone", machineId: "m1" });
  w.setPages(draft);
  assertEquals([draft.head.seq, draft.head.machines], [4, 1]);
  const m1 = draft.metas.get("m1")!;
  assertEquals([m1.alive, m1.next, m1.count, m1.goneSeq], [false, 3, 2, 4]);
  const expiry = calls.map((c) => [c.key.slice(1).join("/"), c.expire]);
  assertEquals(expiry, [
    ["log/1", undefined],
    ["log/2", 60_000],
    ["log/3", 60_000],
    ["log/4", undefined],
    // one index page for the machine's two transitions
    ["tx/m1/1/1", 60_000],
  ]);
});
