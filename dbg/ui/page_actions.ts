/**
 * The debugger page's actions (browser side): stepping through history with
 * paging, moving between machines, jumping to a transition by id, export
 * and import. Plain function declarations, served as source (see
 * page_util.ts).
 *
 * @module
 */

import type { PageState } from "./page_types.ts";
import { pageLoadMachines, pageLoadNewer, pageLoadOlder, pageSelect } from "./page_data.ts";
import { pageSelIndex, pageVisible } from "./page_render.ts";

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
