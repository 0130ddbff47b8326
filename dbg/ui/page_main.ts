/**
 * The debugger page's entry point (browser side): state, rendering on
 * animation frames, events, keyboard, URL position, export and import.
 * `dbg/ui.ts` serves `dbgPageMain` with the other page modules' functions
 * as one inline script.
 *
 * @module
 */

import type { PageState, PageTx } from "./page_types.ts";
import {
  pageCatchUp,
  pageConnect,
  pageLoadMachines,
  pageLoadNewer,
  pageLoadOlder,
  pageSelect,
  pageStatus,
  pageTxs,
} from "./page_data.ts";
import {
  pageRenderDetails,
  pageRenderLog,
  pageRenderPos,
  pageRenderStates,
  pageRenderTree,
  pageSelIndex,
  pageVisible,
} from "./page_render.ts";
import { diagramApply, diagramHover, diagramRender, diagramZoom } from "./page_diagram.ts";
import { seqLoad, seqLoadOlder, seqRender } from "./page_sequence.ts";

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
 * Steps the selection by one visible transition (`dir` -1 or 1), paging
 * older or newer transitions in at the window's ends.
 *
 * @example Usage
 * ```ts ignore
 * await pageStep(S, -1);
 * ```
 */
export async function pageStep(S: PageState, dir: number): Promise<void> {
  if (S.busy) await S.busy;
  for (let tries = 0; tries < 50; tries++) {
    const vis = pageVisible(S);
    if (!vis.length) {
      if (dir < 0 && (await pageLoadOlder(S)) > 0) continue;
      return;
    }
    const k = pageSelIndex(S, vis);
    const atSel = S.pos < 0 || S.win.txs[vis[k]].cursor === S.pos;
    const next = dir < 0 ? (atSel ? k - 1 : k) : k + 1;
    if (next >= 0 && next < vis.length) {
      S.pos = S.win.txs[vis[next]].cursor;
      S.reveal = true;
      S.schedule();
      return;
    }
    if (dir < 0) {
      if (!S.win.moreOlder) return;
      if (S.pos < 0) S.pos = S.win.txs[vis[k]].cursor;
      if ((await pageLoadOlder(S)) === 0) return;
    } else {
      if (S.pos < 0) return;
      if (!S.win.moreNewer) {
        S.pos = -1; // past the newest: follow live again
        S.schedule();
        return;
      }
      if ((await pageLoadNewer(S)) === 0) return;
    }
  }
}

/**
 * Selects the machine above or below in the tree.
 *
 * @example Usage
 * ```ts ignore
 * pageMoveMachine(S, 1);
 * ```
 */
export function pageMoveMachine(S: PageState, dir: number): void {
  const ids = [...document.querySelectorAll<HTMLElement>("#tree .node")].map((n) =>
    n.dataset.id || ""
  );
  const i = ids.indexOf(S.selected);
  const id = ids[Math.max(0, Math.min(ids.length - 1, i + dir))];
  if (id && id !== S.selected) pageSelect(S, id);
}

/**
 * Selects the machine and the transition with this id (searching its
 * newest pages), e.g. a mutation's source.
 *
 * @example Usage
 * ```ts ignore
 * await pageJumpTx(S, "sim", "ab12");
 * ```
 */
export async function pageJumpTx(S: PageState, machId: string, txId: string): Promise<boolean> {
  await pageSelect(S, machId);
  for (let i = 0; i < 20; i++) {
    const hit = S.win.txs.find((t) => t.msg.ID === txId);
    if (hit) {
      S.pos = hit.cursor;
      S.reveal = true;
      S.view = "log";
      S.schedule();
      return true;
    }
    if (!(await pageLoadOlder(S))) return false;
  }
  return false;
}

/**
 * Downloads the selected machines (selected and pinned) or all of them, as
 * an am-dbg recording (`gob`) or JSON.
 *
 * @example Usage
 * ```ts ignore
 * await pageExport(S, "gob", false);
 * ```
 */
export async function pageExport(S: PageState, format: string, all: boolean): Promise<void> {
  const u = new URL("export", S.base);
  u.searchParams.set("format", format);
  if (!all) u.searchParams.set("machines", [S.selected, ...S.pinned].join(","));
  const headers: Record<string, string> = {};
  if (S.token) headers.authorization = "Bearer " + S.token;
  const res = await fetch(u, { headers });
  if (!res.ok) throw new Error("export: " + (await res.text()));
  const blob = await res.blob();
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = "am-dbg-" + (all ? "all" : S.selected) + (format === "json" ? ".json" : ".gob.br");
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/**
 * Uploads a recording (`.gob.br`, gob or JSON) into the hub (the import
 * route; it needs the ingest token) and opens its first machine.
 *
 * @example Usage
 * ```ts ignore
 * await pageImport(S, file);
 * ```
 */
export async function pageImport(S: PageState, file: Blob): Promise<string[]> {
  const headers: Record<string, string> = { "content-type": "application/octet-stream" };
  if (S.token) headers.authorization = "Bearer " + S.token;
  const res = await fetch(new URL("import", S.base), { method: "POST", headers, body: file });
  const body = await res.json().catch(() => ({ error: "HTTP " + res.status }));
  if (!res.ok || body.error) throw new Error(body.error || "HTTP " + res.status);
  await pageLoadMachines(S);
  const ids: string[] = body.machines || [];
  if (ids.length) await pageSelect(S, ids[0]);
  return ids;
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
    diagram: { k: 1, x: 0, y: 0, drawn: "", pos: {}, lastDrawMs: 0 },
    seq: 0,
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
    treeAt: -1e9,
    url: "",
    ready: false,
    reveal: false,
    logH: 0,
    logTop: 0,
    treeKey: "",
    urlKey: "",
    visKey: "",
    vis: [],
  };
  // the log's height is cached for renders: measured again when it changes
  new ResizeObserver(() => {
    S.logH = 0;
    S.schedule();
  }).observe($("log"));
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
  (globalThis as unknown as { __amdbg: unknown }).__amdbg = {
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
  };

  $("tree").onclick = (e) => {
    const target = e.target as HTMLElement;
    if (target.closest(".gone-head")) {
      S.goneOpen = !S.goneOpen;
      redraw();
      return;
    }
    const n = target.closest<HTMLElement>(".node");
    if (!n || !n.dataset.id) return;
    if (e.shiftKey) {
      const id = n.dataset.id;
      S.pinned = S.pinned.includes(id) ? S.pinned.filter((p) => p !== id) : [...S.pinned, id];
      redraw();
      return;
    }
    pageSelect(S, n.dataset.id).then(redraw);
  };
  $("search").oninput = (e) => {
    S.filters.search = (e.target as HTMLInputElement).value.trim();
    redraw();
  };
  $("log").onscroll = async () => {
    const log = $("log");
    S.logTop = log.scrollTop;
    const vis = pageVisible(S);
    pageRenderLog(S, vis);
    if (log.scrollTop < 100 && S.win.moreOlder && !S.win.loading) {
      if (S.pos < 0 && vis.length) S.pos = S.win.txs[vis[vis.length - 1]].cursor;
      const before = pageVisible(S).length;
      await pageLoadOlder(S);
      log.scrollTop += (pageVisible(S).length - before) * 20;
      S.logTop = log.scrollTop;
      pageRender(S);
    } else if (
      log.scrollTop + log.clientHeight > log.scrollHeight - 100 && S.win.moreNewer &&
      !S.win.loading && S.pos >= 0
    ) {
      await pageLoadNewer(S);
      pageRender(S);
    }
  };
  $("log").onclick = (e) => {
    const r = (e.target as HTMLElement).closest<HTMLElement>(".row");
    if (!r || !r.dataset.c) return;
    S.pos = Number(r.dataset.c);
    pageRender(S);
  };
  $("details").onclick = (e) => {
    const a = (e.target as HTMLElement).closest<HTMLElement>("a[data-m]");
    if (!a) return;
    e.preventDefault();
    pageJumpTx(S, a.dataset.m || "", a.dataset.t || "");
  };
  $("states").onclick = (e) => {
    (e.target as HTMLElement).closest(".state")?.classList.toggle("open");
  };
  $("pause").onclick = () => {
    S.paused = !S.paused;
    if (!S.paused && S.pos < 0) pageSelect(S, S.selected);
    S.schedule();
  };
  $("live").onclick = () => {
    S.pos = -1;
    if (S.win.moreNewer || S.paused) {
      S.paused = false;
      pageSelect(S, S.selected);
    }
    S.schedule();
  };
  $("back").onclick = () => pageStep(S, -1);
  $("fwd").onclick = () => pageStep(S, 1);
  $("filter").oninput = (e) => {
    S.filters.state = (e.target as HTMLInputElement).value.trim();
    S.schedule();
  };
  for (const f of ["canceled", "auto", "empty", "queued"] as const) {
    $("hide-" + f).onchange = (e) => {
      S.filters[f] = (e.target as HTMLInputElement).checked;
      S.schedule();
    };
  }
  $("level").onchange = (e) => {
    S.filters.level = Number((e.target as HTMLSelectElement).value);
    S.schedule();
  };
  $("tabs").onclick = (e) => {
    const b = (e.target as HTMLElement).closest<HTMLElement>("[data-view]");
    if (!b) return;
    S.view = b.dataset.view as PageState["view"];
    S.schedule();
  };
  const dia = $("diagram");
  dia.onwheel = (e) => {
    e.preventDefault();
    const r = dia.getBoundingClientRect();
    diagramZoom(S, e.deltaY < 0 ? 1.15 : 1 / 1.15, e.clientX - r.left, e.clientY - r.top);
  };
  let drag: { x: number; y: number } | undefined;
  dia.onmousedown = (e) => {
    drag = { x: e.clientX - S.diagram.x, y: e.clientY - S.diagram.y };
  };
  globalThis.addEventListener("mouseup", () => drag = undefined);
  dia.onmousemove = (e) => {
    if (!drag) return;
    S.diagram.x = e.clientX - drag.x;
    S.diagram.y = e.clientY - drag.y;
    diagramApply(S);
  };
  dia.onmouseover = (e) => {
    diagramHover((e.target as Element).closest<SVGGElement>("g.n")?.dataset.s || "");
  };
  dia.ondblclick = (e) => {
    const name = (e.target as Element).closest<SVGGElement>("g.n")?.dataset.s;
    if (!name) return;
    S.filters.state = S.filters.state === name ? "" : name;
    ($("filter") as HTMLInputElement).value = S.filters.state;
    S.schedule();
  };
  const seq = $("seq");
  seq.onscroll = async () => {
    S.seqFollow = seq.scrollTop + seq.clientHeight >= seq.scrollHeight - 4;
    seqRender(S);
    if (seq.scrollTop < 60) {
      const before = seq.scrollHeight;
      if (await seqLoadOlder(S)) {
        S.seqRows = undefined;
        seqRender(S);
        seq.scrollTop += seq.scrollHeight - before;
      }
    }
  };
  seq.onclick = (e) => {
    const el = (e.target as Element).closest<SVGElement>("[data-m]");
    if (!el) return;
    const id = el.dataset.m || "";
    const cursor = Number(el.dataset.c);
    S.view = "log";
    pageSelect(S, id, cursor);
  };
  $("export-gob").onclick = () =>
    pageExport(S, "gob", ($("export-all") as HTMLInputElement).checked).catch((e) =>
      pageStatus(S, String(e.message || e))
    );
  $("export-json").onclick = () =>
    pageExport(S, "json", ($("export-all") as HTMLInputElement).checked).catch((e) =>
      pageStatus(S, String(e.message || e))
    );
  $("import").onchange = (e) => {
    const input = e.target as HTMLInputElement;
    const file = input.files && input.files[0];
    if (!file) return;
    pageStatus(S, "importing " + file.name + "…");
    pageImport(S, file).then((ids) => pageStatus(S, "imported " + ids.length + " machines"))
      .catch((err) => pageStatus(S, "import failed: " + err.message)).finally(() => {
        input.value = "";
      });
  };
  $("pin").onclick = () => {
    const id = S.selected;
    S.pinned = S.pinned.includes(id) ? S.pinned.filter((p) => p !== id) : [...S.pinned, id];
    redraw();
  };
  document.onkeydown = (e) => {
    const tag = (e.target as HTMLElement).tagName;
    if (tag === "INPUT" || tag === "SELECT") {
      if (e.key === "Escape") (e.target as HTMLElement).blur();
      return;
    }
    if (e.key === "ArrowLeft") pageStep(S, -1);
    else if (e.key === "ArrowRight") pageStep(S, 1);
    else if (e.key === "ArrowUp") pageMoveMachine(S, -1);
    else if (e.key === "ArrowDown") pageMoveMachine(S, 1);
    else if (e.key === "/") $("search").focus();
    else if (e.key === " ") $("pause").click();
    else if (e.key === "0") {
      S.diagram.drawn = "";
      S.schedule();
    } else if (e.key === "1" || e.key === "2" || e.key === "3") {
      S.view = (["log", "diagram", "sequence"] as const)[Number(e.key) - 1];
      S.schedule();
    } else return;
    e.preventDefault();
  };
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
