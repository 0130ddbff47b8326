/**
 * Retention of the Deno KV hub: per machine (count, bytes) inside the
 * ingest commit when it can and after it otherwise, machines over the limit
 * (gone first, then the least recently active), bytes in all (globally
 * oldest first), and the entries of generations left behind by new
 * sessions and evictions.
 *
 * @module
 */

import {
  EMPTY_HEAD,
  type Head,
  type IndexPage,
  indexPage,
  KvBase,
  type LogValue,
  type Meta,
} from "./hub_kv_model.ts";

/** Keeps the KV hub within its limits. */
export class KvRetention extends KvBase {
  /** Machines over their limits after a commit. */
  readonly dirty = new Set<string>();

  /**
   * In the commit being built: deletes a machine's oldest committed
   * transitions while it's over its limits, within `budget.left` deletes
   * (shared by a commit's machines: KV takes 1000 mutations an atomic); the
   * rest after the commit.
   */
  dropOldest(
    id: string,
    m: Meta,
    head: Head,
    op: Deno.AtomicOperation,
    budget: { left: number },
  ): Promise<number> {
    // from the oldest retained: a commit in flight may be dropping older ones
    return this.#drop(id, m, head, op, (x) => this.over(x), budget);
  }

  /**
   * Adds to `op` the deletes of a machine's oldest transitions (from its
   * `first`) while `over`, spending at most `budget.left` deletes; an index
   * page goes with its last entry. Returns how many were dropped.
   */
  async #drop(
    id: string,
    m: Meta,
    head: Head,
    op: Deno.AtomicOperation,
    over: (m: Meta, head: Head) => boolean,
    budget: { left: number },
  ): Promise<number> {
    let n = 0;
    for await (const { key, first, page } of this.pagesFrom(id, m.g, m.first)) {
      // one delete kept back for the page's own
      for (let j = 0; j < page.s.length && budget.left > 1 && over(m, head); j++) {
        const cursor = first + j;
        // dropped already (by an earlier commit, or the one in flight)
        if (cursor < m.first) continue;
        op.delete(this.k("log", page.s[j]));
        m.count--;
        m.bytes -= page.b[j];
        head.bytes -= page.b[j];
        m.first = cursor + 1;
        budget.left--;
        n++;
      }
      if (first + page.s.length <= m.first) {
        op.delete(key);
        budget.left--;
      }
      if (budget.left <= 1 || !over(m, head)) break;
    }
    return n;
  }

  /** Whether retention has work after a commit leaving `head`. */
  due(head: Head): boolean {
    return this.dirty.size > 0 || this.oldPending || head.machines > this.l.maxMachines ||
      head.bytes > this.l.maxBytes;
  }

  over(m: Meta): boolean {
    return m.count > this.l.maxTxsPerMachine ||
      (m.bytes > this.l.maxBytesPerMachine && m.count > 1);
  }

  /** Retention after commits: per machine, machines, in all; old generations' entries. */
  /**
   * Old generations may wait to be cleaned: set when this process leaves one
   * behind, and at start (another process may have died before cleaning).
   */
  oldPending = true;
  /** Commits made (the store's cached state is stale after one). */
  commits = 0;

  /** Runs what's due; `head` is the one just committed (undefined: read it). */
  async retain(head?: Head): Promise<void> {
    for (const id of this.dirty) await this.#trimMachine(id, (m) => this.over(m));
    this.dirty.clear();
    if (
      head && head.machines <= this.l.maxMachines && head.bytes <= this.l.maxBytes &&
      !this.oldPending
    ) return;
    head = (await this.kv.get<Head>(this.k("head"))).value ?? EMPTY_HEAD;
    if (head.machines > this.l.maxMachines) {
      const metas: [string, Meta][] = [];
      for await (const e of this.kv.list<Meta>({ prefix: this.k("m") })) {
        metas.push([e.key[e.key.length - 1] as string, e.value]);
      }
      // gone machines first, then the least recently active
      metas.sort((a, b) => Number(a[1].alive) - Number(b[1].alive) || a[1].lastSeq - b[1].lastSeq);
      for (const [id] of metas.slice(0, head.machines - this.l.maxMachines)) await this.#evict(id);
    }
    if (head.bytes > this.l.maxBytes) await this.#trimGlobal();
    if (this.oldPending) {
      this.oldPending = false;
      await this.#cleanOld();
    }
  }

  /** Drops a machine's oldest transitions (pages of at most `page`) while `over(meta, head)`. */
  async #trimMachine(
    id: string,
    over: (m: Meta, head: Head) => boolean,
    page = 200,
  ): Promise<void> {
    for (let round = 0; round < 1000; round++) {
      const headE = await this.kv.get<Head>(this.k("head"));
      const metaE = await this.kv.get<Meta>(this.k("m", id));
      if (!metaE.value || !headE.value) return;
      const m = { ...metaE.value };
      const head = { ...headE.value };
      if (!over(m, head)) return;
      const op = this.kv.atomic().check(headE);
      const n = await this.#drop(id, m, head, op, over, { left: page });
      if (n === 0) return;
      op.set(this.k("m", id), m);
      // the head changes too, so writers holding an older meta retry
      op.set(this.k("head"), head);
      if ((await op.commit()).ok) {
        this.commits++;
        this.stats.dropped += n;
        this.stats.bytes = head.bytes;
      }
    }
  }

  /** Over `maxBytes`: drops the globally oldest transitions, a page at a time. */
  async #trimGlobal(): Promise<void> {
    for (let round = 0; round < 10_000; round++) {
      const head = (await this.kv.get<Head>(this.k("head"))).value;
      if (!head || head.bytes <= this.l.maxBytes) return;
      // the globally oldest transition is its machine's oldest
      let victim: string | undefined;
      for await (const e of this.kv.list<LogValue>({ prefix: this.k("log") }, { limit: 100 })) {
        if (e.value.c > 0) {
          victim = e.value.i;
          break;
        }
      }
      if (!victim) return;
      await this.#trimMachine(victim, (m, h) => h.bytes > this.l.maxBytes && m.count > 0, 20);
    }
  }

  async #evict(id: string): Promise<void> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const headE = await this.kv.get<Head>(this.k("head"));
      const metaE = await this.kv.get<Meta>(this.k("m", id));
      if (!metaE.value || !headE.value) return;
      const head = { ...headE.value };
      head.machines--;
      head.bytes -= metaE.value.bytes;
      const res = await this.kv.atomic().check(headE, metaE)
        .delete(this.k("m", id))
        .set(this.k("old", id, metaE.value.g), { o: metaE.value.o })
        .set(this.k("head"), head)
        .commit();
      if (res.ok) {
        this.commits++;
        this.stats.evicted++;
        this.oldPending = true;
        return;
      }
    }
  }

  /** Deletes entries of generations left behind (their schema and gone entries too). */
  async #cleanOld(): Promise<void> {
    for await (
      const marker of this.kv.list<{ o: number[] }>({ prefix: this.k("old") }, { limit: 10 })
    ) {
      const id = marker.key[marker.key.length - 2] as string;
      const g = marker.key[marker.key.length - 1] as number;
      for (;;) {
        const op = this.kv.atomic();
        let n = 0;
        let mutations = 0;
        for await (
          const e of this.kv.list<IndexPage | { s: number; b: number }>(
            { prefix: this.k("tx", id, g) },
            { batchSize: 16 },
          )
        ) {
          const page = indexPage(e.value);
          // a page's deletes stay in one commit (KV: 1000 mutations an atomic)
          if (mutations && mutations + page.s.length + 1 > 600) break;
          op.delete(e.key);
          for (const seq of page.s) op.delete(this.k("log", seq));
          mutations += page.s.length + 1;
          n += page.s.length;
        }
        if (n === 0) break;
        await op.commit();
        this.stats.dropped += n;
      }
      const op = this.kv.atomic();
      for (const seq of marker.value.o ?? []) op.delete(this.k("log", seq));
      await op.delete(marker.key).commit();
    }
  }
}
