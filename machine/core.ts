/**
 * The machine's internal state, shared by the layers above it (apply,
 * queue, resolver, handlers, execute, process, subscriptions, machine).
 * Not exported from the package.
 *
 * @module
 */

import type { Api, Tracer } from "./api.ts";
import type { TransitionRecord } from "./transition.ts";
import {
  type A,
  type Breakpoint,
  type LogArgsMapper,
  type LogEntry,
  type Logger,
  LogLevel,
  type LogListener,
  type Mutation,
  type S,
  type Schema,
  type State,
} from "./types.ts";
import { formatArgs } from "./utils.ts";

/** A bound handlers object. */
export interface Binding {
  id: string;
  num: number;
  target: Record<string, unknown>;
  /** Names of the functions the target has (own and inherited). */
  names: Set<string>;
}

/** A machine's state: what its layers read and write. */
export interface Core {
  /** The machine, as handler events and tracer hooks receive it. */
  mach: Api;
  id: string;
  schema: Schema;
  /** State names in index order. */
  names: S;
  index: Map<string, number>;
  /** Ticks, in index order. */
  clock: number[];
  /** Active states, in the order of the last transition's targets. */
  active: S;
  topology: S | undefined;
  /** Position of each state in `topology` (the sort key). */
  topoRank: Map<string, number> | undefined;
  /** Per state, the states whose Remove relation names it (built with the
   * topology, so the resolver doesn't scan every state's relations). */
  removedBy: Map<string, Set<string>>;
  /** Some state is Auto (built with the topology). */
  hasAuto: boolean;
  /** The schema's states in one object shape (built with the topology): the
   * resolver's reads stay monomorphic, where the parsed states have as many
   * shapes as relation combinations. */
  defs: Map<string, StateDef>;
  tracers: Tracer[];
  hooks: Hooks;
  tracerErrors: number;
  bindings: Binding[];
  hasHandlers: boolean;
  nextBindingNum: number;
  logLevel: LogLevel;
  logId: boolean;
  logPrefix: string;
  logger: Logger | undefined;
  /** More log listeners (exporters), beside `logger`. */
  listeners: LogListener[];
  logArgs: LogArgsMapper | undefined;
  steps: boolean;
  /** Log entries outside a transition, for the next one's preLogEntries. */
  logBuffer: LogEntry[];
  tx: TransitionRecord | undefined;
  queue: Mutation[];
  queueTick: number;
  queueTicksPending: number;
  queueToken: number;
  queueProcessing: boolean;
  queueLimit: number;
  disposing: boolean;
  disposed: boolean;
  /** Set by dispose() while the queue runs; called once it stops. */
  finishDispose: (() => void) | undefined;
  err: Error | undefined;
  /** Breakpoints, once one is added. */
  breakpoints: Breakpoint[] | undefined;
  /** Waits and state contexts; created by the first one. */
  subs: Subscriptions | undefined;
  /** The signal of the transition running now, created when a handler asks. */
  txCtrl: AbortController | undefined;
  /** Imports (restarts) of this machine's state. */
  machineTick: number;
  /** The index order was fixed (verifyStates or import). */
  statesVerified: boolean;
  /** Unknown names are errors (schema keys, missing states, handler names). */
  strict: boolean;
  panicCaught: boolean;
  /** Panic-recovery info about the handler running now. */
  latestHandlerIsEnter: boolean;
  latestHandlerIsFinal: boolean;
  latestHandlerToState: string;
}

/** One pending wait (machine/subscriptions.ts registers and settles them). */
export interface Sub {
  readonly promise: Promise<void>;
  resolve: () => void;
  reject: (reason: unknown) => void;
  readonly signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  /** Removes it from its index. */
  unlink: () => void;
  done: boolean;
}

export interface WhenSub extends Sub {
  readonly states: S;
  readonly negation: boolean;
  readonly key: string;
}

export interface TimeSub extends Sub {
  readonly states: S;
  readonly times: number[];
  readonly key: string;
}

export interface ArgsSub extends Sub {
  readonly state: string;
  readonly args: A;
}

export interface QuerySub extends Sub {
  readonly fn: (clock: Record<string, number>) => boolean;
}

export interface QueueSub extends Sub {
  readonly tick: number;
}

/** A machine's waits and state contexts, by what can settle them. */
export interface Subscriptions {
  /** when/whenNot, by state. */
  when: Map<string, Set<WhenSub>>;
  /** whenTime, by state. */
  whenTime: Map<string, Set<TimeSub>>;
  /** whenArgs, by final handler name (`FooState`). */
  whenArgs: Map<string, Set<ArgsSub>>;
  whenQuery: Set<QuerySub>;
  whenQueue: Set<QueueSub>;
  whenQueueEnds: Set<Sub>;
  /** State contexts, by state. */
  stateCtx: Map<string, AbortController>;
}

/** A state's definition as the resolver reads it. */
export class StateDef {
  /** Add relation. */
  readonly add: readonly string[] | undefined;
  /** Remove relation. */
  readonly remove: readonly string[] | undefined;
  /** Require relation. */
  readonly require: readonly string[] | undefined;
  /** After relation. */
  readonly after: readonly string[] | undefined;
  /** Multi state. */
  readonly multi: boolean;
  /** Auto state. */
  readonly auto: boolean;

  /** @param state A parsed state (its lists are shared, not copied). */
  constructor(state: State) {
    this.add = state.add;
    this.remove = state.remove;
    this.require = state.require;
    this.after = state.after;
    this.multi = state.multi ?? false;
    this.auto = state.auto ?? false;
  }
}

/** Logs a line if `level` is enabled, into the transition or the buffer. */
export function log(core: Core, level: LogLevel, msg: string): void {
  if (level > core.logLevel || core.disposed) return;
  const text = core.logPrefix + msg;
  if (core.logger) {
    try {
      core.logger(level, text);
    } catch {
      // a broken logger must not break the machine
    }
  }
  const listeners = core.listeners;
  for (let i = 0; i < listeners.length; i++) {
    try {
      listeners[i](level, text, msg);
    } catch {
      core.tracerErrors++;
    }
  }
  const tx = core.tx;
  if (tx && !tx.isCompleted) {
    tx.logEntries.push({ level, text });
    return;
  }
  // skip consecutive duplicates, as upstream (except pipes and subscriptions)
  const buf = core.logBuffer;
  const last = buf[buf.length - 1];
  if (last && last.text === text && !allowDup(msg)) return;
  buf.push({ level, text });
  if (buf.length > 1000) buf.shift();
}

function allowDup(msg: string): boolean {
  return msg.startsWith("[pipe-") || msg.startsWith("[ctx") || msg.startsWith("[when");
}

/** Tracer hooks, by name. */
export type Hook = Exclude<keyof Tracer, "id" | "inheritable">;

const HOOKS: Hook[] = [
  "machineInit",
  "machineDispose",
  "newSubmachine",
  "transitionInit",
  "transitionStart",
  "handlerStart",
  "handlerEnd",
  "transitionFinals",
  "transitionEnd",
  "mutationQueued",
  "queueEnd",
  "schemaChange",
  "verifyStates",
];

/** A tracer's implementation of one hook. */
export interface HookCall {
  tracer: Tracer;
  fn: (a: unknown, b: unknown, c: unknown) => void;
}

/** Per hook, the tracers implementing it: an empty list costs nothing. */
export type Hooks = Record<Hook, HookCall[]>;

/** Sets the tracers and indexes their hooks. */
export function setTracers(core: Core, tracers: Tracer[]): void {
  core.tracers = tracers;
  const hooks = {} as Hooks;
  for (const hook of HOOKS) {
    hooks[hook] = [];
    for (const tracer of tracers) {
      let fn: unknown;
      try {
        fn = tracer[hook];
      } catch {
        core.tracerErrors++; // a throwing getter: that hook is skipped
        continue;
      }
      if (typeof fn === "function") hooks[hook].push({ tracer, fn: fn as HookCall["fn"] });
    }
  }
  core.hooks = hooks;
}

/**
 * Calls one hook on every tracer implementing it, isolating and counting
 * failures. Fixed arity (no rest array) keeps the transition path cheap.
 */
export function trace(core: Core, calls: HookCall[], a?: unknown, b?: unknown, c?: unknown): void {
  for (let i = 0; i < calls.length; i++) {
    try {
      calls[i].fn.call(calls[i].tracer, a, b, c);
    } catch {
      core.tracerErrors++;
    }
  }
}

/** Mutation args formatted for the log, when the level asks for them. */
export function logArgs(core: Core, mut: Mutation): string {
  if (!core.logArgs || core.logLevel <= LogLevel.External) return "";
  try {
    return formatArgs(core.logArgs(mut.args));
  } catch {
    return "";
  }
}

// see scratchMarks
let marks = new Uint8Array(64);

/**
 * A zeroed scratch array of at least `n` flags, shared: a caller marks
 * states by index and clears every mark it set before returning, calling
 * nothing that could use it meanwhile.
 */
export function scratchMarks(n: number): Uint8Array {
  if (marks.length < n) marks = new Uint8Array(n * 2);
  return marks;
}

/** States joined with spaces (upstream's `j`). */
export function j(states: readonly string[]): string {
  return states.join(" ");
}

export { LogLevel };
