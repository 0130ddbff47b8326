/**
 * The debugger page's stylesheet (dark theme, dark scrollbars, down to
 * 700 px wide).
 *
 * @module
 */

/**
 * The page's CSS.
 *
 * @example Usage
 * ```ts
 * import { DBG_PAGE_CSS } from "./style.ts";
 * DBG_PAGE_CSS.includes("color-scheme"); // true
 * ```
 */
export const DBG_PAGE_CSS: string = `
:root { --bg:#0f1115; --panel:#171a21; --line:#262b36; --fg:#d6dae3; --dim:#7d8597;
  --on:#3fb950; --off:#3a3f4b; --err:#f85149; --warn:#d29922; --sel:#1f6feb33; --accent:#58a6ff;
  color-scheme: dark; }
* { box-sizing: border-box; scrollbar-color: #3a3f4b var(--bg); scrollbar-width: thin; }
::-webkit-scrollbar { width:10px; height:10px; background:var(--bg); }
::-webkit-scrollbar-thumb { background:#3a3f4b; border-radius:5px; }
body { margin:0; font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;
  background:var(--bg); color:var(--fg); height:100vh; display:grid;
  grid-template-columns:240px minmax(0,1fr); grid-template-rows:auto minmax(0,1fr); }
header { grid-column:1/3; display:flex; flex-wrap:wrap; gap:8px; align-items:center; padding:6px 12px;
  border-bottom:1px solid var(--line); background:var(--panel); }
header h1 { font-size:14px; margin:0; color:var(--accent); }
header .status { color:var(--dim); margin-left:auto; }
button, input, select, .btn { font:inherit; background:#0d1117; color:var(--fg);
  border:1px solid var(--line); border-radius:4px; padding:2px 7px; }
button:hover, .btn:hover { border-color:var(--accent); cursor:pointer; }
button.on { background:var(--accent); color:#000; }
label, .dim { color:var(--dim); white-space:nowrap; }
label input[type=checkbox] { vertical-align:middle; }
.btn input[type=file] { display:none; }
aside { display:grid; grid-template-rows:auto minmax(0,1fr); border-right:1px solid var(--line);
  min-width:0; }
aside #search { margin:6px 8px; width:calc(100% - 16px); min-width:0; }
#tree { overflow:auto; padding:2px 0 8px; contain:strict; }
#tree .node { padding:2px 8px; cursor:pointer; white-space:nowrap; overflow:hidden;
  text-overflow:ellipsis; }
#tree .node:hover { background:#ffffff10; }
#tree .node.sel { background:var(--sel); color:#fff; }
#tree .node .count { color:var(--dim); float:right; margin-left:6px; }
#tree .node .mark { color:var(--on); margin-right:5px; font-size:10px; }
#tree .node.gone { color:var(--dim); }
#tree .node.gone .mark { color:var(--dim); }
#tree .tag { color:var(--warn); font-size:11px; }
#tree .gone-head { padding:6px 8px 2px; color:var(--dim); cursor:pointer; }
.hint { color:var(--dim); padding:8px; }
main { display:grid; grid-template-rows:auto auto auto minmax(0,1fr) auto; overflow:hidden;
  min-width:0; }
#bar, #filters { display:flex; flex-wrap:wrap; gap:6px; align-items:center; padding:5px 12px;
  border-bottom:1px solid var(--line); }
#pos { color:var(--dim); min-width:120px; }
#bar { grid-row:1; } #filters { grid-row:2; } #states { grid-row:3; } .views { grid-row:4; }
#details { grid-row:5; }
#tabs { margin-left:auto; display:flex; gap:4px; }
#states { display:flex; flex-wrap:wrap; gap:4px; padding:6px 12px; border-bottom:1px solid var(--line);
  max-height:18vh; overflow:auto; }
.state { border:1px solid var(--line); border-radius:4px; padding:1px 6px; cursor:pointer; }
.state .dot { display:inline-block; width:8px; height:8px; border-radius:50%; background:var(--off);
  margin-right:4px; }
.state.active { border-color:var(--on); }
.state.active .dot { background:var(--on); }
.state.err.active { border-color:var(--err); }
.state.err.active .dot { background:var(--err); }
.state .tick { color:var(--dim); margin-left:4px; }
.state .rels { display:none; color:var(--dim); font-size:11px; }
.state.open .rels { display:block; }
.view { overflow:auto; position:relative; min-height:0; }
.hidden { display:none !important; }
#log { contain:strict; }
#log .spacer { position:relative; }
#log .row { position:absolute; left:0; right:0; height:20px; padding:0 12px; white-space:nowrap;
  overflow:hidden; text-overflow:ellipsis; cursor:pointer; }
#log .row:hover { background:#ffffff08; }
#log .row.sel { background:var(--sel); }
#log .row.more { color:var(--dim); font-style:italic; cursor:default; }
#log .row .n { color:var(--dim); display:inline-block; min-width:64px; }
#log .row .t { color:#5c6370; margin-right:8px; }
#log .row.canceled { color:var(--dim); text-decoration:line-through; }
#log .row.queued { color:var(--warn); }
#log .row.exc { color:var(--err); }
#log .row .diff { color:var(--on); margin-left:8px; }
#log .row .diff .rm { color:var(--err); }
.errmsg { color:var(--err); }
#log .row .src { color:var(--accent); font-size:11px; }
#log .row .dur { color:#5c6370; font-size:11px; }
.help { position:absolute; left:0; right:0; top:0; padding:24px; max-width:760px; }
.help h2 { color:var(--accent); font-size:16px; }
.help pre, .help code { background:var(--panel); border:1px solid var(--line); border-radius:4px; }
.help pre { padding:10px; overflow:auto; }
#details { border-top:1px solid var(--line); padding:6px 12px; max-height:26vh; overflow:auto;
  color:var(--dim); }
#details pre { margin:4px 0; white-space:pre-wrap; }
#details .hdr { color:var(--fg); }
#details .stack { color:#c98a8a; }
#details a { color:var(--accent); }
#diagram { background:#0b0d11; cursor:grab; overflow:hidden; }
#diagram svg { display:block; }
#diagram .legend { position:absolute; left:8px; bottom:6px; color:var(--dim); font-size:11px;
  background:#0b0d11cc; padding:2px 6px; border-radius:4px; }
.legend .require { color:#58a6ff; } .legend .add { color:#3fb950; }
.legend .remove { color:#f85149; } .legend .after { color:#a371f7; }
#diagram path.e { fill:none; stroke-width:1.2; opacity:.4; }
#diagram path.e.remove { opacity:.16; }
#diagram.hovering path.e { opacity:.06; }
#diagram path.e.after { stroke-dasharray:4 3; }
#diagram path.e.hl { opacity:1; stroke-width:2; }
#diagram path.e.step { opacity:1; stroke-width:3; }
#diagram g.n rect { fill:#161b22; stroke:#3a3f4b; stroke-width:1.2; }
#diagram g.n text { fill:var(--fg); font-size:12px; }
#diagram g.n text.badge { fill:var(--warn); font-size:9px; }
#diagram g.n.auto rect { stroke-dasharray:3 2; }
#diagram g.n.multi rect { stroke-width:2.2; }
#diagram g.n.active rect { fill:#12361f; stroke:var(--on); }
#diagram g.n.exc rect { stroke:#8b3a3a; }
#diagram g.n.exc.active rect { fill:#3d1618; stroke:var(--err); }
#diagram g.n.touched rect { stroke:var(--warn); stroke-width:2; }
#diagram g.n.called rect { stroke:var(--accent); stroke-width:3; }
#view-sequence { display:grid; grid-template-rows:auto minmax(0,1fr); overflow:hidden; }
#seqhead { position:relative; height:22px; border-bottom:1px solid var(--line); overflow:hidden; }
#seqhead .lane { position:absolute; top:2px; text-align:center; white-space:nowrap; overflow:hidden;
  text-overflow:ellipsis; color:var(--accent); padding:0 4px; }
#seq { overflow:auto; position:relative; }
#seq .spacer { position:relative; }
#seq .seqsvg { position:absolute; left:0; overflow:visible; }
#seq line.life { stroke:#262b36; }
#seq circle.dot { fill:var(--on); cursor:pointer; }
#seq circle.dot.canceled { fill:var(--dim); }
#seq circle.dot.queued { fill:var(--warn); }
#seq text { fill:var(--fg); font-size:11px; }
#seq text.tm { fill:#5c6370; }
#seq text.lbl.canceled { fill:var(--dim); }
#seq path.arrow { fill:none; stroke:var(--warn); stroke-width:1.5; cursor:pointer; }
#seq path.arrow:hover { stroke-width:3; }
@media (max-width: 900px) {
  body { grid-template-columns:170px minmax(0,1fr); }
  #pos { min-width:0; }
  #tabs { margin-left:0; }
}
`;
