/**
 * The debugger page's stream tail (browser side): the WebSocket with its
 * hello and gap frames, events deduplicated by seq and applied to the tree
 * counts, the window and the sequence lanes, catching up after a lag.
 * Plain function declarations, served as source (see page_util.ts).
 *
 * @module
 */

import type { DbgMsgSchema } from "../messages.ts";
import type { PageState, PageTx } from "./page_types.ts";
import {
  pageCountTx,
  pageForgetHistory,
  pageLoadMachines,
  pageLoadNewer,
  pageMachineFrom,
  pagePending,
  pageSelect,
  pageWindowMax,
} from "./page_data.ts";

/**
 * Following the newest while the window's end isn't (events arrived during
 * a page load, or a pause): pages newer ones in, or reloads the newest page
 * when far behind.
 *
 * @example Usage
 * ```ts ignore
 * pageCatchUp(S);
 * ```
 */
export function pageCatchUp(S: PageState): void {
  const win = S.win;
  if (S.pos >= 0 || S.paused || win.loading || !win.moreNewer || S.busy) return;
  const m = S.machines.get(win.id);
  const last = win.txs.length ? win.txs[win.txs.length - 1].cursor : 0;
  if (!last || (m && m.lastCursor - last > pageWindowMax())) pageSelect(S, win.id);
  else pageLoadNewer(S).then(() => S.schedule());
}

/**
 * Applies one stream frame: a hub event (deduped by seq), `hello` or `gap`.
 * Returns true when the view changed.
 *
 * @example Usage
 * ```ts ignore
 * pageIngest(S, { seq: 5, kind: "gone", machineId: "m1" });
 * ```
 */
export function pageIngest(S: PageState, frame: Record<string, unknown>): boolean {
  S.stats.frames++;
  if (frame.hello || frame.gap) {
    if (frame.gap) S.stats.gaps++;
    const head = Number((frame.hello as { seq?: unknown } | undefined)?.seq);
    if (head >= 0 && head < S.seq) {
      // the hub's seq went back (a new hub): the seqs the page dedupes and merges by are void
      S.seq = head;
      S.listSeq = 0;
      for (const m of S.machines.values()) m.lastSeq = 0;
    }
    return false;
  }
  const seq = Number(frame.seq) || 0;
  if (seq && seq <= S.seq) {
    S.stats.dups++;
    return false;
  }
  if (seq) S.seq = seq;
  const id = String(frame.machineId || "");
  let m = S.machines.get(id);
  // the machine's entry already holds this event (a snapshot newer than the stream's position)
  const held = !!m && seq > 0 && seq <= m.lastSeq;
  if (frame.kind === "schema") {
    if (held) return false;
    const msg = frame.msg as DbgMsgSchema;
    const session = Number(frame.session) || 1;
    // a new machine, or a new instance of the id: a new session, or a gone one back
    // (evicted in between, its session starts at 1 again)
    if (!m || session !== m.session || !m.alive) {
      const fresh = pageMachineFrom({
        id,
        parent: msg.Parent,
        tags: msg.Tags,
        states: msg.StatesIndex.length,
        session,
      });
      fresh.start = seq;
      S.pending.delete(id);
      if (m) Object.assign(m, fresh);
      else S.machines.set(id, m = fresh);
      pageForgetHistory(S, id);
    }
    m.alive = true;
    if (seq) m.lastSeq = seq;
    m.states = msg.StatesIndex.length;
    S.schemas.set(id, msg);
    if (S.diagram.drawn.startsWith(id + "\n")) S.diagram.drawn = "";
    // an empty page opens the first machine that shows up
    if (!S.selected && S.ready) pageSelect(S, id);
    return true;
  }
  if (frame.kind === "gone") {
    if (!m && seq) pagePending(S, id, seq, -1);
    if (!m || held) return false;
    m.alive = false;
    if (seq) m.lastSeq = seq;
    return true;
  }
  if (frame.kind !== "tx") return false;
  const tx: PageTx = { seq, cursor: Number(frame.cursor), msg: frame.msg as PageTx["msg"] };
  if (!m) {
    // not listed yet: the list that brings it counts this one if it came after the list's point
    if (seq) pagePending(S, id, seq, tx.cursor);
    return false;
  }
  if (seq > m.lastSeq) pageCountTx(S, m, seq, tx.cursor);
  for (const lane of S.lanes) {
    if (lane.id !== id || S.paused) continue;
    lane.txs.push(tx);
    if (lane.txs.length > 10000) {
      lane.txs.splice(0, lane.txs.length - 10000);
      lane.moreOlder = true;
    }
  }
  const win = S.win;
  if (win.id !== id || win.loading || win.moreNewer) return id === S.selected;
  if (S.paused || (S.pos >= 0 && win.txs.length >= pageWindowMax())) {
    // holding still: the window's end is no longer the newest
    win.moreNewer = true;
    return true;
  }
  const last = win.txs[win.txs.length - 1];
  if (last && tx.cursor !== last.cursor + 1) {
    win.moreNewer = true; // a hole: page it in rather than guess
    return true;
  }
  win.txs.push(tx);
  if (win.txs.length > pageWindowMax()) {
    win.txs.splice(0, win.txs.length - pageWindowMax());
    win.moreOlder = true;
  }
  return true;
}

/**
 * Connects the stream tail (WebSocket `/stream`; resuming from the newest
 * seq seen after a drop, where a `gap` frame means: page it over `/rpc`).
 *
 * @example Usage
 * ```ts ignore
 * pageConnect(S, () => {});
 * ```
 */
export function pageConnect(S: PageState, onHello: () => void): void {
  const url = new URL("stream", S.base);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  if (S.seq > 0) url.searchParams.set("since", String(S.seq));
  if (S.token) url.searchParams.set("token", S.token);
  const ws = new WebSocket(url);
  S.stats.connects++;
  let hello = false;
  ws.onmessage = (e) => {
    let frame: Record<string, unknown>;
    try {
      frame = JSON.parse(String(e.data));
    } catch {
      return;
    }
    if (frame.hello && !hello) {
      hello = true;
      pageIngest(S, frame);
      pageStatus(S, "live");
      onHello();
      return;
    }
    if (frame.gap) {
      // history we missed: the window and the counts come from /rpc instead
      pageIngest(S, frame);
      pageResync(S);
      return;
    }
    if (pageIngest(S, frame)) S.schedule();
  };
  ws.onopen = () => {
    // endpoints without hello frames: the open socket is the start
    setTimeout(() => {
      if (!hello && ws.readyState === WebSocket.OPEN) {
        hello = true;
        pageStatus(S, "live");
        onHello();
      }
    }, 1500);
  };
  ws.onclose = () => {
    S.stats.reconnects++;
    pageStatus(S, "disconnected, reconnecting…");
    setTimeout(() => pageConnect(S, () => pageResync(S)), 2000);
  };
}

/**
 * Re-reads the counts and, when following, the newest page.
 *
 * @example Usage
 * ```ts ignore
 * pageResync(S);
 * ```
 */
export function pageResync(S: PageState): void {
  pageLoadMachines(S).then(() => {
    if (S.pos < 0 && S.selected) return pageSelect(S, S.selected);
  }).catch(() => {}).finally(() => S.schedule());
}

/**
 * Shows a status text in the header.
 *
 * @example Usage
 * ```ts ignore
 * pageStatus(S, "live");
 * ```
 */
export function pageStatus(_S: PageState, text: string): void {
  const el = document.getElementById("status");
  if (el) el.textContent = text;
}
