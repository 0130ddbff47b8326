/**
 * The debugger page's entry point (browser side): state, rendering on
 * animation frames, the URL position, the first load.
 * `dbg/ui.ts` serves `dbgPageMain` with the other page modules' functions
 * as one inline script.
 *
 * @module
 */

import type { PageState, PageTx } from "./page_types.ts";
import { pageLoadMachines, pageLoadOlder, pageSelect, pageTxs } from "./page_data.ts";
import { pageCatchUp, pageConnect, pageStatus } from "./page_stream.ts";
import {
  pageRenderDetails,
  pageRenderLog,
  pageRenderPos,
  pageRenderStates,
  pageRenderTree,
  pageSelIndex,
  pageVisible,
} from "./page_render.ts";
import { diagramRender } from "./page_diagram.ts";
import { seqLoad, seqLoadOlder, seqRender } from "./page_sequence.ts";
import { pageImport, pageJumpTx, pageStep } from "./page_actions.ts";
import { pageWire } from "./page_events.ts";

/**
 * Draws everything for the current state (one animation frame's batch).
 *
 * @example Usage
 * ```ts ignore
 * pageRender(S);
 * ```
 */
export function pageRender(S: PageState): void {
  const t0 = performance.now();
  if (S.ready) pageCatchUp(S);
  if (t0 - S.treeAt > 250) {
    pageRenderTree(S);
    S.treeAt = t0;
  }
  const vis = pageVisible(S);
  const k = pageSelIndex(S, vis);
  const t: PageTx | undefined = vis.length ? S.win.txs[vis[k]] : undefined;
  const prev = k > 0 ? S.win.txs[vis[k - 1]] : undefined;
  // the diagram shows the states itself
  document.getElementById("states")?.classList.toggle("hidden", S.view !== "log");
  if (S.view === "log") pageRenderStates(S, t);
  for (const v of ["log", "diagram", "sequence"]) {
    document.getElementById("view-" + v)?.classList.toggle("hidden", S.view !== v);
    document.querySelector('#tabs [data-view="' + v + '"]')?.classList.toggle("on", S.view === v);
  }
  if (S.view === "log") pageRenderLog(S, vis);
  else if (S.view === "diagram") diagramRender(S, t);
  else {
    seqLoad(S).catch(() => {});
    seqRender(S);
  }
  pageRenderDetails(S, t, prev);
  pageRenderPos(S, t);
  pageSyncUrl(S, t);
  const ms = performance.now() - t0;
  if (S.ready && !S.stats.firstPaintMs) S.stats.firstPaintMs = performance.now();
  S.stats.batches++;
  S.stats.lastBatchMs = ms;
  S.stats.maxBatchMs = Math.max(S.stats.maxBatchMs, ms);
  S.stats.batchMs.push(ms);
  if (S.stats.batchMs.length > 1000) S.stats.batchMs.shift();
}

/**
 * Writes the machine, transition and view into the address bar (a
 * shareable position), without a history entry.
 *
 * @example Usage
 * ```ts ignore
 * pageSyncUrl(S, tx);
 * ```
 */
export function pageSyncUrl(S: PageState, t: PageTx | undefined): void {
  const key = S.selected + "\n" + (S.pos >= 0 && t ? t.cursor : "") + "\n" + S.view;
  if (key === S.urlKey) return;
  S.urlKey = key;
  const u = new URL(location.href);
  if (S.selected) u.searchParams.set("machine", S.selected);
  if (S.pos >= 0 && t) u.searchParams.set("tx", String(t.cursor));
  else u.searchParams.delete("tx");
  if (S.view !== "log") u.searchParams.set("view", S.view);
  else u.searchParams.delete("view");
  const href = u.toString();
  if (href === S.url || !S.selected) return;
  S.url = href;
  history.replaceState(null, "", href);
}

/**
 * Starts the page: state, events, the stream and the first page.
 *
 * @example Usage
 * ```ts ignore
 * dbgPageMain();
 * ```
 */
export function dbgPageMain(): void {
  const qs = new URLSearchParams(location.search);
  const $ = (id: string) => document.getElementById(id) as HTMLElement;
  const S: PageState = {
    base: new URL(".", location.href),
    token: qs.get("token") || "",
    machines: new Map(),
    schemas: new Map(),
    selected: "",
    win: { id: "", txs: [], moreOlder: false, moreNewer: false, loading: false },
    pos: -1,
    paused: false,
    filters: {
      canceled: false,
      auto: false,
      empty: false,
      queued: false,
      state: "",
      level: 2,
      search: "",
    },
    view: "log",
    lanes: [],
    pinned: [],
    diagram: { k: 1, x: 0, y: 0, drawn: "", pos: {}, lastDrawMs: 0, focus: "" },
    seq: 0,
    listSeq: 0,
    pending: new Map(),
    rpcId: 1,
    scheduled: false,
    stats: {
      batches: 0,
      lastBatchMs: 0,
      maxBatchMs: 0,
      rows: 0,
      frames: 0,
      pages: 0,
      connects: 0,
      reconnects: 0,
      gaps: 0,
      dups: 0,
      firstPaintMs: 0,
      batchMs: [],
    },
    busy: undefined,
    schedule: () => {},
    goneOpen: false,
    seqRows: undefined,
    seqFollow: true,
    seqKey: "",
    seqSize: { w: 0, h: 0 },
    seqTop: 0,
    treeAt: -1e9,
    url: "",
    ready: false,
    reveal: false,
    logH: 0,
    logTop: 0,
    treeKey: "",
    treeCounts: new Map(),
    urlKey: "",
    visKey: "",
    vis: [],
  };
  // the log's height is cached for renders: measured again when it changes
  new ResizeObserver(() => {
    S.logH = 0;
    S.schedule();
  }).observe($("log"));
  new ResizeObserver(() => {
    S.seqSize = { w: 0, h: 0 };
    S.schedule();
  }).observe($("seq"));
  S.schedule = () => {
    if (S.scheduled) return;
    S.scheduled = true;
    requestAnimationFrame(() => {
      S.scheduled = false;
      pageRender(S);
    });
  };
  const view = qs.get("view");
  if (view === "diagram" || view === "sequence") S.view = view;
  const redraw = () => {
    S.treeAt = -1e9;
    S.treeKey = "";
    pageRender(S);
  };
  // the page's handle for tests and the console
  Object.assign(globalThis, {
    __amdbg: {
      S,
      stats: S.stats,
      render: redraw,
      step: (dir: number) => pageStep(S, dir),
      select: (id: string, cursor?: number) => pageSelect(S, id, cursor),
      reload: () => pageLoadMachines(S).then(redraw),
      importFile: (b: Blob) => pageImport(S, b),
      jump: (m: string, t: string) => pageJumpTx(S, m, t),
      seqOlder: () => seqLoadOlder(S),
      older: () => pageLoadOlder(S),
      txs: (id: string, cursor: number | undefined, dir: "older" | "newer") =>
        pageTxs(S, id, cursor, dir),
    },
  });

  pageWire(S, () => pageRender(S), redraw);
  setInterval(() => {
    // the hub's counts stay the truth (retention drops history the stream doesn't report)
    if (document.visibilityState === "visible" && S.stats.connects) {
      pageLoadMachines(S).then(() => S.schedule()).catch(() => {});
    }
  }, 3000);
  pageStatus(S, "connecting…");
  pageConnect(S, async () => {
    try {
      await pageLoadMachines(S);
      const want = qs.get("machine") || "";
      const roots = [...S.machines.values()].filter((m) => !m.parent || !S.machines.has(m.parent));
      roots.sort((a, b) => Number(b.alive) - Number(a.alive) || b.txs - a.txs);
      const id = S.machines.has(want) ? want : roots[0]?.id || "";
      const tx = Number(qs.get("tx") || NaN);
      if (id) await pageSelect(S, id, Number.isInteger(tx) && want === id ? tx : undefined);
      S.ready = true;
      redraw();
    } catch (e) {
      pageStatus(S, "error: " + (e as Error).message);
    }
  });
}
