/**
 * The hub's in-memory store (the embedded default): a global log of events
 * in seq order, per machine a window of transition records, bounded in
 * count and (encoded) bytes per machine and in all, and in machines. Events
 * are returned as stored: callers treat them as read-only.
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
import { jsonSize, txJsonSize } from "./json_size.ts";

/**
 * One stored event and its encoded size (estimated: nothing is encoded at
 * ingest); `seq` copied out for the log's binary search.
 */
interface Rec {
  seq: number;
  event: HubEvent;
  bytes: number;
  dropped: boolean;
}

interface Mach {
  id: string;
  schema: DbgMsgSchema;
  session: number;
  alive: boolean;
  lastSeq: number;
  nextCursor: number;
  // transitions: a window over `txs` from `txStart`, cursors consecutive
  txs: Rec[];
  txStart: number;
  // schema versions and gone markers still in the log
  others: Rec[];
  bytes: number;
}

/** Limits of a {@linkcode MemoryHubStore}. */
export interface MemoryLimits {
  maxTxsPerMachine: number;
  maxMachines: number;
  maxBytesPerMachine: number;
  maxBytes: number;
  maxMessageBytes: number;
}

// schema versions kept per machine: a machine re-sending its schema can't grow the log
const MAX_SCHEMA_VERSIONS = 8;

/** The in-memory hub store. */
export class MemoryHubStore implements HubStore {
  #l: MemoryLimits;
  // Map order is activity order (least recent first): eviction takes the front
  #machines = new Map<string, Mach>();
  #gone = new Set<string>();
  #log: Rec[] = [];
  #logStart = 0;
  #logDropped = 0;
  #txFront = 0;
  #seq = 0;
  #emit: ((a: Appended) => void) | undefined;
  readonly stats: HubStats = { evicted: 0, dropped: 0, bytes: 0 };

  constructor(limits: MemoryLimits) {
    this.#l = limits;
  }

  get seq(): number {
    return this.#seq;
  }

  head(): Promise<number> {
    return Promise.resolve(this.#seq);
  }

  tail(emit: (a: Appended) => void): () => void {
    this.#emit = emit;
    return () => this.#emit = undefined;
  }

  close(): void {
    this.#emit = undefined;
  }

  append(input: HubInput): Promise<Appended> {
    try {
      return Promise.resolve(this.appendSync(input));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  appendSync(input: HubInput): Appended {
    const a = input.kind === "tx"
      ? this.#appendTx(input)
      : input.kind === "schema"
      ? this.#appendSchema(input.msg)
      : this.#appendGone(input.id);
    this.#emit?.(a);
    return a;
  }

  #record(event: HubEvent): Rec {
    // validated messages always encode (free-form data was made JSON-safe): only the size matters
    const bytes = event.kind === "tx" ? txJsonSize(event.msg) : jsonSize(event);
    if (bytes > this.#l.maxMessageBytes) {
      throw new DbgHubError(
        `message of ${event.machineId} is ${bytes} bytes encoded, over ${this.#l.maxMessageBytes}`,
      );
    }
    return { seq: event.seq, event, bytes, dropped: false };
  }

  #push(m: Mach, rec: Rec): void {
    this.#seq = rec.seq;
    this.#log.push(rec);
    m.lastSeq = rec.seq;
    m.bytes += rec.bytes;
    this.stats.bytes += rec.bytes;
    if (this.#machines.size > 1) {
      // re-inserting moves the machine to the end: the Map stays in activity order
      this.#machines.delete(m.id);
      this.#machines.set(m.id, m);
    }
  }

  #appendTx(input: HubInput & { kind: "tx" }): Appended {
    const msg = input.msg;
    const m = this.#machines.get(msg.MachineID);
    if (!m) {
      throw new DbgHubError(`unknown machine ${msg.MachineID}: send its schema first`);
    }
    msg.Time ??= new Date();
    const event: HubEvent = {
      seq: this.#seq + 1,
      kind: "tx",
      machineId: m.id,
      cursor: m.nextCursor,
      msg,
    };
    const rec = this.#record(event);
    m.nextCursor++;
    m.txs.push(rec);
    this.#push(m, rec);
    this.#trimMachine(m);
    this.#trimAll();
    return { event };
  }

  #appendSchema(msg: DbgMsgSchema): Appended {
    let m = this.#machines.get(msg.ID);
    const newSession = m !== undefined && (!m.alive || !sameInstance(m.schema, msg));
    const event: HubEvent = {
      seq: this.#seq + 1,
      kind: "schema",
      machineId: msg.ID,
      session: m ? (newSession ? m.session + 1 : m.session) : 1,
      msg,
    };
    const rec = this.#record(event);
    if (!m) {
      if (this.#machines.size >= this.#l.maxMachines) this.#evict();
      m = {
        id: msg.ID,
        schema: msg,
        session: 1,
        alive: true,
        lastSeq: 0,
        nextCursor: 1,
        txs: [],
        txStart: 0,
        others: [],
        bytes: 0,
      };
      this.#machines.set(msg.ID, m);
    } else if (newSession) {
      // a new instance: its history doesn't interleave with the old one's
      this.#dropAll(m);
      m.session++;
      m.alive = true;
      this.#gone.delete(m.id);
    }
    m.schema = msg;
    m.others.push(rec);
    this.#push(m, rec);
    const schemas = m.others.filter((r) => r.event.kind === "schema" && !r.dropped);
    if (schemas.length > MAX_SCHEMA_VERSIONS) this.#drop(m, schemas[0]);
    this.#trimAll();
    return { event };
  }

  #appendGone(id: string): Appended {
    const m = this.#machines.get(id);
    if (!m) throw new DbgHubError(`unknown machine ${id}`);
    if (!m.alive) {
      // already gone: the same event again, nothing appended
      return { event: m.others.findLast((r) => r.event.kind === "gone")!.event };
    }
    const event: HubEvent = { seq: this.#seq + 1, kind: "gone", machineId: id };
    const rec = this.#record(event);
    m.alive = false;
    this.#gone.add(id);
    m.others.push(rec);
    this.#push(m, rec);
    return { event };
  }

  #drop(m: Mach, rec: Rec): void {
    if (rec.dropped) return;
    rec.dropped = true;
    m.bytes -= rec.bytes;
    this.stats.bytes -= rec.bytes;
    this.stats.dropped++;
    this.#logDropped++;
    if (rec.event.kind !== "tx") m.others = m.others.filter((r) => r !== rec);
  }

  #dropOldestTx(m: Mach): void {
    this.#drop(m, m.txs[m.txStart++]);
    if (m.txStart > 1024 && m.txStart * 2 > m.txs.length) {
      m.txs = m.txs.slice(m.txStart);
      m.txStart = 0;
    }
  }

  #dropAll(m: Mach): void {
    while (m.txStart < m.txs.length) this.#dropOldestTx(m);
    for (const r of [...m.others]) this.#drop(m, r);
  }

  #trimMachine(m: Mach): void {
    while (
      m.txs.length - m.txStart > this.#l.maxTxsPerMachine ||
      (m.bytes > this.#l.maxBytesPerMachine && m.txs.length - m.txStart > 1)
    ) this.#dropOldestTx(m);
  }

  /** Drops the globally oldest transitions while over the byte budget. */
  #trimAll(): void {
    while (this.stats.bytes > this.#l.maxBytes) {
      const log = this.#log;
      let i = Math.max(this.#txFront, this.#logStart);
      while (i < log.length && (log[i].dropped || log[i].event.kind !== "tx")) i++;
      this.#txFront = i;
      if (i >= log.length) break;
      // the globally oldest transition is its machine's oldest too
      this.#dropOldestTx(this.#machines.get(log[i].event.machineId)!);
    }
    this.#compact();
  }

  #compact(): void {
    const log = this.#log;
    while (this.#logStart < log.length && log[this.#logStart].dropped) {
      this.#logStart++;
      this.#logDropped--;
    }
    const live = log.length - this.#logStart;
    // copy the live part once the dead prefix or the dropped records outweigh it
    const big = this.#logStart > 4096 || this.#logDropped > 4096;
    if ((this.#logStart > 4096 && this.#logStart > live) || (big && this.#logDropped * 2 > live)) {
      this.#log = log.slice(this.#logStart).filter((r) => !r.dropped);
      this.#logStart = 0;
      this.#logDropped = 0;
      this.#txFront = 0;
    }
  }

  /** Evicts a gone machine if there is one, else the least recently active. */
  #evict(): void {
    const id = this.#gone.values().next().value ?? this.#machines.keys().next().value;
    if (id === undefined) return;
    const m = this.#machines.get(id)!;
    this.#dropAll(m);
    this.#machines.delete(id);
    this.#gone.delete(id);
    this.stats.evicted++;
    this.#compact();
  }

  machines(): Promise<MachineInfo[]> {
    const children = new Map<string, string[]>();
    for (const m of this.#machines.values()) {
      const p = m.schema.Parent;
      if (!p) continue;
      const list = children.get(p);
      if (list) list.push(m.id);
      else children.set(p, [m.id]);
    }
    const out: MachineInfo[] = [];
    for (const m of this.#machines.values()) {
      const n = m.txs.length - m.txStart;
      out.push({
        id: m.id,
        parent: m.schema.Parent ?? "",
        children: children.get(m.id) ?? [],
        tags: m.schema.Tags ?? [],
        states: m.schema.StatesIndex.length,
        txs: n,
        firstCursor: n ? m.nextCursor - n : 0,
        lastCursor: m.nextCursor - 1,
        alive: m.alive,
        session: m.session,
        lastSeq: m.lastSeq,
      });
    }
    return Promise.resolve(out);
  }

  schema(id: string): Promise<DbgMsgSchema | undefined> {
    return Promise.resolve(this.#machines.get(id)?.schema);
  }

  txs(
    id: string,
    cursor: number | undefined,
    limit: number,
    dir: "older" | "newer",
  ): Promise<TxPage> {
    const m = this.#machines.get(id);
    if (!m) return Promise.reject(new DbgHubError(`unknown machine ${id}`));
    const n = m.txs.length - m.txStart;
    const last = m.nextCursor - 1;
    const first = n ? m.nextCursor - n : 0;
    let err: string | undefined;
    if (dir === "newer" && cursor !== undefined && cursor > last) {
      err = `bad cursor ${cursor}: expected an integer from 0 to ${last}`;
    } else if (dir === "older" && cursor !== undefined && (cursor < 1 || cursor > last + 1)) {
      err = `bad cursor ${cursor}: expected an integer from 1 to ${last + 1}`;
    }
    if (err) return Promise.reject(new DbgHubError(err, "cursor"));
    // cursors are consecutive in the window, so positions are arithmetic
    let from: number, to: number; // cursors, inclusive
    if (dir === "newer") {
      from = Math.max((cursor ?? 0) + 1, first);
      to = Math.min(from + limit - 1, last);
    } else {
      to = Math.min((cursor ?? last + 1) - 1, last);
      from = Math.max(to - limit + 1, first);
    }
    const txs: TxPage["txs"] = [];
    if (n) {
      for (let c = from; c <= to; c++) {
        const e = m.txs[m.txStart + c - first].event as HubEvent & { kind: "tx" };
        txs.push({ seq: e.seq, cursor: e.cursor, msg: e.msg });
      }
    }
    const got = txs.length > 0;
    return Promise.resolve({
      txs,
      cursor: got ? (dir === "newer" ? to : from) : (cursor ?? (dir === "newer" ? 0 : last + 1)),
      more: dir === "newer" ? got ? to < last : false : got ? from > first : false,
      first,
      last,
    });
  }

  since(seq: number, limit: number, machines?: Set<string>): Promise<SincePage> {
    const log = this.#log;
    // first record with seq > the given one
    let lo = this.#logStart, hi = log.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (log[mid].seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    const events: HubEvent[] = [];
    let at = seq;
    // a filter can skip many records: the scan is bounded too, the client pages on
    let budget = limit * 16 + 1024;
    let i = lo;
    for (; i < log.length && events.length < limit && budget-- > 0; i++) {
      const r = log[i];
      at = r.seq;
      if (r.dropped || (machines && !machines.has(r.event.machineId))) continue;
      events.push(r.event);
    }
    return Promise.resolve({ events, seq: at, more: i < log.length, head: this.#seq });
  }
}
