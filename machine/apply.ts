/**
 * Applying a transition's target states to the machine: active states and
 * ticks (upstream's setActiveStates), and the partial rollback after a final
 * handler failed.
 *
 * @module
 */

import { type Core, j, log, logArgs, scratchMarks } from "./core.ts";
import type { TransitionRecord } from "./transition.ts";
import { LogLevel, type S } from "./types.ts";

/** Applies the target states and ticks the clock (upstream's setActiveStates). */
export function setActiveStates(
  core: Core,
  tx: TransitionRecord | undefined,
  called: S,
  target: S,
  isAuto: boolean,
): void {
  if (core.disposed) return;
  const previous = core.active;
  const clock = core.clock;
  const index = core.index;
  // a state is active exactly when its tick is odd: decide from the ticks
  // before changing any (a listed twice state counts twice, as before)
  const added: S = [];
  let readded: S | undefined;
  const marks = scratchMarks(clock.length);
  for (const name of target) {
    const idx = index.get(name)!;
    marks[idx] = 1;
    if ((clock[idx] & 1) === 0) added.push(name);
    else if (called.includes(name) && core.schema[name].multi) (readded ??= []).push(name);
  }
  const removed: S = [];
  for (const name of previous) if (marks[index.get(name)!] === 0) removed.push(name);
  for (const name of target) marks[index.get(name)!] = 0;
  core.active = target.slice();
  for (const name of added) clock[index.get(name)!]++;
  if (readded) {
    for (const name of readded) clock[index.get(name)!] += 2;
    // re-activated Multi states count as new, for the log
    added.push(...readded);
  }
  for (const name of removed) clock[index.get(name)!]++;

  if (core.logLevel >= LogLevel.Changes) {
    let msg = "";
    if (added.length) msg += " +" + added.join(" +");
    if (removed.length) msg += " -" + removed.join(" -");
    if (core.logLevel > LogLevel.Decisions) {
      // the states kept (re-activated Multi ones included)
      const same = target.filter((s) => previous.includes(s));
      if (same.length) msg += " " + j(same);
    }
    if (msg) {
      const args = tx ? logArgs(core, tx.mutation) : "";
      log(core, LogLevel.Changes, `[${isAuto ? "auto_" : "state"}]${msg}${args}`);
    }
  }
}

/** After a final handler failed: keep only the states whose finals ran. */
export function recoverFinalPhase(core: Core, tx: TransitionRecord): void {
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
