/**
 * The debugger page's event handlers (browser side): tree, search, log
 * scrolling and clicks, filters, views, diagram pan/zoom/hover, sequence
 * scrolling and clicks, export/import, and am-dbg's keyboard (←/→ step,
 * ↑/↓ machines, `/` search, space pause, 1-3 views, 0 fit). Plain function
 * declarations, served as source (see page_util.ts).
 *
 * @module
 */

import type { PageState } from "./page_types.ts";
import { pageLoadNewer, pageLoadOlder, pageSelect } from "./page_data.ts";
import { pageStatus } from "./page_stream.ts";
import { pageRenderLog, pageVisible } from "./page_render.ts";
import { diagramApply, diagramHover, diagramZoom } from "./page_diagram.ts";
import { seqLoadOlder, seqRender } from "./page_sequence.ts";
import { pageExport, pageImport, pageJumpTx, pageMoveMachine, pageStep } from "./page_actions.ts";

/**
 * Wires the page's controls to the state: `render` draws now, `redraw`
 * draws the tree from scratch too.
 *
 * @example Usage
 * ```ts ignore
 * pageWire(S, () => pageRender(S), redraw);
 * ```
 */
export function pageWire(S: PageState, render: () => void, redraw: () => void): void {
  const $ = (id: string) => document.getElementById(id) as HTMLElement;
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
    // the render's own scrolling (within the browser's rounding): already drawn
    if (Math.abs(log.scrollTop - S.logTop) < 1) return;
    S.logTop = log.scrollTop;
    const vis = pageVisible(S);
    pageRenderLog(S, vis);
    if (log.scrollTop < 100 && S.win.moreOlder && !S.win.loading) {
      if (S.pos < 0 && vis.length) S.pos = S.win.txs[vis[vis.length - 1]].cursor;
      const before = pageVisible(S).length;
      await pageLoadOlder(S);
      log.scrollTop += (pageVisible(S).length - before) * 20;
      S.logTop = log.scrollTop;
      render();
    } else if (
      log.scrollTop + log.clientHeight > log.scrollHeight - 100 && S.win.moreNewer &&
      !S.win.loading && S.pos >= 0
    ) {
      await pageLoadNewer(S);
      render();
    }
  };
  $("log").onclick = (e) => {
    const r = (e.target as HTMLElement).closest<HTMLElement>(".row");
    if (!r || !r.dataset.c) return;
    S.pos = Number(r.dataset.c);
    render();
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
    if (Math.abs(seq.scrollTop - S.seqTop) < 1) return; // the render's own scrolling
    S.seqTop = seq.scrollTop;
    S.seqFollow = seq.scrollTop + seq.clientHeight >= seq.scrollHeight - 4;
    seqRender(S);
    if (seq.scrollTop < 60) {
      const before = seq.scrollHeight;
      if (await seqLoadOlder(S)) {
        S.seqRows = undefined;
        seqRender(S);
        seq.scrollTop += seq.scrollHeight - before;
        S.seqTop = seq.scrollTop;
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
}
