/**
 * Handler invocation: bindings, the event passed to handlers, and turning a
 * throwing handler into the Exception state (upstream's recoverToErr).
 *
 * @module
 */

import { type Binding, type Core, j, log, trace } from "./core.ts";
import { recoverFinalPhase } from "./execute.ts";
import type { Machine } from "./machine.ts";
import { prependMut } from "./queue.ts";
import type { Transition } from "./transition.ts";
import { type A, LogLevel, type Mutation, MutationType, Result } from "./types.ts";

/**
 * What a handler receives: the handler's name, the machine, the transition
 * and the mutation's args. Pass it to `mach.evAdd()` to trace where a
 * mutation came from.
 *
 * @example Usage
 * ```ts
 * import { type HandlerEvent, Machine } from "@asyncmachine/telemetry/machine";
 * const mach = new Machine({ Foo: {}, Bar: {} });
 * mach.bindHandlers({
 *   FooState(e: HandlerEvent) {
 *     e.machine.evAdd(e, ["Bar"], { from: e.name });
 *   },
 * });
 * mach.add(["Foo"]);
 * mach.is(["Bar"]); // true
 * ```
 */
export interface HandlerEvent {
  /** The handler's name, e.g. `FooEnter`. */
  readonly name: string;
  /** The machine's id. */
  readonly machineId: string;
  /** The transition's id. */
  readonly transitionId: string;
  /** The mutation's args. */
  readonly args: A;
  /** The machine. */
  readonly machine: Machine;
  /** The transition being executed. */
  readonly transition: Transition;
  /** The mutation being executed. */
  readonly mutation: Mutation;
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

/** Runs the handler `name` of every binding, upstream's handle(). */
export function handle(
  core: Core,
  tx: Transition,
  name: string,
  isFinal: boolean,
  isEnter: boolean,
  isSelf: boolean,
): [Result, boolean] {
  if (core.disposed) return [Result.Canceled, false];
  const targets = tx.targetStates;
  core.latestHandlerIsEnter = isEnter;
  core.latestHandlerIsFinal = isFinal;
  let [res, called] = processHandlers(core, tx, name);
  if (core.panicCaught) {
    res = Result.Canceled;
    core.panicCaught = false;
  }
  if (!isFinal && res === Result.Canceled) {
    log(core, LogLevel.Ops, `[cancel${isSelf ? ":self" : ""}] (${j(targets)}) by ${name}`);
    return [Result.Canceled, called];
  }
  return [res, called];
}

function processHandlers(core: Core, tx: Transition, name: string): [Result, boolean] {
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
    };
    log(core, LogLevel.Ops, `[handler:${b.num}] ${name}`);
    trace(core, core.hooks.handlerStart, tx, b.id, name);
    let ret: unknown;
    let threw = false;
    try {
      ret = (b.target[name] as (e: HandlerEvent) => unknown).call(b.target, event);
    } catch (err) {
      threw = true;
      recoverToErr(core, tx, err, event);
    }
    if (core.logLevel >= LogLevel.Everything) {
      log(core, LogLevel.Everything, `[handler:end] ${name} from ${b.id}`);
    }
    trace(core, core.hooks.handlerEnd, tx, b.id, name);
    // returns of final handlers are ignored
    if (isFinalName(name)) continue;
    if (threw || ret === false) return [Result.Canceled, called];
  }
  return [Result.Executed, called];
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
function recoverToErr(core: Core, tx: Transition, thrown: unknown, e: HandlerEvent): void {
  if (core.disposing) return;
  core.panicCaught = true;
  const iException = core.index.get("Exception")!;
  // don't nest exceptions
  if (tx.mutation.called.includes(iException)) return;
  log(core, LogLevel.Ops, "[recover] handling panic...");
  const err = toError(thrown);
  core.err = err;
  if (core.latestHandlerIsFinal) recoverFinalPhase(core, tx);
  log(core, LogLevel.Ops, `[cancel] (${j(tx.targetStates)}) by recover`);
  tx.accepted = false;
  tx.isCompleted = true;
  prependMut(core, {
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
