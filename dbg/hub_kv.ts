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
  sameInstance,
} from "./hub_store.ts";
import {
  EMPTY_HEAD,
  GET_MANY,
  type Head,
  isBusy,
  type KvLimits,
  type LogValue,
  MAX_BATCH_CHARS,
  MAX_BATCH_ITEMS,
  MAX_BATCH_MACHINES,
  MAX_KV_MESSAGE_BYTES,
  type Meta,
  PART_BYTES,
  PART_CHARS,
} from "./hub_kv_model.ts";
import { KvReader } from "./hub_kv_read.ts";
import { KvRetention } from "./hub_kv_retention.ts";

export type { KvLimits } from "./hub_kv_model.ts";

type Outcome = { ok: Appended } | { err: unknown };

interface Pending {
  input: HubInput;
  resolve: (a: Appended) => void;
  reject: (e: unknown) => void;
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

  #read: KvReader;
  #ret: KvRetention;

  constructor(kv: Deno.Kv, limits: KvLimits) {
    this.#kv = kv;
    this.#l = limits;
    this.#p = limits.prefix;
    this.#read = new KvReader(kv, limits, this.stats);
    this.#ret = new KvRetention(kv, limits, this.stats);
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
        await this.#ret.retain();
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
          if (this.#ret.over(m)) dropped += await this.#ret.dropOldest(id, m, head, op);
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
      for (const [id, m] of metas) if (m && this.#ret.over(m)) this.#ret.dirty.add(id);
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

  machines(): Promise<MachineInfo[]> {
    return this.#read.machines();
  }

  schema(id: string): Promise<DbgMsgSchema | undefined> {
    return this.#read.schema(id);
  }

  txs(
    id: string,
    cursor: number | undefined,
    limit: number,
    dir: "older" | "newer",
  ): Promise<TxPage> {
    return this.#read.txs(id, cursor, limit, dir);
  }

  since(seq: number, limit: number, machines?: Set<string>): Promise<SincePage> {
    return this.#read.since(seq, limit, machines);
  }
}
