/// <reference lib="deno.unstable" />
/**
 * The hub's Deno KV store: the same model as the memory store, kept in a
 * `Deno.Kv`, so every process (isolate, region) opening the same KV serves
 * one hub. Ingest is queued and written in batched atomic commits within
 * KV's limits; seqs and cursors are allocated under a check on one head
 * key, so concurrent writers in many processes never reuse a seq and keep
 * each machine's order; a writer killed mid-run leaves whole commits only.
 * Retention (per machine and in all, count and bytes, machines) runs after
 * commits; `expireInMs` adds KV's own expiry as a backstop.
 *
 * Keys under the prefix P:
 * - `[P, "head"]` → `{ seq, bytes, machines }`, bumped by every commit;
 * - `[P, "m", id]` → the machine's {@linkcode Meta};
 * - `[P, "log", seq]` → `{ i: id, g: generation, c: cursor, f: frame }`
 *   (frames over 20,000 chars: `p: parts` at `[P, "part", seq, n]`);
 * - `[P, "tx", id, generation, cursor]` → `{ s: seq, b: bytes }`;
 * - `[P, "old", id, generation]` → a generation left behind by a new
 *   session or an eviction, until its entries are deleted.
 *
 * @module
 */

import type { DbgMsgSchema } from "./messages.ts";
import {
  DbgHubError,
  type HubEvent,
  type MachineInfo,
  type SincePage,
  type TxPage,
} from "./hub_types.ts";
import {
  type Appended,
  type HubInput,
  type HubStats,
  type HubStore,
  parseFrame,
  sameInstance,
} from "./hub_store.ts";
import type { MemoryLimits } from "./hub_memory.ts";

/** Options of a {@linkcode KvHubStore}. */
export interface KvLimits extends MemoryLimits {
  prefix: Deno.KvKey;
  pollMs: number;
  expireInMs?: number;
}

/** A machine as stored. */
interface Meta {
  /** Generation: the seq of the schema that started this session. */
  g: number;
  session: number;
  alive: boolean;
  /** Next cursor. */
  next: number;
  /** Oldest retained cursor (next when none). */
  first: number;
  count: number;
  bytes: number;
  lastSeq: number;
  schemaSeq: number;
  goneSeq: number;
  parent: string;
  tags: string[];
  states: string[];
  /** Seqs of this generation's schema and gone log entries (for cleanup). */
  o: number[];
}

interface Head {
  seq: number;
  bytes: number;
  machines: number;
}

interface LogValue {
  i: string;
  g: number;
  c: number;
  f?: string;
  p?: number;
}

type Outcome = { ok: Appended } | { err: unknown };

interface Pending {
  input: HubInput;
  resolve: (a: Appended) => void;
  reject: (e: unknown) => void;
}

// KV's limits (denokv): 1000 mutations and 800 KiB per atomic, 64 KiB values, 10 keys per getMany
// each tx: 2 sets, and up to 2 deletes when retention drops an old one in the same commit
const MAX_BATCH_ITEMS = 200;
const MAX_BATCH_MACHINES = 60;
const MAX_BATCH_CHARS = 150_000; // frames are strings: ≤ 2 bytes a char serialised
const PART_CHARS = 20_000;
const PART_BYTES = 60_000;
const MAX_KV_MESSAGE_BYTES = 700 * 1024;
const GET_MANY = 10;
const EMPTY_HEAD: Head = { seq: 0, bytes: 0, machines: 0 };

function isBusy(e: unknown): boolean {
  return e instanceof Error && /database is locked|busy/i.test(e.message);
}

/** The Deno KV hub store. */
export class KvHubStore implements HubStore {
  #kv: Deno.Kv;
  #l: KvLimits;
  #p: Deno.KvKey;
  #queue: Pending[] = [];
  #flushing: Promise<void> | undefined;
  #seq = 0;
  readonly stats: HubStats = { evicted: 0, dropped: 0, bytes: 0 };

  constructor(kv: Deno.Kv, limits: KvLimits) {
    this.#kv = kv;
    this.#l = limits;
    this.#p = limits.prefix;
  }

  #k(...parts: Deno.KvKeyPart[]): Deno.KvKey {
    return [...this.#p, ...parts];
  }

  get seq(): number {
    return this.#seq;
  }

  async head(): Promise<number> {
    const h = (await this.#kv.get<Head>(this.#k("head"))).value ?? EMPTY_HEAD;
    this.#seq = Math.max(this.#seq, h.seq);
    this.stats.bytes = h.bytes;
    return h.seq;
  }

  append(input: HubInput): Promise<Appended> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ input, resolve, reject });
      this.#flushing ??= this.#flush().finally(() => this.#flushing = undefined);
    });
  }

  async #flush(): Promise<void> {
    while (this.#queue.length) {
      const batch = this.#take();
      let outcome: Outcome[];
      try {
        outcome = await this.#commit(batch);
      } catch (e) {
        for (const p of batch) p.reject(e);
        continue;
      }
      try {
        // bounded before the batch is acknowledged
        await this.#retain();
      } catch {
        // retention runs again after the next commit
      }
      batch.forEach((p, i) => {
        const o = outcome[i];
        if ("ok" in o) p.resolve(o.ok);
        else p.reject(o.err);
      });
    }
  }

  /** The next batch within KV's per-commit limits. */
  #take(): Pending[] {
    const batch: Pending[] = [];
    const ids = new Set<string>();
    let chars = 0;
    while (this.#queue.length && batch.length < MAX_BATCH_ITEMS) {
      const p = this.#queue[0];
      const id = p.input.kind === "tx"
        ? p.input.msg.MachineID
        : p.input.kind === "schema"
        ? p.input.msg.ID
        : p.input.id;
      // a rough size: the frame is the message plus ~150 chars of envelope
      const size = p.input.kind === "gone" ? 100 : JSON.stringify(p.input.msg).length + 150;
      if (
        batch.length &&
        (chars + size > MAX_BATCH_CHARS || (!ids.has(id) && ids.size >= MAX_BATCH_MACHINES))
      ) {
        break;
      }
      ids.add(id);
      chars += size;
      batch.push(this.#queue.shift()!);
    }
    return batch;
  }

  async #metas(ids: string[]): Promise<Map<string, Deno.KvEntryMaybe<Meta>>> {
    const out = new Map<string, Deno.KvEntryMaybe<Meta>>();
    const reads = [];
    for (let i = 0; i < ids.length; i += GET_MANY) {
      reads.push(
        this.#kv.getMany<Meta[]>(ids.slice(i, i + GET_MANY).map((id) => this.#k("m", id))),
      );
    }
    for (const entries of await Promise.all(reads)) {
      for (const e of entries) out.set(e.key[e.key.length - 1] as string, e);
    }
    return out;
  }

  /** Writes a batch in one atomic commit, retrying while other writers win the head. */
  async #commit(batch: Pending[]): Promise<Outcome[]> {
    const ids = [
      ...new Set(
        batch.map((p) =>
          p.input.kind === "tx"
            ? p.input.msg.MachineID
            : p.input.kind === "schema"
            ? p.input.msg.ID
            : p.input.id
        ),
      ),
    ];
    for (let attempt = 0;; attempt++) {
      let res: Deno.KvCommitResult | Deno.KvCommitError;
      let head: Head = EMPTY_HEAD, dropped = 0;
      let metas = new Map<string, Meta | undefined>();
      let outcome: Outcome[] = [];
      try {
        const headEntry = await this.#kv.get<Head>(this.#k("head"));
        head = { ...(headEntry.value ?? EMPTY_HEAD) };
        const metaEntries = await this.#metas(ids);
        metas = new Map();
        for (const [id, e] of metaEntries) metas.set(id, e.value ? { ...e.value } : undefined);
        const op = this.#kv.atomic().check(headEntry);
        outcome = [];
        const expire = this.#l.expireInMs ? { expireIn: this.#l.expireInMs } : undefined;
        for (const { input } of batch) {
          try {
            outcome.push({ ok: this.#apply(input, head, metas, op, expire) });
          } catch (e) {
            outcome.push({ err: e });
          }
        }
        for (const [id, m] of metas) {
          if (!m) continue;
          if (this.#over(m)) dropped += await this.#dropOldest(id, m, head, op);
          op.set(this.#k("m", id), m);
        }
        op.set(this.#k("head"), head);
        res = await op.commit();
      } catch (e) {
        // SQLite's "database is locked" under concurrent writers: as a lost check, retry
        if (!isBusy(e)) throw e;
        res = { ok: false };
      }
      if (!res.ok) {
        // another writer committed first: read again, allocate again
        if (attempt > 10_000) throw new DbgHubError("KV: too many write conflicts");
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 ** attempt)));
        continue;
      }
      this.#seq = Math.max(this.#seq, head.seq);
      this.stats.bytes = head.bytes;
      this.stats.dropped += dropped;
      for (const [id, m] of metas) if (m && this.#over(m)) this.#dirty.add(id);
      return outcome;
    }
  }

  /** Adds one input's mutations to `op`; updates `head` and `metas` in place. */
  #apply(
    input: HubInput,
    head: Head,
    metas: Map<string, Meta | undefined>,
    op: Deno.AtomicOperation,
    expire: { expireIn: number } | undefined,
  ): Appended {
    const seq = head.seq + 1;
    if (input.kind === "tx") {
      const m = metas.get(input.msg.MachineID);
      if (!m) {
        throw new DbgHubError(`unknown machine ${input.msg.MachineID}: send its schema first`);
      }
      input.msg.Time ??= new Date();
      const event: HubEvent = {
        seq,
        kind: "tx",
        machineId: input.msg.MachineID,
        cursor: m.next,
        msg: input.msg,
      };
      const frame = this.#write(op, event, m.g, m.next, expire);
      op.set(this.#k("tx", input.msg.MachineID, m.g, m.next), { s: seq, b: frame.length }, expire);
      m.next++;
      m.count++;
      m.bytes += frame.length;
      m.lastSeq = seq;
      head.bytes += frame.length;
      head.seq = seq;
      return { event, frame };
    }
    if (input.kind === "gone") {
      const m = metas.get(input.id);
      if (!m) throw new DbgHubError(`unknown machine ${input.id}`);
      if (!m.alive) {
        const event: HubEvent = { seq: m.goneSeq, kind: "gone", machineId: input.id };
        return { event, frame: JSON.stringify(event) };
      }
      const event: HubEvent = { seq, kind: "gone", machineId: input.id };
      const frame = this.#write(op, event, m.g, 0, expire);
      m.alive = false;
      m.goneSeq = m.lastSeq = seq;
      m.o.push(seq);
      head.seq = seq;
      return { event, frame };
    }
    const msg: DbgMsgSchema = input.msg;
    const old = metas.get(msg.ID);
    const newSession = old !== undefined &&
      (!old.alive || !sameInstance({ ID: msg.ID, StatesIndex: old.states, States: {} }, msg));
    const session = old ? (newSession ? old.session + 1 : old.session) : 1;
    const event: HubEvent = { seq, kind: "schema", machineId: msg.ID, session, msg };
    let m: Meta;
    if (!old || newSession) {
      if (old) {
        // the old session's entries go (after the commit); they never interleave with the new
        op.set(this.#k("old", msg.ID, old.g), { o: old.o });
        head.bytes -= old.bytes;
      } else head.machines++;
      m = {
        g: seq,
        session,
        alive: true,
        next: old ? old.next : 1,
        first: old ? old.next : 1,
        count: 0,
        bytes: 0,
        lastSeq: seq,
        schemaSeq: seq,
        goneSeq: 0,
        parent: "",
        tags: [],
        states: [],
        o: [],
      };
    } else m = old;
    const frame = this.#write(op, event, m.g, 0, undefined);
    m.parent = msg.Parent ?? "";
    m.tags = msg.Tags ?? [];
    m.states = msg.StatesIndex;
    m.schemaSeq = m.lastSeq = seq;
    m.o.push(seq);
    // schema versions kept per machine: re-sending a schema can't grow the log
    while (m.o.length > 8) op.delete(this.#k("log", m.o.shift()!));
    metas.set(msg.ID, m);
    head.seq = seq;
    return { event, frame };
  }

  /** Sets the log entry (and parts) of an event; returns its frame. */
  #write(
    op: Deno.AtomicOperation,
    event: HubEvent,
    g: number,
    cursor: number,
    expire: { expireIn: number } | undefined,
  ): string {
    const frame = JSON.stringify(event);
    if (frame.length > this.#l.maxMessageBytes) {
      throw new DbgHubError(
        `message of ${event.machineId} is ${frame.length} bytes encoded, over ${this.#l.maxMessageBytes}`,
      );
    }
    const value: LogValue = { i: event.machineId, g, c: cursor };
    if (frame.length <= PART_CHARS) value.f = frame;
    else {
      const bytes = new TextEncoder().encode(frame);
      if (bytes.length > MAX_KV_MESSAGE_BYTES) {
        throw new DbgHubError(
          `message of ${event.machineId} is over ${MAX_KV_MESSAGE_BYTES} bytes`,
        );
      }
      value.p = Math.ceil(bytes.length / PART_BYTES);
      for (let n = 0; n < value.p; n++) {
        op.set(
          this.#k("part", event.seq, n),
          bytes.subarray(n * PART_BYTES, (n + 1) * PART_BYTES),
          expire,
        );
      }
    }
    op.set(this.#k("log", event.seq), value, event.kind === "tx" ? expire : undefined);
    return frame;
  }

  /** Frames of log entries (reading parts of big ones). */
  async #frames(entries: Deno.KvEntry<LogValue>[]): Promise<string[]> {
    return await Promise.all(entries.map(async (e) => {
      if (e.value.f !== undefined) return e.value.f;
      const seq = e.key[e.key.length - 1] as number;
      const chunks: Uint8Array[] = [];
      for await (const part of this.#kv.list<Uint8Array>({ prefix: this.#k("part", seq) })) {
        chunks.push(part.value);
      }
      const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let off = 0;
      for (const c of chunks) {
        all.set(c, off);
        off += c.length;
      }
      return new TextDecoder().decode(all);
    }));
  }

  async machines(): Promise<MachineInfo[]> {
    const metas: [string, Meta][] = [];
    for await (const e of this.#kv.list<Meta>({ prefix: this.#k("m") })) {
      metas.push([e.key[e.key.length - 1] as string, e.value]);
    }
    const children = new Map<string, string[]>();
    for (const [id, m] of metas) {
      if (!m.parent) continue;
      const list = children.get(m.parent);
      if (list) list.push(id);
      else children.set(m.parent, [id]);
    }
    // least recently active first, as the memory store
    metas.sort((a, b) => a[1].lastSeq - b[1].lastSeq);
    return metas.map(([id, m]) => ({
      id,
      parent: m.parent,
      children: children.get(id) ?? [],
      tags: m.tags,
      states: m.states.length,
      txs: m.count,
      firstCursor: m.count ? m.first : 0,
      lastCursor: m.next - 1,
      alive: m.alive,
      session: m.session,
      lastSeq: m.lastSeq,
    }));
  }

  async schema(id: string): Promise<DbgMsgSchema | undefined> {
    const m = (await this.#kv.get<Meta>(this.#k("m", id))).value;
    if (!m) return undefined;
    const e = await this.#kv.get<LogValue>(this.#k("log", m.schemaSeq));
    if (!e.value) return undefined;
    const [frame] = await this.#frames([e as Deno.KvEntry<LogValue>]);
    return (parseFrame(frame) as HubEvent & { kind: "schema" }).msg;
  }

  async txs(
    id: string,
    cursor: number | undefined,
    limit: number,
    dir: "older" | "newer",
  ): Promise<TxPage> {
    const m = (await this.#kv.get<Meta>(this.#k("m", id))).value;
    if (!m) throw new DbgHubError(`unknown machine ${id}`);
    const last = m.next - 1;
    const first = m.count ? m.first : 0;
    if (dir === "newer" && cursor !== undefined && cursor > last) {
      throw new DbgHubError(
        `bad cursor ${cursor}: expected an integer from 0 to ${last}`,
        "cursor",
      );
    }
    if (dir === "older" && cursor !== undefined && (cursor < 1 || cursor > last + 1)) {
      throw new DbgHubError(
        `bad cursor ${cursor}: expected an integer from 1 to ${last + 1}`,
        "cursor",
      );
    }
    const base = this.#k("tx", id, m.g);
    const sel: Deno.KvListSelector = dir === "newer"
      ? { start: [...base, (cursor ?? 0) + 1], end: [...base, Number.MAX_SAFE_INTEGER] }
      : { start: [...base, 0], end: [...base, cursor ?? last + 1] };
    const index: { cursor: number; seq: number }[] = [];
    // one more than asked: tells whether more follow
    for await (
      const e of this.#kv.list<{ s: number }>(sel, { limit: limit + 1, reverse: dir === "older" })
    ) index.push({ cursor: e.key[e.key.length - 1] as number, seq: e.value.s });
    const more = index.length > limit;
    if (more) index.pop();
    if (dir === "older") index.reverse();
    const logs: Deno.KvEntryMaybe<LogValue>[] = [];
    const reads = [];
    for (let i = 0; i < index.length; i += GET_MANY) {
      reads.push(
        this.#kv.getMany<LogValue[]>(
          index.slice(i, i + GET_MANY).map((x) => this.#k("log", x.seq)),
        ),
      );
    }
    for (const r of await Promise.all(reads)) logs.push(...r);
    const present = logs.filter((e) => e.value) as Deno.KvEntry<LogValue>[];
    const frames = await this.#frames(present);
    const txs: TxPage["txs"] = frames.map((f) => {
      const e = parseFrame(f) as HubEvent & { kind: "tx" };
      return { seq: e.seq, cursor: e.cursor, msg: e.msg };
    });
    const got = txs.length > 0;
    return {
      txs,
      cursor: got
        ? (dir === "newer" ? txs[txs.length - 1].cursor : txs[0].cursor)
        : (cursor ?? (dir === "newer" ? 0 : last + 1)),
      more,
      first,
      last,
    };
  }

  async #oldGenerations(): Promise<Set<string>> {
    const out = new Set<string>();
    for await (const e of this.#kv.list({ prefix: this.#k("old") })) {
      out.add(`${String(e.key[e.key.length - 2])}\u0000${String(e.key[e.key.length - 1])}`);
    }
    return out;
  }

  async since(seq: number, limit: number, machines?: Set<string>): Promise<SincePage> {
    const head = await this.head();
    const old = await this.#oldGenerations();
    const entries: Deno.KvEntry<LogValue>[] = [];
    let at = seq;
    let scanned = 0;
    const budget = limit * 16 + 1024;
    let more = false;
    const iter = this.#kv.list<LogValue>(
      { start: this.#k("log", seq + 1), end: this.#k("log", Number.MAX_SAFE_INTEGER) },
      { batchSize: Math.min(1000, limit + 1) },
    );
    for await (const e of iter) {
      if (entries.length >= limit || scanned >= budget) {
        more = true;
        break;
      }
      scanned++;
      at = e.key[e.key.length - 1] as number;
      if (old.has(`${e.value.i}\u0000${e.value.g}`)) continue;
      if (machines && !machines.has(e.value.i)) continue;
      entries.push(e);
    }
    const frames = await this.#frames(entries);
    return { events: frames.map(parseFrame), seq: at, more, head: Math.max(head, at) };
  }

  tail(emit: (a: Appended) => void): () => void {
    let stopped = false;
    let running: Promise<void> | undefined;
    let again = false;
    let from = -1;
    const catchUp = async (): Promise<void> => {
      if (from < 0) from = await this.head();
      for (;;) {
        const page = await this.since(from, 1000);
        for (const e of page.events) {
          if (stopped) return;
          emit({ event: e, frame: JSON.stringify(e) });
        }
        from = page.seq;
        if (!page.more) return;
      }
    };
    const kick = (): void => {
      if (stopped) return;
      if (running) {
        again = true;
        return;
      }
      running = catchUp().catch(() => {}).finally(() => {
        running = undefined;
        if (again) {
          again = false;
          kick();
        }
      });
    };
    kick();
    // kv.watch on the head key: every commit bumps it (Deno Deploy, and this process locally)
    const stream = this.#kv.watch([this.#k("head")]);
    const reader = stream.getReader();
    (async () => {
      try {
        while (!stopped) {
          const { done } = await reader.read();
          if (done) break;
          kick();
        }
      } catch {
        // the KV closed; polling stops with the tail
      }
    })();
    // local SQLite KV's watch doesn't fire for other processes' commits: poll too
    const timer = setInterval(kick, this.#l.pollMs);
    return () => {
      stopped = true;
      clearInterval(timer);
      reader.cancel().catch(() => {});
    };
  }

  close(): void {}

  #dirty = new Set<string>();

  /**
   * In the commit being built: deletes a machine's oldest committed
   * transitions while it's over its limits (one page; the rest after).
   */
  async #dropOldest(id: string, m: Meta, head: Head, op: Deno.AtomicOperation): Promise<number> {
    let n = 0;
    const excess = m.count - this.#l.maxTxsPerMachine;
    for await (
      const e of this.#kv.list<{ s: number; b: number }>(
        { prefix: this.#k("tx", id, m.g) },
        { limit: Math.min(MAX_BATCH_ITEMS, Math.max(excess, 1) + 16) },
      )
    ) {
      if (!this.#over(m)) break;
      op.delete(e.key);
      op.delete(this.#k("log", e.value.s));
      m.count--;
      m.bytes -= e.value.b;
      head.bytes -= e.value.b;
      m.first = (e.key[e.key.length - 1] as number) + 1;
      n++;
    }
    return n;
  }

  #over(m: Meta): boolean {
    return m.count > this.#l.maxTxsPerMachine ||
      (m.bytes > this.#l.maxBytesPerMachine && m.count > 1);
  }

  /** Retention after commits: per machine, machines, in all; old generations' entries. */
  async #retain(): Promise<void> {
    for (const id of this.#dirty) await this.#trimMachine(id, (m) => this.#over(m));
    this.#dirty.clear();
    const head = (await this.#kv.get<Head>(this.#k("head"))).value ?? EMPTY_HEAD;
    if (head.machines > this.#l.maxMachines) {
      const metas: [string, Meta][] = [];
      for await (const e of this.#kv.list<Meta>({ prefix: this.#k("m") })) {
        metas.push([e.key[e.key.length - 1] as string, e.value]);
      }
      // gone machines first, then the least recently active
      metas.sort((a, b) => Number(a[1].alive) - Number(b[1].alive) || a[1].lastSeq - b[1].lastSeq);
      for (const [id] of metas.slice(0, head.machines - this.#l.maxMachines)) await this.#evict(id);
    }
    if (head.bytes > this.#l.maxBytes) await this.#trimGlobal();
    await this.#cleanOld();
  }

  /** Drops a machine's oldest transitions (pages of at most `page`) while `over(meta, head)`. */
  async #trimMachine(
    id: string,
    over: (m: Meta, head: Head) => boolean,
    page = 200,
  ): Promise<void> {
    for (let round = 0; round < 1000; round++) {
      const headE = await this.#kv.get<Head>(this.#k("head"));
      const metaE = await this.#kv.get<Meta>(this.#k("m", id));
      if (!metaE.value || !headE.value) return;
      const m = { ...metaE.value };
      const head = { ...headE.value };
      if (!over(m, head)) return;
      const op = this.#kv.atomic().check(headE);
      let n = 0;
      for await (
        const e of this.#kv.list<{ s: number; b: number }>(
          { prefix: this.#k("tx", id, m.g) },
          { limit: page },
        )
      ) {
        if (!over(m, head)) break;
        op.delete(e.key);
        op.delete(this.#k("log", e.value.s));
        m.count--;
        m.bytes -= e.value.b;
        head.bytes -= e.value.b;
        m.first = (e.key[e.key.length - 1] as number) + 1;
        n++;
      }
      if (n === 0) return;
      op.set(this.#k("m", id), m);
      // the head changes too, so writers holding an older meta retry
      op.set(this.#k("head"), head);
      if ((await op.commit()).ok) {
        this.stats.dropped += n;
        this.stats.bytes = head.bytes;
      }
    }
  }

  /** Over `maxBytes`: drops the globally oldest transitions, a page at a time. */
  async #trimGlobal(): Promise<void> {
    for (let round = 0; round < 10_000; round++) {
      const head = (await this.#kv.get<Head>(this.#k("head"))).value;
      if (!head || head.bytes <= this.#l.maxBytes) return;
      // the globally oldest transition is its machine's oldest
      let victim: string | undefined;
      for await (const e of this.#kv.list<LogValue>({ prefix: this.#k("log") }, { limit: 100 })) {
        if (e.value.c > 0) {
          victim = e.value.i;
          break;
        }
      }
      if (!victim) return;
      await this.#trimMachine(victim, (m, h) => h.bytes > this.#l.maxBytes && m.count > 0, 20);
    }
  }

  async #evict(id: string): Promise<void> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const headE = await this.#kv.get<Head>(this.#k("head"));
      const metaE = await this.#kv.get<Meta>(this.#k("m", id));
      if (!metaE.value || !headE.value) return;
      const head = { ...headE.value };
      head.machines--;
      head.bytes -= metaE.value.bytes;
      const res = await this.#kv.atomic().check(headE, metaE)
        .delete(this.#k("m", id))
        .set(this.#k("old", id, metaE.value.g), { o: metaE.value.o })
        .set(this.#k("head"), head)
        .commit();
      if (res.ok) {
        this.stats.evicted++;
        return;
      }
    }
  }

  /** Deletes entries of generations left behind (their schema and gone entries too). */
  async #cleanOld(): Promise<void> {
    for await (
      const marker of this.#kv.list<{ o: number[] }>({ prefix: this.#k("old") }, { limit: 10 })
    ) {
      const id = marker.key[marker.key.length - 2] as string;
      const g = marker.key[marker.key.length - 1] as number;
      for (;;) {
        const op = this.#kv.atomic();
        let n = 0;
        for await (
          const e of this.#kv.list<{ s: number }>({ prefix: this.#k("tx", id, g) }, { limit: 300 })
        ) {
          op.delete(e.key);
          op.delete(this.#k("log", e.value.s));
          n++;
        }
        if (n === 0) break;
        await op.commit();
        this.stats.dropped += n;
      }
      const op = this.#kv.atomic();
      for (const seq of marker.value.o ?? []) op.delete(this.#k("log", seq));
      await op.delete(marker.key).commit();
    }
  }
}
