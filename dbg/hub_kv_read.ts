/**
 * Queries of the Deno KV hub: machines, schema, a machine's transitions
 * paged both ways, the global log; served from KV by any process.
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
  EMPTY_HEAD,
  GET_MANY,
  type Head,
  type IndexPage,
  indexPage,
  KvBase,
  type LogValue,
  type Meta,
} from "./hub_kv_model.ts";

/** Reads the KV hub. */
export class KvReader extends KvBase {
  /** The head from KV. */
  async headValue(): Promise<Head> {
    return (await this.kv.get<Head>(this.k("head"))).value ?? EMPTY_HEAD;
  }

  async machines(): Promise<MachineInfo[]> {
    const metas: [string, Meta][] = [];
    for await (const e of this.kv.list<Meta>({ prefix: this.k("m") })) {
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
    const m = (await this.kv.get<Meta>(this.k("m", id))).value;
    if (!m) return undefined;
    const e = await this.kv.get<LogValue>(this.k("log", m.schemaSeq));
    if (!e.value) return undefined;
    const [event] = await this.events([e as Deno.KvEntry<LogValue>]);
    return (event as HubEvent & { kind: "schema" }).msg;
  }

  async txs(
    id: string,
    cursor: number | undefined,
    limit: number,
    dir: "older" | "newer",
  ): Promise<TxPage> {
    const m = (await this.kv.get<Meta>(this.k("m", id))).value;
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
    const index: { cursor: number; seq: number }[] = [];
    // one more than asked: tells whether more follow
    if (dir === "newer") {
      const from = Math.max((cursor ?? 0) + 1, m.first);
      for await (const { first: at, page } of this.pagesFrom(id, m.g, from)) {
        for (let j = 0; j < page.s.length && index.length <= limit; j++) {
          if (at + j >= from) index.push({ cursor: at + j, seq: page.s[j] });
        }
        if (index.length > limit) break;
      }
    } else {
      const end = cursor ?? last + 1;
      const base = this.k("tx", id, m.g);
      for await (
        const e of this.kv.list<IndexPage | { s: number; b: number }>(
          { prefix: base, end: [...base, end] },
          { reverse: true, batchSize: 16 },
        )
      ) {
        const at = e.key[e.key.length - 1] as number;
        const page = indexPage(e.value);
        for (let j = page.s.length - 1; j >= 0 && index.length <= limit; j--) {
          if (at + j < end && at + j >= m.first) index.push({ cursor: at + j, seq: page.s[j] });
        }
        if (index.length > limit || at <= m.first) break;
      }
    }
    const more = index.length > limit;
    if (more) index.pop();
    if (dir === "older") index.reverse();
    const logs: Deno.KvEntryMaybe<LogValue>[] = [];
    const reads = [];
    for (let i = 0; i < index.length; i += GET_MANY) {
      reads.push(
        this.kv.getMany<LogValue[]>(
          index.slice(i, i + GET_MANY).map((x) => this.k("log", x.seq)),
        ),
      );
    }
    for (const r of await Promise.all(reads)) logs.push(...r);
    const present = logs.filter((e) => e.value) as Deno.KvEntry<LogValue>[];
    const events = await this.events(present);
    const txs: TxPage["txs"] = events.map((x) => {
      const e = x as HubEvent & { kind: "tx" };
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

  async oldGenerations(): Promise<Set<string>> {
    const out = new Set<string>();
    for await (const e of this.kv.list({ prefix: this.k("old") })) {
      out.add(`${String(e.key[e.key.length - 2])}\u0000${String(e.key[e.key.length - 1])}`);
    }
    return out;
  }

  async since(seq: number, limit: number, machines?: Set<string>): Promise<SincePage> {
    const head = (await this.headValue()).seq;
    const old = await this.oldGenerations();
    const entries: Deno.KvEntry<LogValue>[] = [];
    let at = seq;
    let scanned = 0;
    const budget = limit * 16 + 1024;
    let more = false;
    const iter = this.kv.list<LogValue>(
      { start: this.k("log", seq + 1), end: this.k("log", Number.MAX_SAFE_INTEGER) },
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
    const events = await this.events(entries);
    return { events, seq: at, more, head: Math.max(head, at) };
  }
}
