// The stream is the tail, history is paged: on a hub with 200,000
// transitions, WebSocket and SSE clients asking since=0 get hello, a bounded
// replay, a gap, page the rest over /rpc and then get live frames, with no
// event missing or doubled; a reading client is never cut off.

import { assert, assertEquals } from "@std/assert";
import { dbgHandler, DbgHub, followDbgStream, type HubEvent } from "../dbg/mod.ts";

const MACHINES = 4;
const PER_MACHINE = 50_000;

async function bigHub(): Promise<DbgHub> {
  // room for the live transitions too: retention drops none here
  const hub = new DbgHub({
    maxTxsPerMachine: 2 * PER_MACHINE,
    maxBytesPerMachine: 64 * 1024 * 1024,
  });
  for (let m = 0; m < MACHINES; m++) {
    await hub.addSchema({ ID: `m${m}`, StatesIndex: ["A", "B"], States: { A: {}, B: {} } });
  }
  for (let i = 0; i < PER_MACHINE; i++) {
    for (let m = 0; m < MACHINES; m++) {
      await hub.addTx({ MachineID: `m${m}`, ID: `t${i}`, Clocks: [i, 1], Type: 0, Accepted: true });
    }
  }
  return hub;
}

function live(hub: DbgHub, n: number): Promise<void> {
  return (async () => {
    for (let i = 0; i < n; i++) {
      await hub.addTx({
        MachineID: `m${i % MACHINES}`,
        ID: `live${i}`,
        Clocks: [1, 1],
        Type: 0,
        Accepted: true,
      });
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 1));
    }
  })();
}

Deno.test("stream: 200,000 transitions, since=0: replay window, gap, paged rest, live; nothing lost or doubled", async () => {
  const hub = await bigHub();
  const head = await hub.head();
  assertEquals(head, MACHINES + MACHINES * PER_MACHINE);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, dbgHandler(hub));
  const base = `http://127.0.0.1:${server.addr.port}`;
  try {
    // the raw frames: hello with the head, 1000 replayed events, the gap to the head
    const ws = new WebSocket(`ws://127.0.0.1:${server.addr.port}/stream?since=0`);
    const frames: Record<string, unknown>[] = [];
    await new Promise<void>((resolve) => {
      ws.onmessage = (e) => {
        frames.push(JSON.parse(e.data));
        if ("gap" in frames[frames.length - 1]) resolve();
      };
    });
    assertEquals(frames[0], { hello: { seq: head } });
    const replay = frames.slice(1, -1) as HubEvent[];
    assertEquals(replay.length, 1000);
    assertEquals(replay.map((e) => e.seq), Array.from({ length: 1000 }, (_, i) => i + 1));
    assertEquals(frames[frames.length - 1], { gap: { from: 1001, to: head } });
    await new Promise<void>((resolve) => {
      ws.onclose = () => resolve();
      ws.close();
    });

    // both transports through the follower: paging the gap while live events arrive
    const got: Record<string, number[]> = { ws: [], sse: [] };
    const followers = (["ws", "sse"] as const).map((transport) =>
      followDbgStream(base, {
        since: 0,
        transport,
        onEvent: (e) => got[transport].push(e.seq),
        onError: (e) => console.error(transport, e.message),
      })
    );
    await live(hub, 2000);
    const final = await hub.head();
    const deadline = Date.now() + 30_000;
    while (followers.some((f) => f.lastSeq < final) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const f of followers) f.close();
    for (const [i, transport] of (["ws", "sse"] as const).entries()) {
      const seqs = got[transport];
      const missing = [];
      for (let s = 1, j = 0; s <= final; s++) {
        if (seqs[j] === s) j++;
        else if (missing.length < 10) missing.push(s);
      }
      assertEquals(missing, [], `${transport}: missing`);
      assertEquals(seqs.length, final, `${transport}: every event once`);
      assert(seqs.every((s, j) => s === j + 1), `${transport}: in seq order, no gaps or doubles`);
      assertEquals(followers[i].connects, 1, `${transport}: never cut off or reconnected`);
    }
  } finally {
    await new Promise((r) => setTimeout(r, 20));
    await server.shutdown();
  }
});

Deno.test("stream: the replay is bounded in bytes too; live-only without since", async () => {
  const hub = new DbgHub({ maxMessageBytes: 1024 * 1024 });
  await hub.addSchema({ ID: "m0", StatesIndex: ["A"], States: { A: {} } });
  const big = "z".repeat(100_000);
  for (let i = 0; i < 100; i++) {
    await hub.addTx({
      MachineID: "m0",
      ID: `b${i}`,
      Clocks: [i],
      Type: 0,
      Accepted: true,
      StackTrace: big,
    });
  }
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    dbgHandler(hub, { replayBytes: 1024 * 1024 }),
  );
  try {
    const frames = async (query: string, until: (f: Record<string, unknown>) => boolean) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.addr.port}/stream${query}`);
      const got: Record<string, unknown>[] = [];
      await new Promise<void>((resolve) => {
        ws.onmessage = (e) => {
          got.push(JSON.parse(e.data));
          if (until(got[got.length - 1])) resolve();
        };
      });
      await new Promise<void>((resolve) => {
        ws.onclose = () => resolve();
        ws.close();
      });
      return got;
    };
    const replay = await frames("?since=0", (f) => "gap" in f);
    // 1 MiB of ~100 KB events: the schema and 9 or 10 transitions, then the gap to the head
    const events = replay.slice(1, -1) as HubEvent[];
    assert(events.length >= 5 && events.length <= 12, `${events.length} replayed`);
    assertEquals(replay[replay.length - 1], {
      gap: { from: events[events.length - 1].seq + 1, to: 101 },
    });
    // without since: hello, then only what comes after it
    const ws = new WebSocket(`ws://127.0.0.1:${server.addr.port}/stream`);
    const live: Record<string, unknown>[] = [];
    await new Promise<void>((resolve) => {
      ws.onmessage = (e) => {
        live.push(JSON.parse(e.data));
        resolve();
      };
    });
    await hub.addTx({ MachineID: "m0", ID: "after", Clocks: [1], Type: 0, Accepted: true });
    while (live.length < 2) await new Promise((r) => setTimeout(r, 10));
    assertEquals(live[0], { hello: { seq: 101 } });
    assertEquals((live[1] as HubEvent).seq, 102);
    await new Promise<void>((resolve) => {
      ws.onclose = () => resolve();
      ws.close();
    });
  } finally {
    await server.shutdown();
  }
});
