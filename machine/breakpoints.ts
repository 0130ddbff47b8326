/**
 * Breakpoints (upstream's AddBreakpoint): a log line when a mutation of
 * exactly these states gets queued, to set a debugger breakpoint on (or a
 * `logger` watching for it) and find the mutation's caller in the stack.
 *
 * @module
 */

import { type Core, log } from "./core.ts";
import { LogLevel, MutationType, type S } from "./types.ts";

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
