/**
 * A live web debugger page, served by the dbg endpoint at `/`: one
 * self-contained HTML document (no build step, no external assets) talking
 * to the endpoint with relative URLs (`rpc`, `stream`, `export`, `import`),
 * so it works on Deno Deploy too; a token comes from `?token=`.
 *
 * The page's script is TypeScript in `dbg/ui/page_*.ts` (type-checked and
 * linted with the rest, against the DOM lib): each of those modules exports
 * only plain function declarations, and this module serves their source
 * as the top-level functions of one inline script. Deno strips the types
 * when it loads a module, so `Function.prototype.toString()` yields
 * JavaScript; the page modules use no imports at run time (type imports,
 * calls by name to each other's functions, and the few shared functions
 * and constants this module serves beside them).
 *
 * @module
 */

import { StateException } from "../machine/states.ts";
import { MutationType, StepType } from "../machine/types.ts";
import { isActiveTick } from "../machine/utils.ts";
import { timeDiff } from "../machine/time_diff.ts";
import { clockDiffNames, stepStateName } from "./explain.ts";
import { msgCalledStateNames } from "./messages.ts";
import { DBG_PAGE_CSS } from "./ui/style.ts";
import { PAGE_RELATION_NAMES, PAGE_STEP_NAMES } from "./ui/page_names.ts";
import * as util from "./ui/page_util.ts";
import * as data from "./ui/page_data.ts";
import * as stream from "./ui/page_stream.ts";
import * as actions from "./ui/page_actions.ts";
import * as events from "./ui/page_events.ts";
import * as render from "./ui/page_render.ts";
import * as diagram from "./ui/page_diagram.ts";
import * as sequence from "./ui/page_sequence.ts";
import * as main from "./ui/page_main.ts";

/**
 * Constants the page functions read by name, declared first in the script
 * as JSON (an enum with its reverse mapping). The shorthand keeps each
 * one's own name.
 */
const PAGE_CONSTANTS: Readonly<Record<string, unknown>> = {
  StateException,
  MutationType,
  StepType,
  PAGE_STEP_NAMES,
  PAGE_RELATION_NAMES,
};

/**
 * Pure functions of the core and the dbg module the page calls by name,
 * served as they are, so a transition fact (the clock parity, the
 * added/removed diff, the called states) has one definition on the server
 * and in the page.
 * Each calls only the others and nothing imported.
 */
const SHARED_FUNCTIONS: readonly ((...args: never[]) => unknown)[] = [
  isActiveTick,
  timeDiff,
  clockDiffNames,
  stepStateName,
  msgCalledStateNames,
];

/** Every function the page script is made of. */
function pageFunctions(): ((...args: never[]) => unknown)[] {
  return [
    ...SHARED_FUNCTIONS,
    ...[util, data, stream, render, diagram, sequence, actions, events, main].flatMap((mod) =>
      Object.values(mod).filter((v): v is (...args: never[]) => unknown => typeof v === "function")
    ),
  ];
}

/**
 * The page's script: its constants, the shared and the page modules'
 * functions, then a call of `dbgPageMain()`.
 *
 * @example Usage
 * ```ts
 * import { dbgPageScript } from "./ui.ts";
 * dbgPageScript().includes("function dbgPageMain("); // true
 * ```
 */
export function dbgPageScript(): string {
  const consts = Object.entries(PAGE_CONSTANTS).map(([k, v]) =>
    `const ${k} = ${JSON.stringify(v)};\n`
  );
  // by its own name: a minifying bundler renames the functions and their calls alike
  return '"use strict";\n' + consts.join("") +
    pageFunctions().map((f) => f.toString()).join("\n") + `\n${main.dbgPageMain.name}();\n`;
}

/**
 * The page served at `/` by {@linkcode dbgHandler}: a machine tree (search,
 * alive/gone, the hub's counts), the selected machine's states, and three
 * views of its history, paged in from the hub as the user scrolls or steps
 * back (a bounded window): a virtualised transition log with am-dbg's
 * filters, errors, args and times; a relations diagram highlighting the
 * selected transition; a sequence view across machines with arrows from a
 * mutation's source. Export and import of am-dbg recordings, keyboard
 * (←/→ step, ↑/↓ machines, `/` search, space pause, 1-3 views), and the
 * position in the URL.
 *
 * @example Usage
 * ```ts
 * import { DBG_PAGE_HTML } from "./ui.ts";
 * DBG_PAGE_HTML.startsWith("<!doctype html>"); // true
 * ```
 */
export const DBG_PAGE_HTML: string = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>am-telemetry dbg</title><link rel="icon" href="data:,"><style>${DBG_PAGE_CSS}</style></head>
<body>
<header><h1>am-telemetry dbg</h1>
  <button id="export-gob" title="download as an am-dbg recording">⇩ .gob.br</button>
  <button id="export-json" title="download as JSON">⇩ json</button>
  <label title="export every machine, not only the selected and pinned ones"><input type="checkbox" id="export-all"> all</label>
  <label class="btn" title="import an am-dbg recording (.gob.br) or a JSON export">⇧ import<input type="file" id="import" accept=".br,.gob,.json,application/json"></label>
  <span id="status" class="status">…</span>
  <span class="dim" title="keys: ← → step · ↑ ↓ machines · / search · space pause · 1 log · 2 diagram · 3 sequence · 0 fit the diagram · shift+click a machine: pin it to the sequence view">keys ?</span></header>
<aside><input id="search" placeholder="search machines (/)" aria-label="search machines"><nav id="tree"></nav></aside>
<main>
  <div id="bar">
    <button id="back" title="step back (←)">◀</button>
    <button id="fwd" title="step forward (→)">▶</button>
    <button id="live" class="on" title="follow the newest">live</button>
    <button id="pause" title="hold the view still (space)">pause</button>
    <span id="pos"></span>
    <span id="tabs"><button data-view="log" title="1">log</button><button data-view="diagram" title="2">diagram</button><button data-view="sequence" title="3">sequence</button><button id="pin" title="pin the selected machine into the sequence view (or shift+click in the tree)">pin</button></span>
  </div>
  <div id="filters">
    <input id="filter" placeholder="filter by state" size="14" aria-label="filter by state">
    <span class="dim">hide:</span>
    <label><input type="checkbox" id="hide-canceled"> canceled</label>
    <label><input type="checkbox" id="hide-auto"> auto</label>
    <label><input type="checkbox" id="hide-empty"> empty</label>
    <label><input type="checkbox" id="hide-queued"> queued</label>
    <label>log level <select id="level" aria-label="log level"><option value="0">0 none</option><option value="1">1 changes</option><option value="2" selected>2 ops</option><option value="3">3 decisions</option><option value="4">4 everything</option><option value="5">5 trace</option></select></label>
  </div>
  <div id="states"></div>
  <div class="views" style="display:grid;min-height:0">
    <div id="view-log" class="view"><div id="log" class="view" style="height:100%"><div class="spacer"></div></div></div>
    <div id="view-diagram" class="view hidden"><div id="diagram" class="view" style="height:100%"></div></div>
    <div id="view-sequence" class="view hidden"><div id="seqhead"></div><div id="seq"><div class="spacer"></div></div></div>
  </div>
  <div id="details"></div>
</main>
<script>${dbgPageScript()}</script>
</body></html>
`;
