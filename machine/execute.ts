/**
 * Executing a mutation: resolve (newTransition), negotiate and apply
 * (emitEvents), in upstream's exact order (transition.go).
 *
 * @module
 */

import { type Core, j, log, trace } from "./core.ts";
import { handle } from "./handlers.ts";
import { prependMut } from "./queue.ts";
import { autoStates, sortStates, targetStates } from "./resolver.ts";
import { Transition } from "./transition.ts";
import { LogLevel, type Mutation, MutationType, Result, type S, StepType } from "./types.ts";
import { formatArgs, mutationTypeName, randId, statesDiff } from "./utils.ts";

/** Mutation args formatted for the log, when the level asks for them. */
export function logArgs(core: Core, mut: Mutation): string {
  if (!core.logArgs || core.logLevel <= LogLevel.External) return "";
  try {
    return formatArgs(core.logArgs(mut.args));
  } catch {
    return "";
  }
}

/** Creates and resolves a transition (upstream's newTransition). */
export function newTransition(core: Core, mut: Mutation): Transition {
  const tNow = core.clock.slice();
  const before = core.active.slice();
  const tx = new Transition(
    core.mach,
    mut,
    core.names,
    core.index,
    tNow,
    before,
    core.steps && !mut.isCheck,
    randId(16),
  );
  core.tx = tx;
  const called = tx.calledStates;
  const type = mutationTypeName(mut.type);
  if (tx.stepsOn) { for (const s of called) tx.addStep("", s, StepType.Requested, 0); }
  if (core.logLevel >= LogLevel.Ops) {
    if (mut.auto) log(core, LogLevel.Decisions, `[${type}:auto] ${j(called)}${logArgs(core, mut)}`);
    else log(core, LogLevel.Ops, `[${type}] ${j(called)}${logArgs(core, mut)}`);
    const src = mut.source;
    if (src) log(core, LogLevel.Ops, `[source] ${src.machId}/${src.txId}/${src.machTime}`);
  }

  const toSet = statesToSet(core, tx, mut.type, called);
  const target = targetStates(core, tx, toSet);

  // predict TimeAfter
  if (!mut.isCheck) {
    const after = tNow.slice();
    for (const name of target) {
      const idx = core.index.get(name)!;
      if (!before.includes(name)) after[idx]++;
      else if (called.includes(name) && core.schema[name].multi) after[idx] += 2;
    }
    for (const name of before) if (!target.includes(name)) after[core.index.get(name)!]++;
    tx.timeAfter = after;
  }
  tx.targetStates = target;

  const implied = statesDiff(target, toSet);
  if (implied.length > 0) log(core, LogLevel.Ops, `[implied] ${j(implied)}`);

  setupAccepted(core, tx);
  if (tx.accepted) setupExitEnter(core, tx);
  if (!core.disposed) trace(core, core.hooks.transitionInit, tx);
  return tx;
}

function statesToSet(core: Core, tx: Transition, type: MutationType, states: S): S {
  const active = core.active;
  switch (type) {
    case MutationType.Remove: {
      if (tx.stepsOn) { for (const s of states) tx.addStep("", s, StepType.Remove, 0); }
      return active.filter((s) => !states.includes(s));
    }
    case MutationType.Add: {
      const ret = [...states, ...active];
      if (tx.stepsOn) {
        for (const s of statesDiff(ret, active)) {
          tx.addStep("", s, StepType.Set, 0);
        }
      }
      return ret;
    }
    default: {
      if (tx.stepsOn) {
        for (const s of statesDiff(states, active)) tx.addStep("", s, StepType.Set, 0);
        for (const s of statesDiff(active, states)) tx.addStep("", s, StepType.Remove, 0);
      }
      return states;
    }
  }
}

function setupAccepted(core: Core, tx: Transition): void {
  if (tx.type === MutationType.Remove) return;
  const called = tx.calledStates;
  const notAccepted = statesDiff(called, tx.targetStates);
  if (tx.isAuto) {
    // auto states can be accepted partially
    if (notAccepted.length < called.length) return;
    tx.accepted = false;
  }
  if (notAccepted.length === 0) return;
  if (tx.mutation.isCheck && called.some((s) => core.schema[s].multi)) return;
  tx.accepted = false;
  log(core, LogLevel.Ops, `[cancel:reject] ${j(notAccepted)}`);
  if (tx.stepsOn) { for (const s of notAccepted) tx.addStep("", s, StepType.Cancel, 0); }
}

function setupExitEnter(core: Core, tx: Transition): void {
  const target = tx.targetStates;
  const exits = statesDiff(core.active, target);
  sortStates(core, tx, exits);
  const enters: S = [];
  const called = tx.calledStates;
  for (const s of target) {
    // Multi states enter again only when called directly
    if (!core.active.includes(s) || (core.schema[s].multi && called.includes(s))) enters.push(s);
  }
  tx.exits = exits;
  tx.enters = enters;
}

/** Drops a state from the targets (partial acceptance of auto states). */
function dropTarget(tx: Transition, state: string): void {
  const idx = tx.targetStates.indexOf(state);
  if (idx !== -1) tx.targetStates = tx.targetStates.toSpliced(idx, 1);
}

/** Runs a negotiation handler; a cancel drops an Auto state in an auto tx. */
function negotiate(core: Core, tx: Transition, state: string, res: Result): boolean {
  if (res !== Result.Canceled) return true;
  if (tx.isAuto && core.schema[state]?.auto) {
    dropTarget(tx, state);
    return true;
  }
  return false;
}

function emitHandler(
  core: Core,
  tx: Transition,
  from: string,
  to: string,
  isFinal: boolean,
  isEnter: boolean,
  name: string,
): Result {
  core.latestHandlerToState = to;
  const [res, called] = handle(core, tx, name, isFinal, isEnter, false);
  if (called && tx.stepsOn) {
    tx.addStep(from, to, StepType.Handler, 0);
    const step = tx.steps[tx.steps.length - 1];
    step.isFinal = isFinal;
    step.isEnter = isEnter;
  }
  return res;
}

function emitNegotiation(core: Core, tx: Transition): Result {
  // FooExit
  for (const s of tx.exits) {
    if (!negotiate(core, tx, s, emitHandler(core, tx, s, "", false, false, s + "Exit"))) {
      return Result.Canceled;
    }
  }
  // FooEnter
  for (const s of tx.enters) {
    if (!negotiate(core, tx, s, emitHandler(core, tx, "", s, false, true, s + "Enter"))) {
      return Result.Canceled;
    }
  }
  // FooFoo, for target states already active
  if (tx.type !== MutationType.Remove) {
    // upstream's quirks: a dropped auto state is deleted in place from the
    // list being iterated (the next state is skipped, "" visited at the
    // end), and the last handler's cancel cancels the whole transition
    const targets = tx.targetStates.slice();
    let last = Result.Executed;
    for (let i = 0; i < targets.length; i++) {
      const s = targets[i];
      if (s === "") log(core, LogLevel.Decisions, "[is] state  not found");
      if (!core.active.includes(s)) continue;
      core.latestHandlerToState = s;
      const [res, called] = handle(core, tx, s + s, false, false, true);
      if (called && tx.stepsOn) {
        tx.addStep("", s, StepType.Handler, 0);
        tx.steps[tx.steps.length - 1].isSelf = true;
      }
      if (!negotiate(core, tx, s, res)) return Result.Canceled;
      last = res;
      if (res === Result.Canceled) {
        targets.splice(targets.indexOf(s), 1);
        targets.push("");
      }
    }
    if (last === Result.Canceled) return Result.Canceled;
  }
  // BarFoo, for every state before x every target state
  const after = tx.targetStates;
  for (const b of tx.statesBefore) {
    for (const a of after) {
      if (b === a) continue;
      core.latestHandlerToState = "";
      const [res, called] = handle(core, tx, b + a, false, false, false);
      if (called && tx.stepsOn) tx.addStep(b, a, StepType.Handler, 0);
      if (!negotiate(core, tx, a, res)) return Result.Canceled;
    }
  }
  return Result.Executed;
}

/** Negotiates, applies and finishes a transition (upstream's emitEvents). */
export function emitEvents(core: Core, tx: Transition): Result {
  let result = tx.accepted ? Result.Executed : Result.Canceled;
  let hasStateChanged = false;
  const called = tx.calledStates;
  const runHandlers = core.hasHandlers || core.logLevel === LogLevel.Everything;

  if (!core.disposed) trace(core, core.hooks.transitionStart, tx);

  if (runHandlers) {
    if (result !== Result.Canceled) result = emitNegotiation(core, tx);
    // none of the auto states got accepted
    if (tx.isAuto && tx.targetStates.length === 0) result = Result.Canceled;
    if (result !== Result.Canceled) {
      result = emitHandler(core, tx, "Any", "Any", false, true, "AnyEnter");
    }
  }

  if (!tx.mutation.isCheck) {
    if (tx.isAuto) {
      // re-resolve without the rejected auto states
      const rejected = statesDiff(called, tx.targetStates);
      const clean = statesDiff(called, rejected);
      const toSet = statesToSet(core, tx, MutationType.Add, clean);
      tx.targetStates = targetStates(core, tx, toSet);
      setupExitEnter(core, tx);
    }

    if (result !== Result.Canceled) {
      setActiveStates(core, tx, called, tx.targetStates, tx.isAuto);
      tx.timeAfter = core.clock.slice();
      if (!core.disposed) trace(core, core.hooks.transitionFinals, tx);
      if (runHandlers) result = emitFinals(core, tx);
      if (result === Result.Canceled) recoverFinalPhase(core, tx);
      hasStateChanged = !sameTime(core.clock, tx.timeBefore);
    } else {
      tx.timeAfter = core.clock.slice();
    }

    if (result !== Result.Canceled && runHandlers) {
      result = emitHandler(core, tx, "Any", "Any", true, true, "AnyState");
    }

    if (result === Result.Canceled) {
      tx.accepted = false;
    } else if (!core.disposing && hasStateChanged && !tx.isAuto && !tx.isHealth) {
      const auto = autoStates(core);
      if (auto.length > 0) {
        log(core, LogLevel.Ops, `[auto] ${j(auto)}`);
        prependMut(core, {
          type: MutationType.Add,
          called: auto.map((s) => core.index.get(s)!),
          args: {},
          auto: true,
          isCheck: false,
          queueLen: 0,
          queueTick: 0,
          queueToken: 0,
          queueTickNow: 0,
        });
      }
    }
  } else if (result === Result.Canceled) {
    tx.accepted = false;
  }

  tx.preLogEntries = core.logBuffer;
  core.logBuffer = [];
  tx.queueLen = core.queue.length;
  tx.isCompleted = true;

  if (!core.disposed) trace(core, core.hooks.transitionEnd, tx);

  if (result === Result.Canceled) return Result.Canceled;
  if (tx.mutation.isCheck) return result;
  if (tx.type === MutationType.Remove) {
    return called.every((s) => !core.active.includes(s)) ? Result.Executed : Result.Canceled;
  }
  if (tx.isAuto) {
    return tx.targetStates.length > tx.statesBefore.length ? Result.Executed : Result.Canceled;
  }
  return tx.targetStates.every((s) => core.active.includes(s)) ? Result.Executed : Result.Canceled;
}

function sameTime(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function emitFinals(core: Core, tx: Transition): Result {
  const enters = tx.enters;
  for (const s of [...tx.exits, ...enters]) {
    const isEnter = enters.includes(s);
    core.latestHandlerToState = isEnter ? s : "";
    const [res, called] = handle(core, tx, s + (isEnter ? "State" : "End"), true, isEnter, false);
    if (called && tx.stepsOn) {
      tx.addStep("", s, StepType.Handler, 0);
      const step = tx.steps[tx.steps.length - 1];
      step.isFinal = true;
      step.isEnter = isEnter;
    }
    // a final handler's cancel means it threw
    if (res === Result.Canceled) return res;
  }
  return Result.Executed;
}

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
