/**
 * Breakpoints (upstream's AddBreakpoint): a log line when a mutation of
 * exactly these states gets queued, to set a debugger breakpoint on (or a
 * `logger` watching for it) and find the mutation's caller in the stack.
 *
 * @module
 */

import { type Core, log } from "./core.ts";
import { LogLevel, MutationType, type S } from "./types.ts";

/**
 * A breakpoint: the states an `add` (`added`) or `remove` (`removed`)
 * mutation calls, in order.
 *
 * @example Usage
 * ```ts
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * const mach = new Machine({ A: {}, B: {} }, { logLevel: 2, logger: (_l, t) => console.log(t) });
 * mach.addBreakpoint({ added: ["A"] });
 * mach.add(["A"]); // logs "[breakpoint] Machine.breakpoint"
 * ```
 */
export interface Breakpoint {
  /** States of an `add`. */
  added?: S;
  /** States of a `remove`. */
  removed?: S;
  /** Skip it when the added states are active already, or the removed
   * ones inactive. */
  strict?: boolean;
}

function equal(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/** A mutation got queued: log when a breakpoint matches it. */
export function breakpoint(core: Core, type: MutationType, states: S): void {
  const bps = core.breakpoints;
  if (!bps || (type !== MutationType.Add && type !== MutationType.Remove)) return;
  const added = type === MutationType.Add ? states : [];
  const removed = type === MutationType.Remove ? states : [];
  let found = false;
  for (const bp of bps) {
    if (added.length > 0 && !equal(bp.added ?? [], added)) continue;
    if (removed.length > 0 && !equal(bp.removed ?? [], removed)) continue;
    if (bp.strict) {
      if (bp.added?.length && bp.added.every((s) => core.active.includes(s))) continue;
      if (bp.removed?.length && !bp.removed.some((s) => core.active.includes(s))) continue;
    }
    found = true;
  }
  // set a debugger breakpoint on the line below
  if (found) log(core, LogLevel.Changes, "[breakpoint] Machine.breakpoint");
}
