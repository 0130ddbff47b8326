// One KV file, many processes: 4 writers each ingest 20,000 transitions of
// their own machines, a 5th serves dbgHandler over a KV hub. Every
// transition is there exactly once, in order per machine; a stream
// subscriber on the 5th sees writers' tails within 1 s; a writer killed
// mid-run leaves whole batches and no reused seq; the endpoint restarted on
// the same KV still has the history.

import { assert, assertEquals } from "@std/assert";
import {
  followDbgStream,
  type HubEvent,
  type MachineInfo,
  type SincePage,
  type TxPage,
} from "../dbg/mod.ts";

const WRITERS = 4;
const PER_WRITER = 20_000;
const MACHINES_PER_WRITER = 5;

function spawn(
  script: string,
  args: string[],
): { child: Deno.ChildProcess; lines: AsyncIterator<string> } {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--unstable-kv", "-A", `tests/fixtures/${script}`, ...args],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).pipeThrough(lineSplitter())
    [Symbol.asyncIterator]();
  return { child, lines };
}

function lineSplitter(): TransformStream<string, string> {
  let buf = "";
  return new TransformStream({
    transform(chunk, c) {
      buf += chunk;
      const parts = buf.split("\n");
      buf = parts.pop()!;
      for (const p of parts) if (p) c.enqueue(p);
    },
    flush(c) {
      if (buf) c.enqueue(buf);
    },
  });
}

async function nextLine(lines: AsyncIterator<string>, prefix: string): Promise<string> {
  for (;;) {
    const r = await lines.next();
    if (r.done) throw new Error(`process ended before "${prefix}"`);
    if (r.value.startsWith(prefix)) return r.value;
  }
}

async function rpc<T>(base: string, method: string, params: unknown): Promise<T> {
  const res = await fetch(`${base}/rpc`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = await res.json();
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

async function allTxs(base: string, id: string): Promise<TxPage["txs"]> {
  const out: TxPage["txs"] = [];
  for (let cursor = 0;;) {
    const page = await rpc<TxPage>(base, "txs", { id, cursor, limit: 1000 });
    out.push(...page.txs);
    if (!page.more) return out;
    cursor = page.cursor;
  }
}

async function allEvents(base: string): Promise<HubEvent[]> {
  const out: HubEvent[] = [];
  for (let seq = 0;;) {
    const page = await rpc<SincePage>(base, "since", { seq, limit: 1000 });
    out.push(...page.events);
    if (!page.more) return out;
    seq = page.seq;
  }
}

Deno.test("kv hub across processes: 4 writers, a killed one, an endpoint, a restart", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/hub.kv`;
  let server = spawn("dbg_kv_server.ts", [path]);
  const port = Number((await nextLine(server.lines, "port ")).slice(5));
  const base = `http://127.0.0.1:${port}`;
  const arrived = new Map<string, number>(); // "<machine> <txId>" of each writer's tail → when
  const seen: HubEvent[] = [];
  const follower = followDbgStream(base, {
    since: 0,
    onEvent(e) {
      seen.push(e);
      if (e.kind === "tx") arrived.set(`${e.machineId} ${e.msg.ID}`, Date.now());
    },
  });
  try {
    // a writer killed mid-run: whatever it committed is whole
    const victim = spawn("dbg_kv_writer.ts", [path, "victim", "0", "1", "forever"]);
    await nextLine(victim.lines, "ready");
    const writers = Array.from(
      { length: WRITERS },
      (_, w) =>
        spawn("dbg_kv_writer.ts", [path, `w${w}`, String(PER_WRITER), String(MACHINES_PER_WRITER)]),
    );
    await new Promise((r) => setTimeout(r, 1500));
    victim.child.kill("SIGKILL");
    await victim.child.status;
    const tails: [string, number][] = [];
    for (const w of writers) {
      for (let k = 0; k < MACHINES_PER_WRITER; k++) {
        const [, id, txId, at] = (await nextLine(w.lines, "last ")).split(" ");
        tails.push([`${id} ${txId}`, Number(at)]);
      }
      assertEquals((await w.child.status).code, 0);
    }
    // the subscriber saw each writer's last transitions
    const deadline = Date.now() + 60_000;
    while (tails.some(([k]) => !arrived.has(k)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const [key] of tails) assert(arrived.has(key), `tail ${key} arrived`);

    // every transition exactly once, in order per machine
    const machines = await rpc<MachineInfo[]>(base, "machines", {});
    assertEquals(machines.length, WRITERS * MACHINES_PER_WRITER + 1);
    for (const m of machines) {
      const txs = await allTxs(base, m.id);
      const ids = txs.map((t) => Number(t.msg.ID));
      if (m.id.startsWith("victim")) assert(ids.length > 0, "the victim committed some");
      else assertEquals(ids.length, PER_WRITER / MACHINES_PER_WRITER, m.id);
      // the machine's counters agree with its entries: no half-written batch
      assertEquals([m.txs, m.lastCursor], [ids.length, ids.length], m.id);
      // a prefix with no holes: no partial batch, nothing doubled, order kept
      assert(ids.every((x, i) => x === i), `${m.id}: in order, once each`);
      assert(txs.every((t, i) => i === 0 || t.seq > txs[i - 1].seq), `${m.id}: seq ascending`);
    }
    // the global log: seqs unique and ascending; the stream saw the same, once each
    const events = await allEvents(base);
    assert(events.every((e, i) => i === 0 || e.seq > events[i - 1].seq), "no seq reused");
    assertEquals(events.length, events[events.length - 1].seq, "no seq skipped");
    const streamDeadline = Date.now() + 30_000;
    while (seen.length < events.length && Date.now() < streamDeadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assertEquals(seen.map((e) => e.seq), events.map((e) => e.seq), "the stream: every event once");

    // tails within 1 s: 4 writers more, a live subscriber on the endpoint process timing their
    // last transitions against their commits (after the bulk, so no backlog is measured)
    follower.close();
    const live = new WebSocket(`ws://127.0.0.1:${port}/stream`);
    const lastAt = new Map<string, number>();
    await new Promise<void>((resolve) => {
      live.onmessage = (e) => {
        if (typeof e.data === "string" && e.data.startsWith('{"hello"')) resolve();
        else if (e.data.includes('"ID":"199"')) {
          lastAt.set(JSON.parse(e.data).machineId, Date.now());
        }
      };
    });
    const tailWriters = Array.from(
      { length: WRITERS },
      (_, w) => spawn("dbg_kv_writer.ts", [path, `tail${w}`, "1000", String(MACHINES_PER_WRITER)]),
    );
    const committed: [string, number][] = [];
    for (const w of tailWriters) {
      for (let k = 0; k < MACHINES_PER_WRITER; k++) {
        const [, id, , at] = (await nextLine(w.lines, "last ")).split(" ");
        committed.push([id, Number(at)]);
      }
      assertEquals((await w.child.status).code, 0);
    }
    const lagDeadline = Date.now() + 10_000;
    while (committed.some(([id]) => !lastAt.has(id)) && Date.now() < lagDeadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const [id, at] of committed) {
      assert(lastAt.has(id), `${id}'s tail arrived`);
      const lag = lastAt.get(id)! - at;
      assert(lag <= 1000, `${id}'s tail arrived ${lag} ms after its commit`);
    }
    await new Promise<void>((resolve) => {
      live.onclose = () => resolve();
      live.close();
    });

    // the endpoint restarted on the same KV still has the history
    server.child.kill("SIGTERM");
    await server.child.status;
    server = spawn("dbg_kv_server.ts", [path]);
    const port2 = Number((await nextLine(server.lines, "port ")).slice(5));
    const again = await allEvents(`http://127.0.0.1:${port2}`);
    const tailEvents = WRITERS * (MACHINES_PER_WRITER + 1000); // schemas and transitions
    assertEquals(again.length, events.length + tailEvents);
    assertEquals(again.slice(0, events.length).map((e) => e.seq), events.map((e) => e.seq));
  } finally {
    follower.close();
    try {
      server.child.kill("SIGTERM");
    } catch {
      // already gone
    }
    await server.child.status;
    await Deno.remove(dir, { recursive: true });
  }
});
