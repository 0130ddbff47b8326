/**
 * The hub's Deno KV store: the same model as the memory store, kept in a
 * `Deno.Kv`, so every process (isolate, region) opening the same KV serves
 * one hub. Ingest is queued and written in batched atomic commits within
 * KV's limits; seqs and cursors are allocated under a check on one head
 * key, so concurrent writers in many processes never reuse a seq and keep
 * each machine's order; a writer killed mid-run leaves whole commits only.
 * Retention (per machine and in all, count and bytes, machines) runs in and
 * after commits; `expireInMs` adds KV's own expiry as a backstop. Parts:
 * hub_kv_write (a message's mutations), hub_kv_read (queries),
 * hub_kv_retention, hub_kv_tail, hub_kv_model. Over ~400 lines on purpose:
 * the commit pipeline (queue, batch, split, retry) is one state machine.
 *
 * Keys under the prefix P:
 * - `[P, "head"]` → `{ seq, bytes, machines }`, bumped by every commit;
 * - `[P, "m", id]` → the machine's meta (session, cursors, counts, bytes);
 * - `[P, "log", seq]` → `{ i: id, g: generation, c: cursor, e: event }`
 *   (the event by KV's serialisation; big ones as JSON in `p` parts at
 *   `[P, "part", seq, n]`);
 * - `[P, "tx", id, generation, cursor]` → `{ s: seqs, b: bytes }`, an index
 *   page: the cursors from `cursor` on that one commit gave the machine, their
 *   seqs and sizes (one key a machine a commit, not one a transition: KV's
 *   cost is mostly per mutation); entries below the meta's `first` are dropped;
 * - `[P, "old", id, generation]` → a generation left behind by a new
 *   session or an eviction, until its entries are deleted.
 *
 * @module
 */

import type { DbgMsgSchema } from "./messages.ts";
import { DbgHubError, type MachineInfo, type SincePage, type TxPage } from "./hub_types.ts";
import type { Appended, HubInput, HubStats, HubStore } from "./hub_store.ts";
import {
  DROP_BUDGET,
  EMPTY_HEAD,
  GET_MANY,
  type Head,
  isBusy,
  type KvLimits,
  MAX_BATCH_BYTES,
  MAX_BATCH_ITEMS,
  MAX_BATCH_MACHINES,
  type Meta,
} from "./hub_kv_model.ts";
import { KvReader } from "./hub_kv_read.ts";
import { kvTail } from "./hub_kv_tail.ts";
import { type CommitDraft, KvWriter } from "./hub_kv_write.ts";
import { jsonSize, txJsonSize } from "./json_size.ts";
import { KvRetention } from "./hub_kv_retention.ts";

export type { KvLimits } from "./hub_kv_model.ts";

/** A state's answer for a machine it doesn't know (read it from KV). */
const UNKNOWN = Symbol("unknown");

/** Head and machines to build a batch on. */
interface State {
  head: Head;
  /** The head's versionstamp the commit checks (null: no head yet). */
  vs: string | null;
  meta: (id: string) => Meta | undefined | typeof UNKNOWN;
}

/** A batch's commit, built, not yet submitted. */
interface Built {
  batch: Pending[];
  op: Deno.AtomicOperation;
  head: Head;
  metas: Map<string, Meta | undefined>;
  outcome: Outcome[];
  dropped: number;
  vs: string | null;
}

function isTooLarge(e: unknown): boolean {
  return e instanceof Error && /too large/i.test(e.message);
}

function idOf(input: HubInput): string {
  return input.kind === "tx"
    ? input.msg.MachineID
    : input.kind === "schema"
    ? input.msg.ID
    : input.id;
}

function cloneMeta(m: Meta | undefined): Meta | undefined {
  return m && { ...m, o: [...m.o] };
}

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
  #write: KvWriter;
  /** The head of this process's last commit. */
  #committed: Head | undefined;
  /** The state after this process's last commit: saves reads while no other writer commits. */
  #cache: { head: Head; vs: string; metas: Map<string, Meta | undefined> } | undefined;
  #ret: KvRetention;

  constructor(kv: Deno.Kv, limits: KvLimits) {
    this.#kv = kv;
    this.#l = limits;
    this.#p = limits.prefix;
    this.#read = new KvReader(kv, limits, this.stats);
    this.#write = new KvWriter(kv, limits, this.stats);
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
      this.#flushing ??= this.#run();
    });
  }

  /** Flushes until the queue is empty (an append racing the end starts it again). */
  async #run(): Promise<void> {
    try {
      await this.#flush();
    } finally {
      this.#flushing = undefined;
      if (this.#queue.length) this.#flushing = this.#run();
    }
  }

  async #flush(): Promise<void> {
    // the next batch, built on the state the commit in flight will leave
    let next: Built | undefined;
    while (this.#queue.length || next) {
      let cur: Built | undefined = next;
      next = undefined;
      let batch = cur?.batch ?? this.#take();
      let outcome: Outcome[];
      let ahead: Promise<Built | undefined> | undefined;
      try {
        cur ??= await this.#prepare(batch, this.#cacheState());
        const committing = this.#submit(cur);
        // overlap: encode the next batch while SQLite writes this one
        if (this.#queue.length && !this.#ret.due(cur.head)) {
          const aheadBatch = this.#take();
          ahead = this.#prepare(aheadBatch, this.#stateAfter(cur)).catch(() => {
            this.#queue.unshift(...aheadBatch);
            return undefined;
          });
        }
        const res = await committing;
        if (res.ok) {
          this.#finish(cur, res.versionstamp);
          outcome = cur.outcome;
          const built = await ahead;
          if (built) {
            built.vs = res.versionstamp;
            next = built;
          }
        } else {
          this.#cache = undefined;
          const built = await ahead;
          if (built) this.#queue.unshift(...built.batch);
          outcome = await this.#commit(batch);
        }
      } catch (e) {
        if (isTooLarge(e) && batch.length > 1) {
          // the pipelined commit was over KV's size: the retrying path splits it
          const built = await ahead;
          if (built) this.#queue.unshift(...built.batch);
          ahead = undefined;
          this.#cache = undefined;
          try {
            outcome = await this.#commit(batch);
          } catch (e2) {
            for (const p of batch) p.reject(e2);
            continue;
          }
          batch.forEach((p, i) => {
            const o = outcome[i];
            if ("ok" in o) p.resolve(o.ok);
            else p.reject(o.err);
          });
          continue;
        }
        const built = await ahead;
        if (built) this.#queue.unshift(...built.batch);
        next = undefined;
        for (const p of batch) p.reject(e);
        continue;
      }
      if (!next) {
        try {
          // bounded before the batch is acknowledged
          const commits = this.#ret.commits;
          await this.#ret.retain(this.#committed);
          if (this.#ret.commits !== commits) this.#cache = undefined;
        } catch {
          this.#cache = undefined;
          // retention runs again after the next commit
        }
      }
      batch.forEach((p, i) => {
        const o = outcome[i];
        if ("ok" in o) p.resolve(o.ok);
        else p.reject(o.err);
      });
      batch = [];
    }
  }

  /** The next batch within KV's per-commit limits. */
  #take(): Pending[] {
    const batch: Pending[] = [];
    const ids = new Set<string>();
    let chars = 0;
    while (this.#queue.length && batch.length < MAX_BATCH_ITEMS) {
      const p = this.#queue[0];
      const id = idOf(p.input);
      // a rough size: the frame is the message plus ~150 chars of envelope
      // estimated: encoded once, in the commit
      const size = p.input.kind === "tx"
        ? txJsonSize(p.input.msg)
        : p.input.kind === "schema"
        ? jsonSize(p.input.msg) + 100
        : 100;
      if (
        batch.length &&
        (chars + size > MAX_BATCH_BYTES || (!ids.has(id) && ids.size >= MAX_BATCH_MACHINES))
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

  /**
   * Writes a batch in one atomic commit, retrying while other writers win
   * the head; a batch over KV's commit size (estimates can be short for
   * text KV stores at 2 bytes a char) is written in halves.
   */
  async #commit(batch: Pending[]): Promise<Outcome[]> {
    for (let attempt = 0;; attempt++) {
      const built = await this.#prepare(batch, attempt === 0 ? this.#cacheState() : undefined);
      let res: Deno.KvCommitResult | Deno.KvCommitError;
      try {
        res = await this.#submit(built);
      } catch (e) {
        if (!isTooLarge(e) || batch.length < 2) throw e;
        this.#cache = undefined;
        const half = Math.ceil(batch.length / 2);
        return [
          ...await this.#commit(batch.slice(0, half)),
          ...await this.#commit(batch.slice(half)),
        ];
      }
      if (res.ok) {
        this.#finish(built, res.versionstamp);
        return built.outcome;
      }
      this.#cache = undefined;
      // another writer committed first: read again, allocate again
      if (attempt > 10_000) throw new DbgHubError("KV: too many write conflicts");
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 ** attempt)));
    }
  }

  /** What this process knows of the state after its last commit. */
  #cacheState(): State | undefined {
    const c = this.#cache;
    if (!c) return undefined;
    return { head: c.head, vs: c.vs, meta: (id) => c.metas.has(id) ? c.metas.get(id) : UNKNOWN };
  }

  /** The state `b` leaves once committed (its versionstamp known only then). */
  #stateAfter(b: Built): State {
    const before = this.#cacheState();
    return {
      head: b.head,
      vs: null,
      meta: (id) => b.metas.has(id) ? b.metas.get(id) : before ? before.meta(id) : UNKNOWN,
    };
  }

  /**
   * Builds a batch's commit on a state (this process's cache, the commit in
   * flight's outcome, or, without one, read from KV).
   */
  async #prepare(batch: Pending[], state: State | undefined): Promise<Built> {
    const ids = [...new Set(batch.map((p) => idOf(p.input)))];
    const metas = new Map<string, Meta | undefined>();
    let head: Head, vs: string | null;
    let unknown: string[] = [];
    if (state) {
      head = { ...state.head };
      vs = state.vs;
      for (const id of ids) {
        const m = state.meta(id);
        if (m === UNKNOWN) unknown.push(id);
        else metas.set(id, cloneMeta(m));
      }
    } else {
      const headEntry = await this.#kv.get<Head>(this.#k("head"));
      head = { ...(headEntry.value ?? EMPTY_HEAD) };
      vs = headEntry.versionstamp;
      unknown = ids;
    }
    if (unknown.length) {
      for (const [id, e] of await this.#metas(unknown)) {
        metas.set(id, cloneMeta(e.value ?? undefined));
      }
    }
    const op = this.#kv.atomic();
    const outcome: Outcome[] = [];
    const draft: CommitDraft = {
      op,
      head,
      metas,
      pages: new Map(),
      expire: this.#l.expireInMs ? { expireIn: this.#l.expireInMs } : undefined,
    };
    for (const { input } of batch) {
      try {
        outcome.push({ ok: this.#write.apply(input, draft) });
      } catch (e) {
        outcome.push({ err: e });
      }
    }
    this.#write.setPages(draft);
    let dropped = 0;
    const budget = { left: DROP_BUDGET };
    for (const [id, m] of metas) {
      if (!m) continue;
      if (this.#ret.over(m) && budget.left > 1) {
        dropped += await this.#ret.dropOldest(id, m, head, op, budget);
      }
      op.set(this.#k("m", id), m);
    }
    op.set(this.#k("head"), head);
    return { batch, op, head, metas, outcome, dropped, vs };
  }

  /** Commits under the check that the head is still what the batch was built on. */
  async #submit(b: Built): Promise<Deno.KvCommitResult | Deno.KvCommitError> {
    try {
      return await b.op.check({ key: this.#k("head"), versionstamp: b.vs }).commit();
    } catch (e) {
      // SQLite's "database is locked" under concurrent writers: as a lost check, retry
      if (!isBusy(e)) throw e;
      return { ok: false };
    }
  }

  #finish(b: Built, versionstamp: string): void {
    if (this.#write.oldLeft) {
      this.#write.oldLeft = false;
      this.#ret.oldPending = true;
    }
    this.#seq = Math.max(this.#seq, b.head.seq);
    this.stats.bytes = b.head.bytes;
    this.stats.dropped += b.dropped;
    for (const [id, m] of b.metas) if (m && this.#ret.over(m)) this.#ret.dirty.add(id);
    this.#committed = b.head;
    const known = this.#cache?.metas ?? new Map<string, Meta | undefined>();
    if (known.size > 10_000) known.clear();
    for (const [id, m] of b.metas) known.set(id, m);
    this.#cache = { head: b.head, vs: versionstamp, metas: known };
  }

  tail(emit: (a: Appended) => void): () => void {
    return kvTail(this.#read, this.#l.pollMs, emit);
  }

  async drain(): Promise<void> {
    // #run restarts itself for appends racing its end: wait until nothing is queued
    while (this.#flushing) await this.#flushing.catch(() => {});
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
