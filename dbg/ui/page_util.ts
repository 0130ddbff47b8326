/**
 * Pure helpers of the debugger page's script. Every export is a plain
 * function declaration: `dbg/ui.ts` serves their source (`toString()`, types
 * already stripped by Deno) as top-level functions of one script, so they
 * may call each other by name, and the few core functions and constants
 * `dbg/ui.ts` serves beside them (`isActiveTick`, `timeDiff`,
 * `clockDiffNames`, `stepStateName`, `msgCalledStateNames`; `StateException`, the
 * `MutationType` and `StepType` enums, the tables of `page_names.ts`),
 * nothing else imported.
 *
 * @module
 */

import { type DbgMsgSchema, type DbgMsgTx, msgCalledStateNames } from "../messages.ts";
import { MutationType } from "../../machine/types.ts";
import type { PageFilters, PageTx } from "./page_types.ts";
import { StateException } from "../../machine/states.ts";
import { clockDiffNames, stepStateName } from "../explain.ts";

/**
 * HTML-escapes a string.
 *
 * @example Usage
 * ```ts
 * import { pageEsc } from "./page_util.ts";
 * pageEsc("<b>"); // "&lt;b&gt;"
 * ```
 */
export function pageEsc(s: unknown): string {
  return String(s).replace(
    /[&<>"']/g,
    (c) =>
      c === "&"
        ? "&amp;"
        : c === "<"
        ? "&lt;"
        : c === ">"
        ? "&gt;"
        : c === '"'
        ? "&quot;"
        : "&#39;",
  );
}

/**
 * States activated and deactivated by `tx` after `prev`, by the clocks
 * (the core's `timeDiff`: a re-activated Multi state counts as added);
 * nothing for a queued mutation's notice or without `prev`.
 *
 * @example Usage
 * ```ts
 * import { pageDiff } from "./page_util.ts";
 * const tx = (c: number[]) => ({ MachineID: "m", ID: "t", Clocks: c, Type: 0, Accepted: true });
 * pageDiff(tx([1, 2]), tx([0, 1]), ["A", "B"]); // { added: ["A"], removed: ["B"] }
 * ```
 */
export function pageDiff(
  tx: DbgMsgTx,
  prev: DbgMsgTx | undefined,
  index: readonly string[],
): { added: string[]; removed: string[] } {
  if (!prev || tx.IsQueued) return { added: [], removed: [] };
  return clockDiffNames(prev.Clocks, tx.Clocks, index);
}

/**
 * Whether a state is an error state as am-dbg marks them: `Exception`, or
 * a name starting with `Err` (upstream's convention, e.g. `ErrNetwork`).
 *
 * @example Usage
 * ```ts
 * import { isErrState } from "./page_util.ts";
 * isErrState("ErrNetwork"); // true
 * ```
 */
export function isErrState(name: string): boolean {
  return name === StateException || name.startsWith("Err");
}

/**
 * True when a transition changed no clock (am-dbg's "empty").
 *
 * @example Usage
 * ```ts
 * import { pageIsEmpty } from "./page_util.ts";
 * const tx = (c: number[]) => ({ MachineID: "m", ID: "t", Clocks: c, Type: 0, Accepted: true });
 * pageIsEmpty(tx([1]), tx([1])); // true
 * ```
 */
export function pageIsEmpty(tx: DbgMsgTx, prev: DbgMsgTx | undefined): boolean {
  if (tx.IsQueued) return false;
  if (!prev) return !tx.Accepted;
  const n = Math.max(tx.Clocks.length, prev.Clocks.length);
  for (let i = 0; i < n; i++) if ((tx.Clocks[i] || 0) !== (prev.Clocks[i] || 0)) return false;
  return true;
}

/**
 * The error message of an Exception transition (its `err` arg), or "".
 *
 * @example Usage
 * ```ts
 * import { pageErr } from "./page_util.ts";
 * pageErr({ MachineID: "m", ID: "t", Clocks: [], Type: 0, Accepted: true, Args: { err: "boom" } }, []); // "boom"
 * ```
 */
export function pageErr(tx: DbgMsgTx, index: readonly string[]): string {
  const called = msgCalledStateNames(tx, index);
  if (!called.some(isErrState) || tx.Type === MutationType.Remove) return "";
  return (tx.Args && (tx.Args.err || tx.Args.error)) || "error";
}

/**
 * The mutation's source (upstream's `[source] mach/tx/time` log entry),
 * or undefined.
 *
 * @example Usage
 * ```ts
 * import { pageSource } from "./page_util.ts";
 * pageSource({ MachineID: "m", ID: "t", Clocks: [], Type: 0, Accepted: true,
 *   LogEntries: [{ Level: 3, Text: "[source] sim/abc/4" }] }); // { machId: "sim", txId: "abc" }
 * ```
 */
export function pageSource(tx: DbgMsgTx): { machId: string; txId: string } | undefined {
  for (const list of [tx.LogEntries, tx.PreLogEntries]) {
    for (const e of list || []) {
      if (!e.Text.startsWith("[source] ")) continue;
      const [machId, txId] = e.Text.slice(9).split("/");
      if (machId && txId) return { machId, txId };
    }
  }
  return undefined;
}

/**
 * Whether the filters hide a transition (`prev`: the previous non-queued one).
 *
 * @example Usage
 * ```ts
 * import { pageHidden } from "./page_util.ts";
 * const f = { canceled: true, auto: false, empty: false, queued: false, state: "", level: 2, search: "" };
 * pageHidden({ MachineID: "m", ID: "t", Clocks: [], Type: 0, Accepted: false }, undefined, [], f); // true
 * ```
 */
export function pageHidden(
  tx: DbgMsgTx,
  prev: DbgMsgTx | undefined,
  index: readonly string[],
  f: PageFilters,
): boolean {
  if (f.queued && tx.IsQueued) return true;
  if (f.canceled && !tx.Accepted && !tx.IsQueued) return true;
  if (f.auto && tx.IsAuto) return true;
  if (f.empty && pageIsEmpty(tx, prev)) return true;
  if (f.state) {
    const s = f.state.toLowerCase();
    if (!msgCalledStateNames(tx, index).some((n) => n.toLowerCase().includes(s))) return true;
  }
  return false;
}

/**
 * A transition's time as `HH:MM:SS.mmm` (local), or "".
 *
 * @example Usage
 * ```ts
 * import { pageTime } from "./page_util.ts";
 * pageTime(undefined); // ""
 * ```
 */
export function pageTime(t: Date | string | undefined): string {
  if (!t) return "";
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) return "";
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return p(d.getHours()) + ":" + p(d.getMinutes()) + ":" + p(d.getSeconds()) + "." +
    p(d.getMilliseconds(), 3);
}

/**
 * The states a transition touched: called ones and every step's source and
 * target.
 *
 * @example Usage
 * ```ts
 * import { pageTouched } from "./page_util.ts";
 * pageTouched({ MachineID: "m", ID: "t", Clocks: [], Type: 0, Accepted: true, CalledStatesIdxs: [0] }, ["A"]).has("A"); // true
 * ```
 */
export function pageTouched(tx: DbgMsgTx, index: readonly string[]): Set<string> {
  const out = new Set(msgCalledStateNames(tx, index));
  for (const s of tx.Steps || []) {
    const from = stepStateName(s.FromState, s.FromStateIdx, index);
    const to = stepStateName(s.ToState, s.ToStateIdx, index);
    if (from) out.add(from);
    if (to) out.add(to);
  }
  return out;
}

/**
 * The previous non-queued transition before position `i` of a list.
 *
 * @example Usage
 * ```ts
 * import { pagePrev } from "./page_util.ts";
 * pagePrev([], 0); // undefined
 * ```
 */
export function pagePrev(list: readonly PageTx[], i: number): DbgMsgTx | undefined {
  for (let j = i - 1; j >= 0 && j > i - 50; j--) if (!list[j].msg.IsQueued) return list[j].msg;
  return undefined;
}

/**
 * The state index of a schema, or [].
 *
 * @example Usage
 * ```ts
 * import { pageIndex } from "./page_util.ts";
 * pageIndex(undefined); // []
 * ```
 */
export function pageIndex(schema: DbgMsgSchema | undefined): string[] {
  return schema ? schema.StatesIndex : [];
}

/**
 * A duration in milliseconds, short: `0.042 ms`, `12.3 ms`, `1.52 s`.
 *
 * @example Usage
 * ```ts
 * import { pageMs } from "./page_util.ts";
 * pageMs(0.0421); // "0.042 ms"
 * ```
 */
export function pageMs(ms: number): string {
  if (ms >= 1000) return (ms / 1000).toFixed(2) + " s";
  if (ms >= 10) return ms.toFixed(1) + " ms";
  return ms.toFixed(3) + " ms";
}
