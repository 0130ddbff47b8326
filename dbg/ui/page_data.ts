/**
 * The debugger page's data (browser side): JSON-RPC calls, the selected
 * machine's bounded window of pages, the stream tail and its dedupe by
 * seq. Plain function declarations, served as source (see page_util.ts).
 *
 * @module
 */

import type { DbgMsgSchema } from "../messages.ts";
import type { PageMachine, PageState, PageTx } from "./page_types.ts";

/**
 * Calls a JSON-RPC method of the endpoint.
 *
 * @example Usage
 * ```ts ignore
 * const machines = await pageRpc(S, "machines", {});
 * ```
 */
export async function pageRpc<T>(
  S: PageState,
  method: string,
  params: Record<string, unknown>,
): Promise<T> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (S.token) headers.authorization = "Bearer " + S.token;
  const res = await fetch(new URL("rpc", S.base), {
    method: "POST",
    headers,
    body: JSON.stringify({ jsonrpc: "2.0", id: S.rpcId++, method, params }),
  });
  const body = await res.json();
  if (body.error) throw new Error(body.error.message || String(body.error));
  return body.result as T;
}

/**
 * Transitions per page request.
 *
 * @example Usage
 * ```ts ignore
 * pagePageSize(); // 500
 * ```
 */
export function pagePageSize(): number {
  return 500;
}

/**
 * Transitions the window holds at most (10 pages).
 *
 * @example Usage
 * ```ts ignore
 * pageWindowMax(); // 5000
 * ```
 */
export function pageWindowMax(): number {
  return 5000;
}

/**
 * A tree entry from the hub's MachineInfo; `prev` is the page's entry it
 * replaces (what the page saw of the same session).
 *
 * @example Usage
 * ```ts ignore
 * pageMachineFrom({ id: "m", parent: "", txs: 0 });
 * ```
 */
export function pageMachineFrom(
  m: Partial<PageMachine> & { id: string },
  prev?: PageMachine,
): PageMachine {
  const txs = m.txs || 0;
  const first = m.firstCursor || 0;
  const session = m.session || 1;
  // a first session starts at cursor 1; a later one where the old one's cursors got to
  let base = session === 1 ? 1 : prev && prev.session === session ? prev.base : 0;
  if (first && (!base || first < base)) base = first;
  return {
    id: m.id,
    parent: m.parent || "",
    tags: m.tags || [],
    states: m.states || 0,
    txs,
    firstCursor: first,
    lastCursor: m.lastCursor || 0,
    alive: m.alive !== false,
    session,
    lastSeq: m.lastSeq || 0,
    // once the hub dropped some of this session's history, its count is at the retention limit
    cap: base && first > base ? txs : 0,
    base,
    recent: [],
    start: 0,
  };
}

/**
 * Forgets what the window and the sequence lanes hold of a machine (a new
 * session: its history starts over).
 *
 * @example Usage
 * ```ts ignore
 * pageForgetHistory(S, "m1");
 * ```
 */
export function pageForgetHistory(S: PageState, id: string): void {
  if (S.win.id === id) {
    S.win.txs = [];
    S.win.moreOlder = false;
    S.win.moreNewer = false;
    if (S.pos >= 0) S.pos = -1;
  }
  for (const lane of S.lanes) {
    if (lane.id !== id) continue;
    lane.txs = [];
    lane.moreOlder = false;
  }
}

/**
 * Counts one transition of a machine's stream (newer than its `lastSeq`):
 * a cursor going back starts the history over (evicted alive, re-created);
 * once the hub dropped history the count stays at its retention limit.
 *
 * @example Usage
 * ```ts ignore
 * pageCountTx(S, S.machines.get("m1")!, 42, 7);
 * ```
 */
export function pageCountTx(S: PageState, m: PageMachine, seq: number, cursor: number): void {
  if (cursor <= m.lastCursor) {
    // cursors go on across sessions: one going back is a history started over (evicted alive)
    Object.assign(m, {
      txs: 0,
      firstCursor: 0,
      lastCursor: 0,
      cap: 0,
      base: 0,
      recent: [],
      start: seq,
    });
    pageForgetHistory(S, m.id);
  }
  m.txs++;
  if (m.cap && m.txs > m.cap) {
    m.txs = m.cap;
    m.firstCursor++;
  }
  if (!m.firstCursor) m.firstCursor = cursor;
  if (!m.base) m.base = cursor;
  m.lastCursor = cursor;
  m.lastSeq = seq;
  m.recent.push(seq);
  // lists come every few seconds and trim it; bounded if they stop coming
  if (m.recent.length > 4096) m.recent.splice(0, 2048);
}

/**
 * Keeps a transition (cursor) or its end (`gone`: cursor -1) of a machine
 * no list had yet (bounded: the oldest machine's go first).
 *
 * @example Usage
 * ```ts ignore
 * pagePending(S, "m1", 42, 7);
 * ```
 */
export function pagePending(S: PageState, id: string, seq: number, cursor: number): void {
  let txs = S.pending.get(id);
  if (!txs) {
    if (S.pending.size >= 1000) S.pending.delete(S.pending.keys().next().value!);
    S.pending.set(id, txs = []);
  }
  if (txs.length < 4096) txs.push([seq, cursor]);
}

/**
 * Reloads the machine list (tree counts are the hub's), keeping what the
 * stream brought in since.
 *
 * The snapshot and the stream race (separate connections): per machine the
 * newer `lastSeq` wins, in whichever session, since seqs grow across
 * sessions; within one instance a stream ahead of the list keeps its place
 * but takes the list's count plus what it brought since (the list's count
 * covers frames a `gap` cost the stream). A snapshot of an older session never replaces a newer one the
 * stream delivered, nor brings back a machine a newer list left out
 * (evicted); stream frames the snapshot already holds are skipped by
 * `pageIngest` (seq at or under the machine's `lastSeq`).
 *
 * @example Usage
 * ```ts ignore
 * await pageLoadMachines(S);
 * ```
 */
export async function pageLoadMachines(S: PageState): Promise<void> {
  const list = await pageRpc<PageMachine[]>(S, "machines", {});
  // the hub's seq when it listed them: its newest event is some machine's last
  const snapshot = list.reduce((max, m) => Math.max(max, m.lastSeq || 0), 0);
  // older than a list merged before: that one decided which machines are gone (evicted)
  const stale = snapshot < S.listSeq;
  S.listSeq = Math.max(S.listSeq, snapshot);
  const seen = new Set<string>();
  for (const info of list) {
    seen.add(info.id);
    const old = S.machines.get(info.id);
    const at = info.lastSeq || 0;
    const sameInstance = old && old.session === (info.session || 1) && at >= old.start;
    if (old && sameInstance && !stale && old.lastSeq > at) {
      // the stream is ahead of the list: the list's count (which covers any gap the
      // stream had) plus the transitions the stream brought after it; `recent` holds
      // those after the last list merged, so only a newer list can use it
      const after = old.recent.filter((seq) => seq > at);
      const txs = (info.txs || 0) + after.length;
      old.txs = old.cap ? Math.min(old.cap, txs) : txs;
      old.recent = after;
      continue;
    }
    if (old ? old.lastSeq > at : stale) continue;
    const m = pageMachineFrom(info, old);
    if (old && old.session !== m.session) pageForgetHistory(S, info.id);
    S.machines.set(info.id, m);
    // what the stream brought of it before this list: counted past the list's point
    for (const [seq, cursor] of S.pending.get(info.id) ?? []) {
      if (seq <= m.lastSeq) continue;
      if (cursor >= 0) pageCountTx(S, m, seq, cursor);
      else [m.alive, m.lastSeq] = [false, seq];
    }
    S.pending.delete(info.id);
  }
  // the rest is of machines this list doesn't have: kept only if newer than it
  for (const [id, txs] of S.pending) {
    const newer = txs.filter(([seq]) => seq > snapshot);
    if (newer.length) S.pending.set(id, newer);
    else S.pending.delete(id);
  }
  // gone from the hub (evicted), unless the stream brought it in after this snapshot
  for (const [id, m] of S.machines) {
    if (!seen.has(id) && m.lastSeq <= snapshot) S.machines.delete(id);
  }
}

/**
 * The machine's schema (fetched once).
 *
 * @example Usage
 * ```ts ignore
 * const schema = await pageSchema(S, "m1");
 * ```
 */
export async function pageSchema(S: PageState, id: string): Promise<DbgMsgSchema | undefined> {
  const have = S.schemas.get(id);
  if (have) return have;
  try {
    const schema = await pageRpc<DbgMsgSchema>(S, "schema", { id });
    S.schemas.set(id, schema);
    return schema;
  } catch {
    return undefined;
  }
}

/**
 * One page of a machine's transitions: `older` than `cursor` (absent: the
 * newest page) or `newer`.
 *
 * @example Usage
 * ```ts ignore
 * const page = await pageTxs(S, "m1", undefined, "older");
 * ```
 */
export async function pageTxs(
  S: PageState,
  id: string,
  cursor: number | undefined,
  dir: "older" | "newer",
  limit?: number,
): Promise<{ txs: PageTx[]; more: boolean; first: number; last: number }> {
  const params: Record<string, unknown> = { id, dir, limit: limit || pagePageSize() };
  if (cursor !== undefined) params.cursor = cursor;
  S.stats.pages++;
  return await pageRpc(S, "txs", params);
}

/**
 * Selects a machine and loads its newest page, or the page ending at
 * `cursor` (a deep link), then renders.
 *
 * @example Usage
 * ```ts ignore
 * await pageSelect(S, "m1");
 * ```
 */
export async function pageSelect(S: PageState, id: string, cursor?: number): Promise<void> {
  S.selected = id;
  S.pos = cursor === undefined ? -1 : cursor;
  S.reveal = cursor !== undefined;
  const win = { id, txs: [] as PageTx[], moreOlder: false, moreNewer: false, loading: true };
  S.win = win;
  S.schedule();
  const run = async () => {
    await pageSchema(S, id);
    if (!S.machines.has(id)) return;
    const page = await pageTxs(S, id, cursor === undefined ? undefined : cursor + 1, "older");
    if (S.win !== win) return;
    win.txs = page.txs;
    win.moreOlder = page.more;
    const newest = win.txs.length ? win.txs[win.txs.length - 1].cursor : 0;
    win.moreNewer = newest < page.last;
    if (cursor !== undefined && !win.txs.some((t) => t.cursor === cursor)) S.pos = -1;
  };
  S.busy = run().catch(() => {}).finally(() => {
    win.loading = false;
    S.busy = undefined;
    S.schedule();
  });
  await S.busy;
}

/**
 * Pages older transitions into the window (dropping the newest beyond the
 * bound); returns how many came in.
 *
 * @example Usage
 * ```ts ignore
 * await pageLoadOlder(S);
 * ```
 */
export async function pageLoadOlder(S: PageState): Promise<number> {
  const win = S.win;
  if (win.loading || !win.moreOlder || !win.txs.length) return 0;
  win.loading = true;
  let added = 0;
  const run = async () => {
    const page = await pageTxs(S, win.id, win.txs[0].cursor, "older");
    if (S.win !== win) return;
    win.txs = page.txs.concat(win.txs);
    win.moreOlder = page.more;
    added = page.txs.length;
    const over = win.txs.length - pageWindowMax();
    if (over > 0) {
      win.txs.splice(win.txs.length - over, over);
      win.moreNewer = true;
    }
  };
  S.busy = run().catch(() => {}).finally(() => {
    win.loading = false;
    S.busy = undefined;
  });
  await S.busy;
  return added;
}

/**
 * Pages newer transitions into the window (dropping the oldest beyond the
 * bound); returns how many came in.
 *
 * @example Usage
 * ```ts ignore
 * await pageLoadNewer(S);
 * ```
 */
export async function pageLoadNewer(S: PageState): Promise<number> {
  const win = S.win;
  if (win.loading || !win.moreNewer || !win.txs.length) return 0;
  win.loading = true;
  let added = 0;
  const run = async () => {
    const page = await pageTxs(S, win.id, win.txs[win.txs.length - 1].cursor, "newer");
    if (S.win !== win) return;
    win.txs = win.txs.concat(page.txs);
    win.moreNewer = page.more;
    added = page.txs.length;
    const over = win.txs.length - pageWindowMax();
    if (over > 0) {
      win.txs.splice(0, over);
      win.moreOlder = true;
    }
  };
  S.busy = run().catch(() => {}).finally(() => {
    win.loading = false;
    S.busy = undefined;
  });
  await S.busy;
  return added;
}
