/**
 * Applying a transition's target states to the machine: active states and
 * ticks (upstream's setActiveStates), and the partial rollback after a final
 * handler failed.
 *
 * @module
 */

import { type Core, j, log, logArgs } from "./core.ts";
import type { Transition } from "./transition.ts";
import { LogLevel, type S } from "./types.ts";
import { statesDiff } from "./utils.ts";

/** Applies the target states and ticks the clock (upstream's setActiveStates). */
export function setActiveStates(
  core: Core,
  tx: Transition | undefined,
  called: S,
  target: S,
  isAuto: boolean,
): void {
  if (core.disposed) return;
  const previous = core.active;
  const added = statesDiff(target, previous);
  const removed = statesDiff(previous, target);
  const same = statesDiff(target, added);
  core.active = target.slice();
  for (const name of target) {
    const idx = core.index.get(name)!;
    if (!previous.includes(name)) core.clock[idx]++;
    else if (called.includes(name) && core.schema[name].multi) {
      core.clock[idx] += 2;
      // re-activated Multi states count as new, for the log
      added.push(name);
    }
  }
  for (const name of removed) core.clock[core.index.get(name)!]++;

  if (core.logLevel >= LogLevel.Changes) {
    let msg = "";
    if (added.length) msg += " +" + added.join(" +");
    if (removed.length) msg += " -" + removed.join(" -");
    if (same.length && core.logLevel > LogLevel.Decisions) msg += " " + j(same);
    if (msg) {
      const args = tx ? logArgs(core, tx.mutation) : "";
      log(core, LogLevel.Changes, `[${isAuto ? "auto_" : "state"}]${msg}${args}`);
    }
  }
}

/** After a final handler failed: keep only the states whose finals ran. */
export function recoverFinalPhase(core: Core, tx: Transition): void {
  let active = core.active.slice();
  let found = false;
  for (const s of [...tx.exits, ...tx.enters]) {
    if (core.latestHandlerToState === s) found = true;
    if (!found) continue;
    if (core.latestHandlerIsEnter) active = active.filter((a) => a !== s);
    else active.push(s);
  }
  log(core, LogLevel.Ops, `[recover] partial final states as (${j(active)})`);
  setActiveStates(core, tx, tx.calledStates, active, tx.isAuto);
}
