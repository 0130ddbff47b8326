/**
 * A live web debugger page, served by the dbg endpoint at `/`: one
 * self-contained HTML document (no build step, no external assets) talking
 * to the endpoint with relative URLs (`rpc`, `stream`), so it works on
 * Deno Deploy too; a token comes from `?token=`.
 *
 * @module
 */

const CSS = `
:root { --bg:#0f1115; --panel:#171a21; --line:#262b36; --fg:#d6dae3; --dim:#7d8597;
  --on:#3fb950; --off:#3a3f4b; --err:#f85149; --warn:#d29922; --sel:#1f6feb33; --accent:#58a6ff; }
* { box-sizing: border-box; }
body { margin:0; font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;
  background:var(--bg); color:var(--fg); height:100vh; display:grid;
  grid-template-columns:240px 1fr; grid-template-rows:auto 1fr; }
header { grid-column:1/3; display:flex; gap:12px; align-items:center; padding:8px 12px;
  border-bottom:1px solid var(--line); background:var(--panel); }
header h1 { font-size:14px; margin:0; color:var(--accent); }
header .status { color:var(--dim); margin-left:auto; }
button, input { font:inherit; background:#0d1117; color:var(--fg); border:1px solid var(--line);
  border-radius:4px; padding:3px 8px; }
button:hover { border-color:var(--accent); cursor:pointer; }
button.on { background:var(--accent); color:#000; }
#tree { overflow:auto; border-right:1px solid var(--line); padding:6px 0; }
#tree .node { padding:2px 8px; cursor:pointer; white-space:nowrap; }
#tree .node:hover { background:#ffffff10; }
#tree .node.sel { background:var(--sel); color:#fff; }
#tree .node .count { color:var(--dim); float:right; }
main { display:grid; grid-template-rows:auto auto 1fr auto; overflow:hidden; }
#bar { display:flex; gap:8px; align-items:center; padding:6px 12px; border-bottom:1px solid var(--line); }
#pos { color:var(--dim); min-width:160px; }
#states { display:flex; flex-wrap:wrap; gap:4px; padding:8px 12px; border-bottom:1px solid var(--line);
  max-height:30vh; overflow:auto; }
.state { border:1px solid var(--line); border-radius:4px; padding:2px 6px; cursor:pointer; }
.state .dot { display:inline-block; width:8px; height:8px; border-radius:50%; background:var(--off);
  margin-right:4px; }
.state.active { border-color:var(--on); }
.state.active .dot { background:var(--on); }
.state.err.active { border-color:var(--err); }
.state.err.active .dot { background:var(--err); }
.state .tick { color:var(--dim); margin-left:4px; }
.state .rels { display:none; color:var(--dim); font-size:11px; }
.state.open .rels { display:block; }
#log { overflow:auto; position:relative; }
#log .spacer { position:relative; }
#log .row { position:absolute; left:0; right:0; height:20px; padding:0 12px; white-space:nowrap;
  overflow:hidden; text-overflow:ellipsis; cursor:pointer; }
#log .row:hover { background:#ffffff08; }
#log .row.sel { background:var(--sel); }
#log .row .n { color:var(--dim); display:inline-block; width:60px; }
#log .row.canceled { color:var(--dim); text-decoration:line-through; }
#log .row.queued { color:var(--warn); }
#log .row.exc { color:var(--err); }
#log .row .diff { color:var(--on); margin-left:8px; }
#log .row .diff .rm { color:var(--err); }
#details { border-top:1px solid var(--line); padding:6px 12px; max-height:24vh; overflow:auto;
  color:var(--dim); white-space:pre-wrap; }
`;

const JS = `
const qs = new URLSearchParams(location.search);
const token = qs.get("token") || "";
const base = new URL(".", location.href);
const headers = { "content-type": "application/json" };
if (token) headers.authorization = "Bearer " + token;
const MAX_TXS = 20000;
const ROW = 20;
const S = { machines: new Map(), schemas: new Map(), txs: new Map(), selected: "", pos: -1,
  paused: false, filter: "", pending: [], rpcId: 1 };
const stats = { batches: 0, lastBatchMs: 0, maxBatchMs: 0, rows: 0, frames: 0 };
window.__amdbg = { S, stats };
// hooks for tests and the console
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;" })[c]);

async function rpc(method, params) {
  const res = await fetch(new URL("rpc", base), { method: "POST", headers,
    body: JSON.stringify({ jsonrpc: "2.0", id: S.rpcId++, method, params }) });
  const body = await res.json();
  if (body.error) throw new Error(body.error.message || body.error);
  return body.result;
}

function txsOf(id) {
  let list = S.txs.get(id);
  if (!list) S.txs.set(id, list = []);
  return list;
}

function isErrTx(tx, index) {
  return calledNames(tx, index).some((n) => n === "Exception" || n.startsWith("Err"));
}

function calledNames(tx, index) {
  if (tx.CalledStates && tx.CalledStates.length) return tx.CalledStates;
  return (tx.CalledStatesIdxs || []).map((i) => index[i] ?? "#" + i);
}

function diff(tx, prev, index) {
  const added = [], removed = [];
  if (!prev || tx.IsQueued) return { added, removed };
  for (let i = 0; i < index.length; i++) {
    const a = (tx.Clocks[i] || 0), b = (prev.Clocks[i] || 0);
    if (a % 2 === 1 && (b % 2 === 0 || a !== b)) added.push(index[i]);
    else if (b % 2 === 1 && a % 2 === 0) removed.push(index[i]);
  }
  return { added, removed };
}

function renderTree() {
  const kids = new Map();
  for (const m of S.machines.values()) {
    const p = S.machines.has(m.parent) ? m.parent : "";
    if (!kids.has(p)) kids.set(p, []);
    kids.get(p).push(m.id);
  }
  const out = [];
  const walk = (p, depth) => {
    for (const id of kids.get(p) || []) {
      const n = txsOf(id).length;
      out.push('<div class="node' + (id === S.selected ? " sel" : "") + '" data-id="' + esc(id) +
        '" style="padding-left:' + (8 + depth * 14) + 'px">' + esc(id) +
        '<span class="count">' + n + "</span></div>");
      walk(id, depth + 1);
    }
  };
  walk("", 0);
  $("tree").innerHTML = out.join("");
}

function currentTx() {
  const list = txsOf(S.selected);
  const visible = filtered();
  if (!visible.length) return undefined;
  const i = S.pos < 0 ? visible.length - 1 : Math.min(S.pos, visible.length - 1);
  return list[visibleAt(visible, i)];
}

let filterCache = { id: "", len: -1, filter: "", idx: [] };
function filtered() {
  const list = txsOf(S.selected);
  const schema = S.schemas.get(S.selected);
  if (!S.filter) return { length: list.length, __all: true };
  if (filterCache.id === S.selected && filterCache.filter === S.filter && filterCache.len === list.length) {
    return filterCache.idx;
  }
  const f = S.filter.toLowerCase();
  const index = schema ? schema.StatesIndex : [];
  const idx = [];
  for (let i = 0; i < list.length; i++) {
    if (calledNames(list[i], index).some((n) => n.toLowerCase().includes(f))) idx.push(i);
  }
  filterCache = { id: S.selected, len: list.length, filter: S.filter, idx };
  return idx;
}
// an identity view of all rows, without allocating an index array
function visibleAt(v, i) { return v.__all ? i : v[i]; }

function renderStates() {
  const schema = S.schemas.get(S.selected);
  if (!schema) { $("states").innerHTML = ""; return; }
  const tx = currentTx();
  const clocks = tx ? tx.Clocks : [];
  const out = [];
  schema.StatesIndex.forEach((name, i) => {
    const tick = clocks[i] || 0;
    const st = (schema.States || {})[name] || {};
    const rels = ["Require", "Add", "Remove", "After"].filter((r) => st[r] && st[r].length)
      .map((r) => r.toLowerCase() + ": " + st[r].join(", "));
    if (st.Auto) rels.unshift("auto");
    if (st.Multi) rels.unshift("multi");
    out.push('<div class="state' + (tick % 2 === 1 ? " active" : "") +
      (name === "Exception" || name.startsWith("Err") ? " err" : "") + '" data-state="' + esc(name) +
      '" title="' + esc(rels.join("\\n")) + '"><span class="dot"></span>' + esc(name) +
      '<span class="tick">' + tick + '</span><div class="rels">' + esc(rels.join(" · ")) + "</div></div>");
  });
  $("states").innerHTML = out.join("");
}

function rowHtml(list, i, index, visIndex) {
  const tx = list[i];
  let prev;
  for (let j = i - 1; j >= 0; j--) if (!list[j].IsQueued) { prev = list[j]; break; }
  const { added, removed } = diff(tx, prev, index);
  const type = ["add", "remove", "set"][tx.Type] || "?";
  const cls = tx.IsQueued ? " queued" : !tx.Accepted ? " canceled" : isErrTx(tx, index) ? " exc" : "";
  const label = (tx.IsQueued ? "queued " : "") + "[" + type + (tx.IsAuto ? ":auto" : "") + "] " +
    calledNames(tx, index).join(" ");
  const d = tx.IsQueued ? "" : '<span class="diff">' + added.map((a) => "+" + esc(a)).join(" ") +
    " " + removed.map((r) => '<span class="rm">-' + esc(r) + "</span>").join(" ") + "</span>";
  const steps = tx.Steps ? tx.Steps.length : 0;
  return '<div class="row' + cls + '" data-i="' + visIndex + '" style="top:' + visIndex * ROW + 'px">' +
    '<span class="n">' + (i + 1) + "</span>" + esc(label) + d +
    (steps ? ' <span class="n">' + steps + " steps</span>" : "") + "</div>";
}

function renderLog() {
  const list = txsOf(S.selected);
  const schema = S.schemas.get(S.selected);
  const index = schema ? schema.StatesIndex : [];
  const v = filtered();
  const log = $("log");
  const spacer = log.firstElementChild;
  spacer.style.height = v.length * ROW + "px";
  const from = Math.max(0, Math.floor(log.scrollTop / ROW) - 10);
  const to = Math.min(v.length, from + Math.ceil(log.clientHeight / ROW) + 20);
  const sel = S.pos < 0 ? v.length - 1 : S.pos;
  const out = [];
  for (let k = from; k < to; k++) {
    out.push(rowHtml(list, visibleAt(v, k), index, k).replace('class="row', k === sel ? 'class="row sel' : 'class="row'));
  }
  spacer.innerHTML = out.join("");
  stats.rows = spacer.childElementCount;
}

function renderDetails() {
  const tx = currentTx();
  const schema = S.schemas.get(S.selected);
  if (!tx || !schema) { $("details").textContent = ""; return; }
  const index = schema.StatesIndex;
  const steps = (tx.Steps || []).map((s) => {
    const from = s.FromState || (s.FromStateIdx >= 0 ? index[s.FromStateIdx] : "");
    const to = s.ToState || (s.ToStateIdx >= 0 ? index[s.ToStateIdx] : "");
    const kind = { 1: "rel", 2: "handler", 4: "activate", 8: "deactivate", 16: "deactivate-passive",
      32: "called", 64: "cancel" }[s.Type] || s.Type;
    return "- " + kind + " " + [from, to].filter(Boolean).join(" → ");
  }).join("\\n");
  const logs = (tx.LogEntries || []).map((l) => l.Text).join("\\n");
  $("details").textContent = "mach://" + tx.MachineID + "/" + tx.ID + (tx.Accepted ? "" : "  (canceled)") +
    (tx.StackTrace ? "\\n" + tx.StackTrace : "") + "\\n" + steps + (logs ? "\\n\\n" + logs : "");
}

function renderPos() {
  const v = filtered();
  const n = v.length;
  const p = S.pos < 0 ? n : S.pos + 1;
  $("pos").textContent = (S.pos < 0 ? "live " : "") + p + " / " + n;
  $("live").classList.toggle("on", S.pos < 0);
  $("pause").classList.toggle("on", S.paused);
}

function render() {
  const t0 = performance.now();
  renderTree();
  renderStates();
  renderLog();
  renderDetails();
  renderPos();
  if (S.pos < 0) $("log").scrollTop = $("log").scrollHeight;
  const ms = performance.now() - t0;
  stats.batches++;
  stats.lastBatchMs = ms;
  stats.maxBatchMs = Math.max(stats.maxBatchMs, ms);
}

let scheduled = false;
function schedule() {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => { scheduled = false; render(); });
}

function ingest(frame) {
  stats.frames++;
  if (frame.kind === "schema") {
    const m = frame.msg;
    S.schemas.set(m.ID, m);
    S.machines.set(m.ID, { id: m.ID, parent: m.Parent || "" });
    if (!S.selected) S.selected = m.ID;
  } else {
    const list = txsOf(frame.machineId);
    list.push(frame.msg);
    if (list.length > MAX_TXS) list.splice(0, list.length - MAX_TXS);
  }
}

function connect(since) {
  const url = new URL("stream", base);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.searchParams.set("since", String(since));
  if (token) url.searchParams.set("token", token);
  const ws = new WebSocket(url);
  ws.onmessage = (e) => {
    const frame = JSON.parse(e.data);
    if (S.paused) { S.pending.push(frame); return; }
    ingest(frame);
    schedule();
  };
  ws.onclose = () => { $("status").textContent = "disconnected, retrying…"; setTimeout(() => connect(0), 2000); };
  ws.onopen = () => { $("status").textContent = "live"; };
}

async function load() {
  $("status").textContent = "loading…";
  const machines = await rpc("machines", {});
  for (const m of machines) S.machines.set(m.id, { id: m.id, parent: m.parent });
  const root = machines.find((m) => !m.parent) || machines[0];
  S.selected = qs.get("machine") || (root && root.id) || "";
  // the history arrives through the stream (since=0), then live updates
  connect(0);
}

$("tree").onclick = (e) => {
  const n = e.target.closest(".node");
  if (!n) return;
  S.selected = n.dataset.id;
  S.pos = -1;
  schedule();
};
$("log").onscroll = () => renderLog();
$("log").onclick = (e) => {
  const r = e.target.closest(".row");
  if (!r) return;
  S.pos = Number(r.dataset.i);
  render();
};
$("states").onclick = (e) => { const s = e.target.closest(".state"); if (s) s.classList.toggle("open"); };
$("pause").onclick = () => {
  S.paused = !S.paused;
  if (!S.paused) { for (const f of S.pending.splice(0)) ingest(f); }
  schedule();
};
$("live").onclick = () => { S.pos = -1; schedule(); };
$("back").onclick = () => { const n = filtered().length; S.pos = Math.max(0, (S.pos < 0 ? n - 1 : S.pos) - 1); render(); };
$("fwd").onclick = () => {
  const n = filtered().length;
  if (S.pos < 0) return;
  S.pos = S.pos + 1 >= n ? -1 : S.pos + 1;
  render();
};
$("filter").oninput = (e) => { S.filter = e.target.value.trim(); S.pos = -1; render(); };
document.onkeydown = (e) => {
  if (e.target.tagName === "INPUT") return;
  if (e.key === "ArrowLeft") $("back").click();
  if (e.key === "ArrowRight") $("fwd").click();
  if (e.key === " ") { e.preventDefault(); $("pause").click(); }
};
Object.assign(window.__amdbg, { ingest, render });
load().catch((e) => { $("status").textContent = "error: " + e.message; });
`;

/**
 * The page served at `/` by {@linkcode dbgHandler}: a machine tree, the
 * selected machine's states (active flag, tick, relations), and a live,
 * virtualised transition log with pause, a state-name filter and stepping
 * through history (states computed from each transition's `Clocks`).
 *
 * @example Usage
 * ```ts
 * import { DBG_PAGE_HTML } from "@asyncmachine/telemetry/dbg";
 * DBG_PAGE_HTML.startsWith("<!doctype html>"); // true
 * ```
 */
export const DBG_PAGE_HTML: string = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>am-telemetry dbg</title><style>${CSS}</style></head>
<body>
<header><h1>am-telemetry dbg</h1><span id="status" class="status">…</span></header>
<nav id="tree"></nav>
<main>
  <div id="bar">
    <button id="back" title="step back (←)">◀</button>
    <button id="fwd" title="step forward (→)">▶</button>
    <button id="live" class="on" title="follow the newest">live</button>
    <button id="pause" title="pause the stream (space)">pause</button>
    <input id="filter" placeholder="filter by state" size="18">
    <span id="pos"></span>
  </div>
  <div id="states"></div>
  <div id="log"><div class="spacer"></div></div>
  <div id="details"></div>
</main>
<script>${JS}</script>
</body></html>
`;
