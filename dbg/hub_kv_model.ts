/**
 * The Deno KV hub's stored model (keys, values, KV's limits) and a base
 * giving its parts the KV, the key prefix, the limits and the counters.
 * The key layout is described in `hub_kv.ts`.
 *
 * @module
 */

import { type HubStats, parseFrame } from "./hub_store.ts";
import type { HubEvent } from "./hub_types.ts";
import type { MemoryLimits } from "./hub_memory.ts";

/** Options of a {@linkcode KvHubStore}. */
export interface KvLimits extends MemoryLimits {
  prefix: Deno.KvKey;
  pollMs: number;
  expireInMs?: number;
}

/** A machine as stored. */
export interface Meta {
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

export interface Head {
  seq: number;
  bytes: number;
  machines: number;
}

export interface LogValue {
  i: string;
  g: number;
  c: number;
  /** The event itself, stored by KV's own serialisation (absent: JSON in parts). */
  e?: HubEvent;
  p?: number;
}

/**
 * A machine's index page: the transitions one commit gave it, cursors
 * `first..first + s.length - 1` (the key's last part is `first`), their seqs
 * and encoded sizes. Entries below the machine's `first` are dropped ones.
 */
export interface IndexPage {
  s: number[];
  b: number[];
}

/** An index page as stored (a store written before pages kept one entry a key). */
export function indexPage(v: IndexPage | { s: number; b: number }): IndexPage {
  return typeof v.s === "number" ? { s: [v.s], b: [v.b as number] } : v as IndexPage;
}

// KV's limits (denokv): 1000 mutations and 800 KiB per atomic, 64 KiB values, 10 keys per getMany
// each tx: 1 set (its log entry), and 1 delete when retention drops an old one in the same commit
// (drops in a commit are capped at MAX_BATCH_ITEMS); per machine: its index page and meta
export const MAX_BATCH_ITEMS = 300;
// deletes retention may add to a commit: 1000 less the sets (300 log entries, ~15 parts, 60 index
// pages, 60 metas, the head) and a margin; above one page's worth so a machine at its limit keeps up
export const DROP_BUDGET = 500;
export const MAX_BATCH_MACHINES = 60;
// estimated (JSON) bytes per commit: events are most of a commit (limit 800 KiB of KV's own
// encoding, measured ~0.75 of the JSON estimate on the bench's transitions: 860 KB estimated
// passed, 1.15 MB didn't); text KV stores at 2 bytes a char goes over and is split in halves
export const MAX_BATCH_BYTES = 880 * 1024;
export const PART_BYTES = 60_000;
// events estimated over this go to JSON parts: KV's serialisation of text can take 2 bytes a char
export const INLINE_BYTES = 30 * 1024;
export const MAX_KV_MESSAGE_BYTES = 700 * 1024;
export const GET_MANY = 10;
export const EMPTY_HEAD: Head = { seq: 0, bytes: 0, machines: 0 };

export function isBusy(e: unknown): boolean {
  return e instanceof Error && /database is locked|busy/i.test(e.message);
}

const decoder = new TextDecoder();

/** What the KV store's parts share. */
export class KvBase {
  /** The database. */
  readonly kv: Deno.Kv;
  /** Limits and options. */
  readonly l: KvLimits;
  /** Counters, shared with the store. */
  readonly stats: HubStats;

  constructor(kv: Deno.Kv, limits: KvLimits, stats: HubStats) {
    this.kv = kv;
    this.l = limits;
    this.stats = stats;
  }

  /** A key under the prefix. */
  k(...parts: Deno.KvKeyPart[]): Deno.KvKey {
    return [...this.l.prefix, ...parts];
  }

  /**
   * A generation's index pages from the one holding `cursor` on (pages
   * before it hold older cursors only).
   */
  async *pagesFrom(
    id: string,
    g: number,
    cursor: number,
  ): AsyncGenerator<{ key: Deno.KvKey; first: number; page: IndexPage }> {
    const base = this.k("tx", id, g);
    let start: Deno.KvKey | undefined;
    for await (
      const e of this.kv.list({ prefix: base, end: [...base, cursor + 1] }, {
        limit: 1,
        reverse: true,
      })
    ) start = e.key;
    const sel: Deno.KvListSelector = start ? { prefix: base, start } : { prefix: base };
    for await (
      const e of this.kv.list<IndexPage | { s: number; b: number }>(sel, { batchSize: 16 })
    ) {
      yield { key: e.key, first: e.key[e.key.length - 1] as number, page: indexPage(e.value) };
    }
  }

  /** Events of log entries (reading the parts of big ones). */
  async events(entries: Deno.KvEntry<LogValue>[]): Promise<HubEvent[]> {
    return await Promise.all(entries.map(async (e) => {
      if (e.value.e !== undefined) return e.value.e;
      const seq = e.key[e.key.length - 1] as number;
      const chunks: Uint8Array[] = [];
      for await (const part of this.kv.list<Uint8Array>({ prefix: this.k("part", seq) })) {
        chunks.push(part.value);
      }
      const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let off = 0;
      for (const c of chunks) {
        all.set(c, off);
        off += c.length;
      }
      return parseFrame(decoder.decode(all));
    }));
  }
}
