/**
 * The relations diagram of the debugger page (browser side): a layered
 * layout of the selected machine's states as SVG drawn by the page, edges
 * typed and coloured, the selected transition's states and steps
 * highlighted, pan and zoom. Plain function declarations, served as source
 * (see page_util.ts).
 *
 * @module
 */

import type { DbgMsgSchema } from "../messages.ts";
import type { PageState, PageTx } from "./page_types.ts";
import { isActiveTick } from "../../machine/utils.ts";
import { isErrState, pageEsc, pageTouched } from "./page_util.ts";
import { msgCalledStateNames } from "../messages.ts";
import { stepStateName } from "../explain.ts";
import { StepType } from "../../machine/types.ts";
import { PAGE_RELATION_NAMES } from "./page_names.ts";

/** A laid out diagram. */
export interface DiagramLayout {
  /** Nodes with centres and widths. */
  nodes: { name: string; x: number; y: number; w: number }[];
  /** Typed edges. */
  edges: { from: string; to: string; rel: string }[];
  /** Width. */
  w: number;
  /** Height. */
  h: number;
}

/**
 * Lays out a schema: states ranked by their relations (required and
 * "after" states above, added and removed ones below), ranks ordered by
 * their neighbours' positions, wide ranks wrapped, unrelated states in a
 * grid at the bottom.
 *
 * @example Usage
 * ```ts ignore
 * const layout = diagramLayout(schema);
 * ```
 */
export function diagramLayout(schema: DbgMsgSchema): DiagramLayout {
  const names = schema.StatesIndex;
  const known = new Set(names);
  const edges: DiagramLayout["edges"] = [];
  const dir: [string, string][] = [];
  const rels = [["Require", "require"], ["Add", "add"], ["Remove", "remove"], ["After", "after"]];
  for (const name of names) {
    const st = (schema.States || {})[name] || {};
    for (const [field, rel] of rels) {
      for (const to of (st as Record<string, string[] | undefined>)[field] || []) {
        if (!known.has(to) || to === name) continue;
        edges.push({ from: name, to, rel });
        dir.push(rel === "require" || rel === "after" ? [to, name] : [name, to]);
      }
    }
  }
  const rank = new Map<string, number>();
  const linked = new Set<string>();
  for (const [a, b] of dir) {
    linked.add(a);
    linked.add(b);
  }
  for (const n of linked) rank.set(n, 0);
  // longest path, bounded: cycles stop growing at the cap
  for (let pass = 0, changed = true; changed && pass < 40; pass++) {
    changed = false;
    for (const [a, b] of dir) {
      const r = (rank.get(a) || 0) + 1;
      if (r > (rank.get(b) || 0) && r <= 10) {
        rank.set(b, r);
        changed = true;
      }
    }
  }
  const layers: string[][] = [];
  for (const n of names) {
    if (!linked.has(n)) continue;
    const r = rank.get(n) || 0;
    (layers[r] ||= []).push(n);
  }
  const order = new Map<string, number>();
  const neigh = new Map<string, string[]>();
  for (const [a, b] of dir) {
    (neigh.get(a) || neigh.set(a, []).get(a)!).push(b);
    (neigh.get(b) || neigh.set(b, []).get(b)!).push(a);
  }
  const flat = layers.filter(Boolean);
  flat.forEach((l) => l.forEach((n, i) => order.set(n, i / Math.max(1, l.length - 1))));
  for (let sweep = 0; sweep < 4; sweep++) {
    for (const l of flat) {
      const bary = new Map<string, number>();
      for (const n of l) {
        const ns = neigh.get(n) || [];
        bary.set(n, ns.length ? ns.reduce((s, m) => s + (order.get(m) || 0), 0) / ns.length : 0.5);
      }
      l.sort((a, b) => (bary.get(a) || 0) - (bary.get(b) || 0));
      l.forEach((n, i) => order.set(n, i / Math.max(1, l.length - 1)));
    }
  }
  const MAXW = 9;
  const rows: string[][] = [];
  for (const l of flat) for (let i = 0; i < l.length; i += MAXW) rows.push(l.slice(i, i + MAXW));
  const lone = names.filter((n) => !linked.has(n));
  if (lone.length) rows.push([]);
  for (let i = 0; i < lone.length; i += MAXW) rows.push(lone.slice(i, i + MAXW));
  const width = (n: string) => Math.max(70, n.length * 7.4 + 26);
  const GAP = 22;
  const rowW = rows.map((r) => r.reduce((s, n) => s + width(n) + GAP, -GAP));
  const W = Math.max(200, ...rowW) + 40;
  const nodes: DiagramLayout["nodes"] = [];
  rows.forEach((r, y) => {
    let x = (W - rowW[y]) / 2;
    for (const n of r) {
      const w = width(n);
      nodes.push({ name: n, x: x + w / 2, y: 30 + y * 66, w });
      x += w + GAP;
    }
  });
  return { nodes, edges, w: W, h: 30 + rows.length * 66 };
}

/**
 * The diagram's SVG markup for a schema and its layout.
 *
 * @example Usage
 * ```ts ignore
 * el.innerHTML = diagramSvg(schema, diagramLayout(schema));
 * ```
 */
export function diagramSvg(schema: DbgMsgSchema, layout: DiagramLayout): string {
  const pos = new Map(layout.nodes.map((n) => [n.name, n]));
  const colors: Record<string, string> = {
    require: "#58a6ff",
    add: "#3fb950",
    remove: "#f85149",
    after: "#a371f7",
  };
  const defs = Object.entries(colors).map(([rel, c]) =>
    '<marker id="ar-' + rel + '" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" ' +
    'markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="' + c +
    '"/></marker>'
  ).join("");
  const edges = layout.edges.map((e) => {
    const a = pos.get(e.from)!;
    const b = pos.get(e.to)!;
    let d: string;
    if (Math.abs(a.y - b.y) < 1) {
      const lift = 26 + Math.min(60, Math.abs(a.x - b.x) / 6);
      d = "M" + a.x + "," + (a.y - 12) + " C" + a.x + "," + (a.y - lift) + " " + b.x + "," +
        (b.y - lift) + " " + b.x + "," + (b.y - 13);
    } else {
      const down = b.y > a.y;
      const y1 = a.y + (down ? 12 : -12);
      const y2 = b.y + (down ? -13 : 13);
      const my = (y1 + y2) / 2;
      d = "M" + a.x + "," + y1 + " C" + a.x + "," + my + " " + b.x + "," + my + " " + b.x + "," +
        y2;
    }
    return '<path class="e ' + e.rel + '" data-f="' + pageEsc(e.from) + '" data-t="' +
      pageEsc(e.to) + '" data-r="' + e.rel + '" d="' + d + '" stroke="' + colors[e.rel] +
      '" marker-end="url(#ar-' + e.rel + ')"/>';
  }).join("");
  const nodes = layout.nodes.map((n) => {
    const st = (schema.States || {})[n.name] || {};
    const kind = (st.Multi ? " multi" : "") + (st.Auto ? " auto" : "") +
      (isErrState(n.name) ? " exc" : "");
    const badge = (st.Multi ? "M" : "") + (st.Auto ? "A" : "");
    return '<g class="n' + kind + '" data-s="' + pageEsc(n.name) + '" transform="translate(' +
      n.x + "," + n.y + ')"><rect x="' + -n.w / 2 + '" y="-12" width="' + n.w +
      '" height="24" rx="6"/><text y="4" text-anchor="middle">' + pageEsc(n.name) + "</text>" +
      (badge
        ? '<text class="badge" x="' + (n.w / 2 - 4) + '" y="-3" text-anchor="end">' + badge +
          "</text>"
        : "") +
      "</g>";
  }).join("");
  return '<svg id="dsvg" xmlns="http://www.w3.org/2000/svg" width="100%" height="100%">' +
    "<defs>" + defs + '</defs><g id="dg"><g class="edges">' + edges + '</g><g class="nodes">' +
    nodes + "</g></g></svg>";
}

/**
 * Draws the selected machine's diagram (once per schema) and highlights
 * the transition: active states filled, called ones outlined, touched ones
 * marked, the relation steps' edges bold.
 *
 * @example Usage
 * ```ts ignore
 * diagramRender(S, tx);
 * ```
 */
export function diagramRender(S: PageState, t: PageTx | undefined): void {
  const box = document.getElementById("diagram");
  const schema = S.schemas.get(S.selected);
  if (!box || !schema) return;
  const key = S.selected + "\n" + schema.StatesIndex.join(",");
  if (S.diagram.drawn !== key) {
    const t0 = performance.now();
    const layout = diagramLayout(schema);
    // fit first: the box's size doesn't depend on the new content (no forced layout after)
    diagramFit(S, layout.w, layout.h);
    box.innerHTML = diagramSvg(schema, layout) +
      '<div class="legend"><span class="require">require</span> <span class="add">add</span> ' +
      '<span class="remove">remove</span> <span class="after">after</span> · ' +
      "<b>M</b> multi · <b>A</b> auto · drag to pan, wheel to zoom, 0 to fit</div>";
    S.diagram.drawn = key;
    S.diagram.pos = {};
    for (const n of layout.nodes) S.diagram.pos[n.name] = { x: n.x, y: n.y, w: n.w };
    S.diagram.lastDrawMs = performance.now() - t0;
  }
  const index = schema.StatesIndex;
  const clocks = t ? t.msg.Clocks : [];
  const called = new Set(t ? msgCalledStateNames(t.msg, index) : []);
  const touched = t ? pageTouched(t.msg, index) : new Set<string>();
  for (const g of box.querySelectorAll<SVGGElement>("g.n")) {
    const name = g.dataset.s || "";
    const i = index.indexOf(name);
    g.classList.toggle("active", isActiveTick(clocks[i] || 0));
    g.classList.toggle("called", called.has(name));
    g.classList.toggle("touched", touched.has(name) && !called.has(name));
  }
  const stepEdges = new Set<string>();
  for (const s of (t && t.msg.Steps) || []) {
    if (s.Type !== StepType.Relation) continue;
    const from = stepStateName(s.FromState, s.FromStateIdx, index);
    const to = stepStateName(s.ToState, s.ToStateIdx, index);
    stepEdges.add(from + "|" + PAGE_RELATION_NAMES[s.RelType] + "|" + to);
  }
  for (const p of box.querySelectorAll<SVGPathElement>("path.e")) {
    p.classList.toggle("step", stepEdges.has(p.dataset.f + "|" + p.dataset.r + "|" + p.dataset.t));
  }
  // a newly selected transition whose called state is out of view: bring it in
  const focus = [...called].join();
  if (focus && focus !== S.diagram.focus) {
    S.diagram.focus = focus;
    const n = S.diagram.pos[[...called][0]];
    const bw = box.clientWidth || 800;
    const bh = box.clientHeight || 500;
    const x = n ? S.diagram.x + n.x * S.diagram.k : 0;
    const y = n ? S.diagram.y + n.y * S.diagram.k : 0;
    if (n && (x < 40 || x > bw - 40 || y < 20 || y > bh - 40)) {
      S.diagram.x = bw / 2 - n.x * S.diagram.k;
      S.diagram.y = bh / 2 - n.y * S.diagram.k;
    }
  }
  diagramApply(S);
}

/**
 * Fits the diagram into its box.
 *
 * @example Usage
 * ```ts ignore
 * diagramFit(S, 800, 600);
 * ```
 */
export function diagramFit(S: PageState, w: number, h: number): void {
  const box = document.getElementById("diagram");
  if (!box) return;
  const bw = box.clientWidth || 800;
  const bh = (box.clientHeight || 500) - 24;
  // readable first: labels stay ≥ ~10 px, pan (drag) or zoom out (wheel) for the rest
  const k = Math.max(0.85, Math.min(1.5, bw / w, bh / h));
  S.diagram.k = k;
  S.diagram.x = Math.max(8, (bw - w * k) / 2);
  S.diagram.y = 4;
}

/**
 * Applies pan and zoom.
 *
 * @example Usage
 * ```ts ignore
 * diagramApply(S);
 * ```
 */
export function diagramApply(S: PageState): void {
  const g = document.getElementById("dg");
  if (g) {
    g.setAttribute(
      "transform",
      "translate(" + S.diagram.x + "," + S.diagram.y + ") scale(" + S.diagram.k + ")",
    );
  }
}

/**
 * Zooms by `f` around a point of the box.
 *
 * @example Usage
 * ```ts ignore
 * diagramZoom(S, 1.2, 100, 100);
 * ```
 */
export function diagramZoom(S: PageState, f: number, px: number, py: number): void {
  const d = S.diagram;
  const k = Math.min(4, Math.max(0.15, d.k * f));
  d.x = px - (px - d.x) * (k / d.k);
  d.y = py - (py - d.y) * (k / d.k);
  d.k = k;
  diagramApply(S);
}

/**
 * Marks the edges of a hovered state (or clears with "").
 *
 * @example Usage
 * ```ts ignore
 * diagramHover("Foo");
 * ```
 */
export function diagramHover(name: string): void {
  const box = document.getElementById("diagram");
  if (!box) return;
  box.classList.toggle("hovering", !!name);
  for (const p of box.querySelectorAll<SVGPathElement>("path.e")) {
    p.classList.toggle("hl", !!name && (p.dataset.f === name || p.dataset.t === name));
  }
}
