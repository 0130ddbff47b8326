/**
 * The debugger page's machine tree, state chips, virtualised transition log
 * and details (browser side). Plain function declarations, served as source
 * (see page_util.ts).
 *
 * @module
 */

import type { PageMachine, PageState, PageTx } from "./page_types.ts";
import { isActiveTick } from "../../machine/utils.ts";
import { StepType } from "../../machine/types.ts";
import { PAGE_RELATION_NAMES, PAGE_STEP_NAMES } from "./page_names.ts";
import { msgCalledStateNames } from "../messages.ts";
import { stepStateName } from "../explain.ts";
import {
  isErrState,
  pageDiff,
  pageErr,
  pageEsc,
  pageHidden,
  pageIndex,
  pageMs,
  pagePrev,
  pageSource,
  pageTime,
} from "./page_util.ts";

/**
 * Indexes (into the window) of the transitions the filters let through.
 *
 * @example Usage
 * ```ts ignore
 * const shown = pageVisible(S);
 * ```
 */
export function pageVisible(S: PageState): number[] {
  const list = S.win.txs;
  const f = S.filters;
  const key = S.win.id + "\n" + list.length + "\n" + (list[0]?.cursor ?? 0) + "\n" +
    (list.at(-1)?.cursor ?? 0) + "\n" + f.canceled + f.auto + f.empty + f.queued + f.state;
  if (key === S.visKey) return S.vis;
  const index = pageIndex(S.schemas.get(S.win.id));
  const out: number[] = [];
  let prev: PageTx["msg"] | undefined = undefined;
  for (let i = 0; i < list.length; i++) {
    const tx = list[i].msg;
    if (!pageHidden(tx, prev, index, S.filters)) out.push(i);
    if (!tx.IsQueued) prev = tx;
  }
  S.visKey = key;
  S.vis = out;
  return out;
}

/**
 * Position (into the visible list) of the selected transition; the newest
 * when following.
 *
 * @example Usage
 * ```ts ignore
 * const k = pageSelIndex(S, pageVisible(S));
 * ```
 */
export function pageSelIndex(S: PageState, vis: number[]): number {
  if (S.pos < 0) return vis.length - 1;
  const list = S.win.txs;
  let lo = 0;
  let hi = vis.length - 1;
  // binary search: the window is in cursor order
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = list[vis[mid]].cursor;
    if (c === S.pos) return mid;
    if (c < S.pos) lo = mid + 1;
    else hi = mid - 1;
  }
  return Math.max(0, hi);
}

/**
 * The machine tree: search, alive machines nested under parents, gone ones
 * collapsed into their own group; counts are the hub's.
 *
 * @example Usage
 * ```ts ignore
 * pageRenderTree(S);
 * ```
 */
export function pageRenderTree(S: PageState): void {
  const el = document.getElementById("tree");
  if (!el) return;
  const q = S.filters.search.toLowerCase();
  const kids = new Map<string, PageMachine[]>();
  const gone: PageMachine[] = [];
  for (const m of S.machines.values()) {
    if (q && !m.id.toLowerCase().includes(q)) continue;
    if (!m.alive) {
      gone.push(m);
      continue;
    }
    const p = !q && S.machines.get(m.parent)?.alive ? m.parent : "";
    let list = kids.get(p);
    if (!list) kids.set(p, list = []);
    list.push(m);
  }
  const node = (m: PageMachine, depth: number) =>
    '<div class="node' + (m.id === S.selected ? " sel" : "") + (m.alive ? "" : " gone") +
    '" data-id="' + pageEsc(m.id) + '" style="padding-left:' + (8 + depth * 14) + 'px">' +
    '<span class="mark" title="' + (m.alive ? "alive" : "gone") + '">' +
    (m.alive ? "●" : "○") + "</span>" + pageEsc(m.id) +
    (m.tags.includes("imported") ? ' <span class="tag">imported</span>' : "") +
    (S.pinned.includes(m.id) ? ' <span class="tag">pinned</span>' : "") +
    '<span class="count">' + m.txs + "</span></div>";
  const out: string[] = [];
  const walk = (p: string, depth: number) => {
    for (
      const m of (kids.get(p) || []).sort((a, b) =>
        a.id.localeCompare(b.id, undefined, { numeric: true })
      )
    ) {
      out.push(node(m, depth));
      if (depth < 20) walk(m.id, depth + 1);
    }
  };
  walk("", 0);
  if (gone.length) {
    // open while the selected machine is in it (e.g. an import, a read-only session)
    const open = S.goneOpen || !!q || gone.some((m) => m.id === S.selected);
    out.push(
      '<div class="gone-head" data-gone="1">' + (open ? "▾" : "▸") + " gone (" +
        gone.length + ")</div>",
    );
    if (open) {
      for (const m of gone.sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }))) {
        out.push(node(m, 1));
      }
    }
  }
  if (!S.machines.size) out.push('<div class="hint">no machines yet</div>');
  // the same nodes as last time: only the counts change (no new DOM)
  const key = [...kids.values()].flat().map((m) => m.id + "<" + m.parent).join() + "|" +
    gone.map((m) => m.id).join() + "|" + S.selected + S.goneOpen + S.pinned.join();
  if (key === S.treeKey) {
    for (const [id, c] of S.treeCounts) {
      const m = S.machines.get(id);
      if (m && c.n !== m.txs) c.el.textContent = String(c.n = m.txs);
    }
    return;
  }
  S.treeKey = key;
  el.innerHTML = out.join("");
  S.treeCounts = new Map();
  for (const n of el.querySelectorAll<HTMLElement>(".node")) {
    const m = S.machines.get(n.dataset.id || "");
    if (m) S.treeCounts.set(m.id, { el: n.lastElementChild as HTMLElement, n: m.txs });
  }
}

/**
 * The selected machine's states at the selected transition.
 *
 * @example Usage
 * ```ts ignore
 * pageRenderStates(S, tx);
 * ```
 */
export function pageRenderStates(S: PageState, tx: PageTx | undefined): void {
  const el = document.getElementById("states");
  if (!el) return;
  const schema = S.schemas.get(S.selected);
  if (!schema) {
    el.innerHTML = "";
    el.dataset.key = "";
    return;
  }
  // the same transition as drawn: nothing changed
  const key = S.selected + "\n" + (tx ? tx.seq : -1) + "\n" + schema.StatesIndex.length;
  if (el.dataset.key === key) return;
  el.dataset.key = key;
  const clocks = tx ? tx.msg.Clocks : [];
  const out: string[] = [];
  schema.StatesIndex.forEach((name, i) => {
    const tick = clocks[i] || 0;
    const st = (schema.States || {})[name] || {};
    const rels: string[] = [];
    if (st.Multi) rels.push("multi");
    if (st.Auto) rels.push("auto");
    for (const r of ["Require", "Add", "Remove", "After"] as const) {
      const list = st[r];
      if (list && list.length) rels.push(r.toLowerCase() + ": " + list.join(", "));
    }
    out.push(
      '<div class="state' + (isActiveTick(tick) ? " active" : "") +
        (isErrState(name) ? " err" : "") + '" data-state="' +
        pageEsc(name) + '" title="' + pageEsc(rels.join("\n")) + '"><span class="dot"></span>' +
        pageEsc(name) + '<span class="tick">' + tick + '</span><div class="rels">' +
        pageEsc(rels.join(" · ")) + "</div></div>",
    );
  });
  el.innerHTML = out.join("");
}

/**
 * One log row.
 *
 * @example Usage
 * ```ts ignore
 * pageRowHtml(S, 0, 0, false);
 * ```
 */
export function pageRowHtml(S: PageState, i: number, k: number, sel: boolean): string {
  const list = S.win.txs;
  const index = pageIndex(S.schemas.get(S.win.id));
  const t = list[i];
  const tx = t.msg;
  const { added, removed } = pageDiff(tx, pagePrev(list, i), index);
  const type = ["add", "remove", "set"][tx.Type] || "?";
  const err = pageErr(tx, index);
  const cls = tx.IsQueued ? " queued" : !tx.Accepted ? " canceled" : err ? " exc" : "";
  const label = (tx.IsQueued ? "queued " : "") + "[" + type + (tx.IsAuto ? ":auto" : "") + "] " +
    msgCalledStateNames(tx, index).join(" ");
  const diff = tx.IsQueued ? "" : '<span class="diff">' +
    added.map((a) => "+" + pageEsc(a)).join(" ") + " " +
    removed.map((r) => '<span class="rm">-' + pageEsc(r) + "</span>").join(" ") + "</span>";
  const src = pageSource(tx);
  return '<div class="row' + cls + (sel ? " sel" : "") + '" data-c="' + t.cursor +
    '" style="top:' + k * 20 + 'px"><span class="n">' + t.cursor + '</span><span class="t">' +
    pageTime(tx.Time) + "</span>" + pageEsc(label) + diff +
    (tx.Duration !== undefined ? ' <span class="dur">' + pageMs(tx.Duration) + "</span>" : "") +
    (err ? ' <span class="errmsg">' + pageEsc(err) + "</span>" : "") +
    (src ? ' <span class="src">← ' + pageEsc(src.machId) + "</span>" : "") + "</div>";
}

/**
 * The virtualised log: only the rows in view are in the DOM.
 *
 * @example Usage
 * ```ts ignore
 * pageRenderLog(S, pageVisible(S));
 * ```
 */
export function pageRenderLog(S: PageState, vis: number[]): void {
  const log = document.getElementById("log");
  if (!log) return;
  const spacer = log.firstElementChild as HTMLElement;
  const ROW = 20;
  const top = S.win.moreOlder ? 1 : 0;
  // no layout reads here: the viewport height is cached, the scroll offset known
  if (!S.logH) S.logH = log.clientHeight; // 0 while hidden: measured again next time
  const h = S.logH || 400;
  const total = (vis.length + top) * ROW;
  spacer.style.height = total + "px";
  const sel = pageSelIndex(S, vis);
  let scroll = Math.min(S.logTop, Math.max(0, total - h));
  let move = false;
  if (S.pos < 0) {
    scroll = Math.max(0, total - h);
    move = true;
  } else if (S.reveal) {
    const y = (sel + top) * ROW;
    if (y < scroll || y > scroll + h - ROW) {
      scroll = Math.max(0, y - h / 2);
      move = true;
    }
  }
  S.reveal = false;
  // scroll before replacing the rows: the layout it needs is the previous frame's, still clean
  if (move) log.scrollTop = scroll;
  S.logTop = scroll;
  const from = Math.max(0, Math.floor(scroll / ROW) - top - 3);
  const to = Math.min(vis.length, from + Math.ceil(h / ROW) + 6);
  const out: string[] = [];
  if (top) {
    out.push(
      '<div class="row more" style="top:0">' +
        (S.win.loading ? "loading older…" : "older transitions: scroll up or step back") + "</div>",
    );
  }
  for (let k = from; k < to; k++) out.push(pageRowHtml(S, vis[k], k + top, k === sel));
  if (!S.machines.size) out.push(pageHelpHtml(S));
  spacer.innerHTML = out.join("");
  S.stats.rows = to - from + top;
}

/**
 * What to do on an empty hub: how to connect a machine.
 *
 * @example Usage
 * ```ts ignore
 * pageHelpHtml(S);
 * ```
 */
export function pageHelpHtml(S: PageState): string {
  const url = pageEsc(new URL(".", S.base).href);
  return '<div class="help"><h2>No machines yet</h2>' +
    "<p>Connect a machine to this endpoint and its transitions show up here, live.</p>" +
    '<pre>import { Machine } from "@asyncmachine/telemetry/machine";\n' +
    'import { transitionsToDbg } from "@asyncmachine/telemetry/dbg";\n\n' +
    'const mach = new Machine({ Foo: {} }, { id: "mach1" });\n' +
    'transitionsToDbg(mach, "' + url + '");</pre>' +
    "<p>Or set <code>AM_DBG_ADDR=" + url + "</code> with <code>machTelemetryEnv(mach)</code>. " +
    "Go machines connect to <code>" + url.replace(/^http/, "ws") + "dbg.ws</code>. " +
    "You can also import an am-dbg recording (<code>.gob.br</code>) with ⇧ import.</p></div>";
}

/**
 * The selected transition's details: time, error, args, source, steps and
 * the log up to the chosen level.
 *
 * @example Usage
 * ```ts ignore
 * pageRenderDetails(S, tx, prev);
 * ```
 */
export function pageRenderDetails(S: PageState, t: PageTx | undefined, prev?: PageTx): void {
  const el = document.getElementById("details");
  if (!el) return;
  const schema = S.schemas.get(S.selected);
  if (!t || !schema) {
    el.innerHTML = "";
    el.dataset.key = "";
    return;
  }
  const key = t.seq + "\n" + (prev ? prev.seq : -1) + "\n" + S.filters.level;
  if (el.dataset.key === key) return;
  el.dataset.key = key;
  const tx = t.msg;
  const index = schema.StatesIndex;
  const steps = (tx.Steps || []).map((s) => {
    const from = stepStateName(s.FromState, s.FromStateIdx, index);
    const to = stepStateName(s.ToState, s.ToStateIdx, index);
    const mid = s.Type === StepType.Relation
      ? " " + (PAGE_RELATION_NAMES[s.RelType] || "") + " "
      : " → ";
    return "- " + (PAGE_STEP_NAMES[s.Type] || s.Type) + " " +
      (from && to ? from + mid + to : from || to);
  });
  const logs = [...(tx.PreLogEntries || []), ...(tx.LogEntries || [])]
    .filter((l) => l.Level <= S.filters.level).map((l) => l.Text);
  const err = pageErr(tx, index);
  const src = pageSource(tx);
  const time = tx.Time ? new Date(tx.Time) : undefined;
  const prevTime = prev && prev.msg.Time ? new Date(prev.msg.Time) : undefined;
  const delta = time && prevTime ? " (+" + (time.getTime() - prevTime.getTime()) + " ms)" : "";
  const args = Object.entries(tx.Args || {}).map(([k, v]) => k + "=" + v).join(", ");
  el.innerHTML = '<div class="hdr">mach://' + pageEsc(tx.MachineID) + "/" + pageEsc(tx.ID) +
    " · #" + t.cursor + (tx.Accepted ? "" : " · canceled") + (tx.IsQueued ? " · queued" : "") +
    (time ? " · " + pageEsc(time.toISOString()) + delta : "") +
    (tx.Duration !== undefined ? " · took " + pageMs(tx.Duration) : "") + "</div>" +
    (err ? '<div class="errmsg">error: ' + pageEsc(err) + "</div>" : "") +
    (args ? '<div class="args">args: ' + pageEsc(args) + "</div>" : "") +
    (src
      ? '<div class="srcline">source: <a href="#" data-m="' + pageEsc(src.machId) + '" data-t="' +
        pageEsc(src.txId) + '">' + pageEsc(src.machId + "/" + src.txId) + "</a></div>"
      : "") +
    (tx.StackTrace ? '<pre class="stack">' + pageEsc(tx.StackTrace) + "</pre>" : "") +
    '<pre class="steps">' + pageEsc(steps.join("\n")) + "</pre>" +
    (logs.length ? '<pre class="logs">' + pageEsc(logs.join("\n")) + "</pre>" : "");
}

/**
 * The position: selected cursor of the machine's newest, live or not.
 *
 * @example Usage
 * ```ts ignore
 * pageRenderPos(S, tx);
 * ```
 */
export function pageRenderPos(S: PageState, t: PageTx | undefined): void {
  const m = S.machines.get(S.selected);
  const pos = document.getElementById("pos");
  if (pos) {
    pos.textContent = (S.pos < 0 ? "live " : "") + "#" + (t ? t.cursor : 0) + " / " +
      (m ? m.lastCursor : 0);
  }
  document.getElementById("live")?.classList.toggle("on", S.pos < 0);
  document.getElementById("pause")?.classList.toggle("on", S.paused);
}
