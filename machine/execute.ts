/**
 * Executing a mutation: resolve (newTransition), negotiate and apply
 * (emitEvents), in upstream's exact order (transition.go).
 *
 * @module
 */

import { recoverFinalPhase, setActiveStates } from "./apply.ts";
import { type Core, j, log, logArgs, scratchMarks, trace } from "./core.ts";
import { handle, HANDLER, type HandlerKind } from "./handlers.ts";
import { prependRunning } from "./queue.ts";
import { autoStates, sortStates, targetStates } from "./resolver.ts";
import { hasWhenArgs, processStateCtx } from "./subscriptions.ts";
import { TransitionRecord } from "./transition.ts";
import { LogLevel, type Mutation, MutationType, Result, type S, StepType } from "./types.ts";
import { mutationTypeName, statesDiff } from "./utils.ts";

/** Creates and resolves a transition (upstream's newTransition). */
export function newTransition(core: Core, mut: Mutation): TransitionRecord {
  const tNow = core.clock.slice();
  const before = core.active.slice();
  const tx = new TransitionRecord({
    machine: core.mach,
    mutation: mut,
    names: core.names,
    index: core.index,
    timeBefore: tNow,
    statesBefore: before,
    stepsOn: core.steps && !mut.isCheck,
  });
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
    // a state is active exactly when its tick is odd: the clock answers
    // "was it active" without scanning the list of active states
    const after = tNow.slice();
    const n = tNow.length;
    const marks = scratchMarks(n);
    for (const name of target) {
      const idx = core.index.get(name)!;
      marks[idx] = 1;
      if ((tNow[idx] & 1) === 0) after[idx]++;
      else if (called.includes(name) && core.schema[name].multi) after[idx] += 2;
    }
    // active before and not a target: deactivated
    for (let i = 0; i < n; i++) {
      if (marks[i] === 1) marks[i] = 0;
      else if ((tNow[i] & 1) === 1) after[i]++;
    }
    tx.timeAfter = after;
  }
  tx.targetStates = target;

  if (core.logLevel >= LogLevel.Ops) {
    const implied = statesDiff(target, toSet);
    if (implied.length > 0) log(core, LogLevel.Ops, `[implied] ${j(implied)}`);
  }

  setupAccepted(core, tx);
  if (tx.accepted) setupExitEnter(core, tx);
  if (!core.disposed) trace(core, core.hooks.transitionInit, tx);
  return tx;
}

function statesToSet(core: Core, tx: TransitionRecord, type: MutationType, states: S): S {
  const active = core.active;
  switch (type) {
    case MutationType.Remove: {
      if (tx.stepsOn) { for (const s of states) tx.addStep("", s, StepType.Remove, 0); }
      return active.filter((s) => !states.includes(s));
    }
    case MutationType.Add: {
      // (the active part of the list is never in the diff)
      if (tx.stepsOn) {
        for (const s of statesDiff(states, active)) tx.addStep("", s, StepType.Set, 0);
      }
      return states.concat(active);
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

function setupAccepted(core: Core, tx: TransitionRecord): void {
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

function setupExitEnter(core: Core, tx: TransitionRecord): void {
  const target = tx.targetStates;
  const exits = statesDiff(core.active, target);
  sortStates(core, tx, exits);
  const enters: S = [];
  const called = tx.calledStates;
  for (const s of target) {
    // Multi states enter again only when called directly
    if (!core.active.includes(s) || (core.defs.get(s)!.multi && called.includes(s))) enters.push(s);
  }
  tx.exits = exits;
  tx.enters = enters;
}

/** Drops a state from the targets (partial acceptance of auto states). */
function dropTarget(tx: TransitionRecord, state: string): void {
  const idx = tx.targetStates.indexOf(state);
  if (idx !== -1) tx.targetStates = tx.targetStates.toSpliced(idx, 1);
}

/** Runs a negotiation handler; a cancel drops an Auto state in an auto tx. */
function negotiate(core: Core, tx: TransitionRecord, state: string, res: Result): boolean {
  if (res !== Result.Canceled) return true;
  if (tx.isAuto && core.schema[state]?.auto) {
    dropTarget(tx, state);
    return true;
  }
  return false;
}

/** One handler to emit, and the states of its step. */
interface HandlerCall {
  /** The handler's name, e.g. `FooEnter`. */
  name: string;
  kind: HandlerKind;
  /** The step's source state, or "". */
  from: string;
  /** The step's target state, or "". */
  to: string;
}

/** Runs a handler and records its step (when it exists). */
function emitHandler(core: Core, tx: TransitionRecord, call: HandlerCall): Result {
  const kind = call.kind;
  core.latestHandlerToState = kind.isEnter || kind.isSelf ? call.to : "";
  const [res, called] = handle(core, tx, call.name, kind);
  // upstream records these even in checks (IsSteps, not isLogSteps), but
  // not self handlers
  if (called && (kind.isSelf ? tx.stepsOn : core.steps)) {
    tx.addStep(call.from, call.to, StepType.Handler, 0);
    const step = tx.steps[tx.steps.length - 1];
    step.isFinal = kind.isFinal;
    step.isEnter = kind.isEnter;
    step.isSelf = kind.isSelf;
  }
  return res;
}

function emitNegotiation(core: Core, tx: TransitionRecord): Result {
  // FooExit
  for (const s of tx.exits) {
    const res = emitHandler(core, tx, { name: s + "Exit", kind: HANDLER.exit, from: s, to: "" });
    if (!negotiate(core, tx, s, res)) return Result.Canceled;
  }
  // FooEnter
  for (const s of tx.enters) {
    const res = emitHandler(core, tx, { name: s + "Enter", kind: HANDLER.enter, from: "", to: s });
    if (!negotiate(core, tx, s, res)) return Result.Canceled;
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
      const res = emitHandler(core, tx, { name: s + s, kind: HANDLER.self, from: "", to: s });
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
      const res = emitHandler(core, tx, { name: b + a, kind: HANDLER.between, from: b, to: a });
      if (!negotiate(core, tx, a, res)) return Result.Canceled;
    }
  }
  return Result.Executed;
}

/** Negotiates, applies and finishes a transition (upstream's emitEvents). */
export function emitEvents(core: Core, tx: TransitionRecord): Result {
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
      result = emitHandler(core, tx, {
        name: "AnyEnter",
        kind: HANDLER.enter,
        from: "Any",
        to: "Any",
      });
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
      // state contexts end as soon as the change is known (upstream's order)
      if (core.subs) processStateCtx(core, tx.enters, tx.exits);
      tx.timeAfter = core.clock.slice();
      if (!core.disposed) trace(core, core.hooks.transitionFinals, tx);
      if (runHandlers || hasWhenArgs(core)) result = emitFinals(core, tx);
      if (result === Result.Canceled) recoverFinalPhase(core, tx);
      hasStateChanged = !sameTime(core.clock, tx.timeBefore);
    } else {
      tx.timeAfter = core.clock.slice();
    }

    if (result !== Result.Canceled && runHandlers) {
      result = emitHandler(core, tx, {
        name: "AnyState",
        kind: HANDLER.state,
        from: "Any",
        to: "Any",
      });
    }

    if (result === Result.Canceled) {
      tx.accepted = false;
    } else if (!core.disposing && hasStateChanged && !tx.isAuto && !tx.isHealth) {
      const auto = autoStates(core);
      if (auto.length > 0) {
        log(core, LogLevel.Ops, `[auto] ${j(auto)}`);
        prependRunning(core, {
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
  // handlers' e.signal outside final handlers: valid until the transition ends
  if (core.txCtrl) {
    core.txCtrl.abort(new Error(`transition ${tx.id} ended`));
    core.txCtrl = undefined;
  }

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

function emitFinals(core: Core, tx: TransitionRecord): Result {
  const enters = tx.enters;
  for (const s of [...tx.exits, ...enters]) {
    const res = enters.includes(s)
      ? emitHandler(core, tx, { name: s + "State", kind: HANDLER.state, from: "", to: s })
      : emitHandler(core, tx, { name: s + "End", kind: HANDLER.end, from: "", to: s });
    // a final handler's cancel means it threw
    if (res === Result.Canceled) return res;
  }
  return Result.Executed;
}
