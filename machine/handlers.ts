/**
 * Handler invocation: bindings, the event passed to handlers, and turning a
 * throwing handler into the Exception state (upstream's recoverToErr).
 *
 * @module
 */

import type { HandlerEvent } from "./api.ts";
import { type Binding, type Core, j, log, trace } from "./core.ts";
import { recoverFinalPhase } from "./apply.ts";
import { prependRunning } from "./queue.ts";
import { StateException } from "./states.ts";
import { newStateCtx, processWhenArgs } from "./subscriptions.ts";
import type { TransitionRecord } from "./transition.ts";
import { LogLevel, MutationType, Result } from "./types.ts";

/** Whether `name` is a handler the machine calls (strict mode's check). */
export function isHandlerName(core: Core, name: string): boolean {
  if (name === "AnyEnter" || name === "AnyState") return true;
  for (const suffix of ["Enter", "Exit", "State", "End"]) {
    if (name.endsWith(suffix) && core.index.has(name.slice(0, -suffix.length))) return true;
  }
  for (const s of core.names) {
    if (name.startsWith(s) && core.index.has(name.slice(s.length))) return true;
  }
  return false;
}

/** Collects the function names of a handlers object, own and inherited. */
export function newBinding(target: object, id: string, num: number): Binding {
  const names = new Set<string>();
  for (let o: object | null = target; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name === "constructor") continue;
      const desc = Object.getOwnPropertyDescriptor(o, name);
      if (desc && typeof desc.value === "function") names.add(name);
    }
  }
  return { id, num, target: target as Record<string, unknown>, names };
}

function isFinalName(name: string): boolean {
  return name.endsWith("State") || name.endsWith("End");
}

/**
 * A handler's kind, as upstream's handler steps flag it: final (State/End),
 * entering (Enter/State), self (FooFoo).
 */
export interface HandlerKind {
  /** A final handler (State, End): its return is ignored. */
  readonly isFinal: boolean;
  /** An entering handler (Enter, State). */
  readonly isEnter: boolean;
  /** A self handler (FooFoo). */
  readonly isSelf: boolean;
}

/** The handler kinds, shared (no allocation per handler call). */
export const HANDLER: Readonly<
  Record<"exit" | "enter" | "self" | "between" | "state" | "end", HandlerKind>
> = {
  exit: { isFinal: false, isEnter: false, isSelf: false },
  enter: { isFinal: false, isEnter: true, isSelf: false },
  self: { isFinal: false, isEnter: false, isSelf: true },
  between: { isFinal: false, isEnter: false, isSelf: false },
  state: { isFinal: true, isEnter: true, isSelf: false },
  end: { isFinal: true, isEnter: false, isSelf: false },
};

/** Runs the handler `name` of every binding, upstream's handle(). */
export function handle(
  core: Core,
  tx: TransitionRecord,
  name: string,
  kind: HandlerKind,
): [Result, boolean] {
  if (core.disposed) return [Result.Canceled, false];
  const targets = tx.targetStates;
  core.latestHandlerIsEnter = kind.isEnter;
  core.latestHandlerIsFinal = kind.isFinal;
  let [res, called] = processHandlers(core, tx, name);
  if (core.panicCaught) {
    res = Result.Canceled;
    core.panicCaught = false;
  }
  if (!kind.isFinal && res === Result.Canceled) {
    log(core, LogLevel.Ops, `[cancel${kind.isSelf ? ":self" : ""}] (${j(targets)}) by ${name}`);
    return [Result.Canceled, called];
  }
  return [res, called];
}

function processHandlers(core: Core, tx: TransitionRecord, name: string): [Result, boolean] {
  let called = false;
  let event: HandlerEvent | undefined;
  const bindings = core.bindings;
  for (let i = 0; i < bindings.length && !core.disposed; i++) {
    const b = bindings[i];
    if (core.logLevel >= LogLevel.Everything) {
      log(core, LogLevel.Everything, `[handle:${b.id}] ${name}`);
    }
    if (!b.names.has(name)) continue;
    called = true;
    event ??= {
      name,
      machineId: core.id,
      transitionId: tx.id,
      args: tx.mutation.args,
      machine: core.mach,
      transition: tx,
      mutation: tx.mutation,
      get signal(): AbortSignal {
        return handlerSignal(core, tx, name);
      },
    };
    log(core, LogLevel.Ops, `[handler:${b.num}] ${name}`);
    trace(core, core.hooks.handlerStart, tx, b.id, name);
    let ret: unknown;
    let threw = false;
    if (tx.isCompleted || !tx.accepted) {
      // an event of a canceled transition (e.g. after a panic in an auto
      // one) is invalid: not called, counts as false (upstream's IsValid)
      log(core, LogLevel.Decisions, `[handler:invalid] ${name}`);
      ret = false;
    } else {
      try {
        ret = (b.target[name] as (e: HandlerEvent) => unknown).call(b.target, event);
      } catch (err) {
        threw = true;
        recoverToErr(core, tx, err, event);
      }
    }
    // a panic skips it, as upstream
    if (!threw && core.logLevel >= LogLevel.Everything) {
      log(core, LogLevel.Everything, `[handler:end] ${name} from ${b.id}`);
    }
    trace(core, core.hooks.handlerEnd, tx, b.id, name);
    // returns of final handlers are ignored
    if (isFinalName(name)) continue;
    if (threw || ret === false) return [Result.Canceled, called];
  }
  if (core.subs) processWhenArgs(core, name, tx.mutation.args);
  return [Result.Executed, called];
}

/** A handler's signal: its state's context for `FooState`, else the transition's. */
function handlerSignal(core: Core, tx: TransitionRecord, name: string): AbortSignal {
  if (name.endsWith("State")) {
    const state = name.slice(0, -"State".length);
    if (core.index.has(state)) return newStateCtx(core, state);
  }
  if (tx.isCompleted || core.disposing) {
    return AbortSignal.abort(new Error(`transition ${tx.id} ended`));
  }
  return (core.txCtrl ??= new AbortController()).signal;
}

/**
 * Normalises anything thrown into an Error. Never throws: a value that
 * can't be printed (null prototype, throwing toString, revoked proxy) gets a
 * message naming its type.
 */
export function toError(err: unknown): Error {
  try {
    if (err instanceof Error) {
      // an Error whose message or stack can't be read is wrapped like any value
      void `${err.message}${err.stack}`;
      return err;
    }
    return new Error(String(err));
  } catch {
    return new Error(`a thrown ${typeof err} that cannot be printed`);
  }
}

/** A handler threw: cancel the transition and prepend `add Exception`. */
function recoverToErr(core: Core, tx: TransitionRecord, thrown: unknown, e: HandlerEvent): void {
  if (core.disposing) return;
  core.panicCaught = true;
  const iException = core.index.get(StateException)!;
  // don't nest exceptions
  if (tx.mutation.called.includes(iException)) return;
  log(core, LogLevel.Ops, "[recover] handling panic...");
  const err = toError(thrown);
  core.err = err;
  if (core.latestHandlerIsFinal) recoverFinalPhase(core, tx);
  log(core, LogLevel.Ops, `[cancel] (${j(tx.targetStates)}) by recover`);
  tx.accepted = false;
  tx.isCompleted = true;
  prependRunning(core, {
    type: MutationType.Add,
    called: [iException],
    args: {
      err,
      errTrace: err.stack,
      panic: {
        calledStates: tx.calledStates,
        statesBefore: tx.statesBefore,
        transition: tx,
        handler: e.name,
      },
    },
    auto: false,
    isCheck: false,
    source: { machId: e.machineId, txId: e.transitionId, machTime: 0 },
    queueLen: 0,
    queueTick: 0,
    queueToken: 0,
    queueTickNow: 0,
  });
}
