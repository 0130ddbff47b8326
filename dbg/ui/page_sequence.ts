/**
 * The sequence view of the debugger page (browser side): several machines'
 * transitions on one axis (the hub's seq: a global order), an arrow from
 * the transition whose handler caused a mutation on another machine (the
 * `[source]` log entry) to the transition it caused. Virtualised: only
 * the rows in view are drawn. Plain function declarations, served as
 * source (see page_util.ts).
 *
 * @module
 */

import type { PageState, SeqRows } from "./page_types.ts";
import { pageSchema, pageTxs } from "./page_data.ts";
import { pageEsc, pageSource, pageTime } from "./page_util.ts";
import { msgCalledStateNames } from "../messages.ts";

/**
 * The machines the sequence view shows: the selected one, its parent, and
 * the pinned machines, or else its most recently active children (≤ 10).
 *
 * @example Usage
 * ```ts ignore
 * seqLaneIds(S);
 * ```
 */
export function seqLaneIds(S: PageState): string[] {
  const sel = S.machines.get(S.selected);
  if (!sel) return [];
  const ids = [sel.id];
  if (sel.parent && S.machines.has(sel.parent)) ids.unshift(sel.parent);
  const extra = S.pinned.length
    ? S.pinned.filter((id) => S.machines.has(id))
    : [...S.machines.values()].filter((m) => m.parent === sel.id && m.txs > 0)
      .sort((a, b) => b.lastSeq - a.lastSeq).map((m) => m.id);
  for (const id of extra) if (!ids.includes(id) && ids.length < 10) ids.push(id);
  return ids;
}

/**
 * Loads each lane's newest page (when the lanes changed).
 *
 * @example Usage
 * ```ts ignore
 * await seqLoad(S);
 * ```
 */
export async function seqLoad(S: PageState, force = false): Promise<void> {
  // lanes are chosen once per selection: activity reordering them would reload every frame
  const key = S.selected + "\n" + S.pinned.join("\n");
  if (!force && key === S.seqKey) return;
  S.seqKey = key;
  const ids = seqLaneIds(S);
  S.lanes = ids.map((id) => ({ id, txs: [], moreOlder: true }));
  S.seqFollow = true;
  const lanes = S.lanes;
  await Promise.all(lanes.map(async (lane) => {
    try {
      await pageSchema(S, lane.id);
      const page = await pageTxs(S, lane.id, undefined, "older", 200);
      lane.txs = page.txs.concat(lane.txs.filter((t) => t.seq > (page.txs.at(-1)?.seq ?? 0)));
      lane.moreOlder = page.more;
    } catch {
      lane.moreOlder = false;
    }
  }));
  S.seqRows = undefined;
  S.schedule();
}

/**
 * Pages older transitions into the lanes that end the shared axis.
 *
 * @example Usage
 * ```ts ignore
 * await seqLoadOlder(S);
 * ```
 */
export async function seqLoadOlder(S: PageState): Promise<number> {
  const floor = seqFloor(S);
  let added = 0;
  await Promise.all(S.lanes.map(async (lane) => {
    if (!lane.moreOlder || !lane.txs.length || lane.txs[0].seq > floor) return;
    const page = await pageTxs(S, lane.id, lane.txs[0].cursor, "older", 200);
    lane.txs = page.txs.concat(lane.txs);
    lane.moreOlder = page.more;
    added += page.txs.length;
  }));
  return added;
}

/**
 * The oldest seq every lane has loaded back to (rows older than it would
 * be incomplete).
 *
 * @example Usage
 * ```ts ignore
 * seqFloor(S);
 * ```
 */
export function seqFloor(S: PageState): number {
  let floor = 0;
  for (const l of S.lanes) if (l.moreOlder && l.txs.length) floor = Math.max(floor, l.txs[0].seq);
  return floor;
}

/**
 * The merged rows (cached until a lane changes).
 *
 * @example Usage
 * ```ts ignore
 * seqRowsOf(S).rows.length;
 * ```
 */
export function seqRowsOf(S: PageState): SeqRows {
  const key = S.lanes.map((l) => l.id + ":" + l.txs.length + ":" + (l.txs[0]?.seq ?? 0)).join();
  if (S.seqRows && S.seqRows.key === key) return S.seqRows;
  const floor = seqFloor(S);
  const rows: SeqRows["rows"] = [];
  S.lanes.forEach((l, lane) => {
    for (const tx of l.txs) if (tx.seq >= floor) rows.push({ lane, tx });
  });
  rows.sort((a, b) => a.tx.seq - b.tx.seq);
  const byTx = new Map<string, number>();
  rows.forEach((r, i) => byTx.set(r.tx.msg.MachineID + "/" + r.tx.msg.ID, i));
  S.seqRows = { key, rows, byTx };
  return S.seqRows;
}

/**
 * Draws the rows in view: lifelines, a dot and label per transition, and
 * arrows from source transitions to the ones they caused.
 *
 * @example Usage
 * ```ts ignore
 * seqRender(S);
 * ```
 */
export function seqRender(S: PageState): void {
  const box = document.getElementById("seq");
  const head = document.getElementById("seqhead");
  if (!box || !head) return;
  const { rows, byTx } = seqRowsOf(S);
  const ROW = 22;
  const LEFT = 150;
  const spacer = box.firstElementChild as HTMLElement;
  spacer.style.height = rows.length * ROW + "px";
  // sizes cached (a ResizeObserver clears them): no layout reads while scrolling
  if (!S.seqSize.w) S.seqSize = { w: box.clientWidth, h: box.clientHeight };
  const width = Math.max(400, S.seqSize.w);
  const laneW = Math.max(110, (width - LEFT) / Math.max(1, S.lanes.length));
  const lx = (lane: number) => LEFT + laneW * lane + laneW / 2;
  const headKey = width + "|" + S.lanes.map((l) => l.id).join();
  if (head.dataset.key !== headKey) {
    head.dataset.key = headKey;
    head.innerHTML = S.lanes.map((l, i) =>
      '<span class="lane" style="left:' + (LEFT + laneW * i) + "px;width:" + laneW +
      'px" title="' + pageEsc(l.id) + '">' + pageEsc(l.id) + "</span>"
    ).join("");
  }
  let top = S.seqTop;
  if (S.seqFollow) {
    top = Math.max(0, rows.length * ROW - (S.seqSize.h || 400));
    box.scrollTop = top;
  }
  S.seqTop = top;
  const from = Math.max(0, Math.min(rows.length - 1, Math.floor(top / ROW) - 5));
  const to = Math.min(rows.length, from + Math.ceil((S.seqSize.h || 400) / ROW) + 10);
  const y = (i: number) => (i - from) * ROW + ROW / 2;
  const out: string[] = [];
  const h = Math.max(0, to - from) * ROW;
  S.lanes.forEach((_, i) => {
    out.push('<line class="life" x1="' + lx(i) + '" y1="0" x2="' + lx(i) + '" y2="' + h + '"/>');
  });
  const index = (id: string) => S.schemas.get(id)?.StatesIndex || [];
  for (let i = from; i < to; i++) {
    const { lane, tx } = rows[i];
    const msg = tx.msg;
    const cls = msg.IsQueued ? " queued" : !msg.Accepted ? " canceled" : "";
    out.push(
      '<text class="tm" x="4" y="' + (y(i) + 4) + '">' + pageTime(msg.Time) + " " + tx.seq +
        "</text>",
      '<circle class="dot' + cls + '" data-m="' + pageEsc(msg.MachineID) + '" data-c="' +
        tx.cursor + '" cx="' + lx(lane) + '" cy="' + y(i) + '" r="5"/>',
      '<text class="lbl' + cls + '" x="' + (lx(lane) + 9) + '" y="' + (y(i) + 4) + '">' +
        pageEsc(msgCalledStateNames(msg, index(msg.MachineID)).join(" ").slice(0, 28)) + "</text>",
    );
  }
  // arrows whose target is in view or just below it (sources sit above)
  for (let i = from; i < Math.min(rows.length, to + 40); i++) {
    const { lane, tx } = rows[i];
    const src = pageSource(tx.msg);
    if (!src) continue;
    const j = byTx.get(src.machId + "/" + src.txId);
    if (j === undefined || rows[j].lane === lane || j >= to) continue;
    const x1 = lx(rows[j].lane);
    const x2 = lx(lane) + (x1 < lx(lane) ? -7 : 7);
    out.push(
      '<path class="arrow" data-m="' + pageEsc(tx.msg.MachineID) + '" data-c="' + tx.cursor +
        '" d="M' + x1 + "," + y(j) + " C" + (x1 + x2) / 2 + "," + y(j) + " " + (x1 + x2) / 2 +
        "," + y(i) + " " + x2 + "," + y(i) + '" marker-end="url(#seqar)"><title>' +
        pageEsc(src.machId + " → " + tx.msg.MachineID) + "</title></path>",
    );
  }
  spacer.innerHTML = '<svg class="seqsvg" style="top:' + from * ROW + 'px" width="' + width +
    '" height="' + h + '"><defs><marker id="seqar" viewBox="0 0 10 10" refX="9" refY="5" ' +
    'markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10z" fill="#d29922"/>' +
    "</marker></defs>" + out.join("") + "</svg>" +
    (rows.length ? "" : '<div class="hint">no transitions in these machines yet</div>');
}
