/**
 * The public surface of machine/ whose types name each other: the
 * {@linkcode Api} a machine offers (upstream's `am.Api`: what another
 * implementation of a machine would offer too), the {@linkcode Transition}
 * hooks and handlers read, the {@linkcode HandlerEvent} handlers get and the
 * {@linkcode Tracer} hooks. Types only, and importing only the bottom files
 * (types, queries, steps, time diffs), so no module of machine/ imports a
 * module above it: `Machine` implements `Api`, the transition class
 * implements `Transition`. Just over ~400 lines on purpose: splitting these
 * types across files would bring the cycle back.
 *
 * @module
 */

import type { MachineQueries, Serialized } from "./api_query.ts";
import type { StepRecord } from "./step.ts";
import type { TimeDiff } from "./time_diff.ts";
import type {
  A,
  Breakpoint,
  LogEntry,
  Logger,
  LogLevel,
  LogListener,
  Mutation,
  MutationType,
  Result,
  S,
  Schema,
  StateName,
} from "./types.ts";

/**
 * A machine's public surface, as handlers, tracers and exporters use it
 * (upstream's `am.Api`): {@linkcode MachineQueries} plus mutations,
 * waiting, the schema, handlers, tracers, the log and the lifecycle.
 * `Machine` implements it; see `Machine` for each member's full
 * description. Tracer hooks, handler events and transitions name it, so
 * they don't depend on the `Machine` class.
 *
 * @example A function over any machine
 * ```ts
 * import { type Api, Machine } from "@asyncmachine/telemetry/machine";
 * function activate(mach: Api, state: string): boolean {
 *   mach.add([state]);
 *   return mach.is([state]);
 * }
 * activate(new Machine({ Foo: {} }), "Foo"); // true
 * ```
 */
export interface Api<N extends string = string> extends MachineQueries<N> {
  /** The current log level (0-5); settable. */
  logLevel: LogLevel;
  /** Resolves once the machine is disposed. */
  readonly whenDisposed: Promise<void>;
  /** The transition being executed, if any. */
  readonly transition: Transition | undefined;
  /** Replaces the machine's tags. */
  setTags(tags: string[]): void;
  /** Sets (or clears) the function receiving log lines. */
  setLogger(logger: Logger | undefined): void;
  /** Adds a log listener; returns a remover. */
  onLog(listener: LogListener): () => void;
  /** Activates states: Executed, Canceled, or the queue tick (≥ Queued). */
  add(states: StateName<N>[], args?: A): Result;
  /** `add` for one state. */
  add1(state: StateName<N>, args?: A): Result;
  /** Deactivates states. */
  remove(states: StateName<N>[], args?: A): Result;
  /** `remove` for one state. */
  remove1(state: StateName<N>, args?: A): Result;
  /** Activates exactly these states, deactivating the others. */
  set(states: StateName<N>[], args?: A): Result;
  /** Removes the states when all are active, adds them otherwise. */
  toggle(states: StateName<N>[], args?: A): Result;
  /** `toggle` for one state. */
  toggle1(state: StateName<N>, args?: A): Result;
  /** Adds `Exception` with `err` in args. */
  addErr(err: unknown, args?: A): Result;
  /** Adds `state` and `Exception` with `err` in args. */
  addErrState(state: StateName<N>, err: unknown, args?: A): Result;
  /** `add` with the handler event as the mutation's source. */
  evAdd(e: HandlerEvent, states: StateName<N>[], args?: A): Result;
  /** `evAdd` for one state. */
  evAdd1(e: HandlerEvent, state: StateName<N>, args?: A): Result;
  /** `remove` with the handler event as the source. */
  evRemove(e: HandlerEvent, states: StateName<N>[], args?: A): Result;
  /** `evRemove` for one state. */
  evRemove1(e: HandlerEvent, state: StateName<N>, args?: A): Result;
  /** `toggle` with the handler event as the source. */
  evToggle(e: HandlerEvent, states: StateName<N>[], args?: A): Result;
  /** `evToggle` for one state. */
  evToggle1(e: HandlerEvent, state: StateName<N>, args?: A): Result;
  /** `addErr` with the handler event as the source. */
  evAddErr(e: HandlerEvent, err: unknown, args?: A): Result;
  /** `addErrState` with the handler event as the source. */
  evAddErrState(e: HandlerEvent, state: StateName<N>, err: unknown, args?: A): Result;
  /** What `add` would do, without doing it (a check transition). */
  canAdd(states: StateName<N>[], args?: A): Result;
  /** `canAdd` for one state. */
  canAdd1(state: StateName<N>, args?: A): Result;
  /** What `remove` would do, without doing it. */
  canRemove(states: StateName<N>[], args?: A): Result;
  /** `canRemove` for one state. */
  canRemove1(state: StateName<N>, args?: A): Result;
  /** What `set` would do, without doing it. */
  canSet(states: StateName<N>[], args?: A): Result;
  /** Resolves once every state is active. */
  when(states: StateName<N>[], signal?: AbortSignal): Promise<void>;
  /** `when` for one state. */
  when1(state: StateName<N>, signal?: AbortSignal): Promise<void>;
  /** Resolves once every state is inactive. */
  whenNot(states: StateName<N>[], signal?: AbortSignal): Promise<void>;
  /** `whenNot` for one state. */
  whenNot1(state: StateName<N>, signal?: AbortSignal): Promise<void>;
  /** Resolves once `Exception` is active. */
  whenErr(signal?: AbortSignal): Promise<void>;
  /** Resolves once `state`'s final handler runs with these args. */
  whenArgs(state: StateName<N>, args: A, signal?: AbortSignal): Promise<void>;
  /** Resolves once each state's tick reaches its time. */
  whenTime(states: StateName<N>[], times: number[], signal?: AbortSignal): Promise<void>;
  /** `whenTime` for one state. */
  whenTime1(state: StateName<N>, tick: number, signal?: AbortSignal): Promise<void>;
  /** Resolves once `state` ticked `ticks` more times from now. */
  whenTicks(state: StateName<N>, ticks: number, signal?: AbortSignal): Promise<void>;
  /** Resolves the next time `state` becomes active. */
  whenNextActive(state: StateName<N>, signal?: AbortSignal): Promise<void>;
  /** Resolves once `fn(clock)` returns true after a transition. */
  whenQuery(fn: (clock: Record<string, number>) => boolean, signal?: AbortSignal): Promise<void>;
  /** Resolves once the running queue drains. */
  whenQueueEnds(signal?: AbortSignal): Promise<void>;
  /** Resolves once the queue tick `tick` got processed. */
  whenQueue(tick: Result | number, signal?: AbortSignal): Promise<void>;
  /** A signal aborted when the state's current activation ends. */
  newStateCtx(state: StateName<N>): AbortSignal;
  /** Groups states for debuggers. */
  setGroups(groups: Record<string, S>, order?: string[]): void;
  /** Fixes the order of state indexes. */
  verifyStates(names: string[]): void;
  /** Replaces the schema with one with more states. */
  setSchema(schema: Schema, names?: S): void;
  /** The state and clocks, for `import`. */
  export(): Serialized;
  /** Restores `export`ed state and clocks. */
  import(data: Serialized): void;
  /** Binds an object of handlers; returns the binding id. */
  bindHandlers(handlers: string extends N ? object : Handlers<N>, opts?: BindOptions): string;
  /** Unbinds handlers by binding id; false when not bound. */
  detachHandlers(id: string): boolean;
  /** The ids of the bound handlers. */
  handlers(): string[];
  /** Binds a tracer and calls its `machineInit`. */
  bindTracer(tracer: Tracer): void;
  /** Unbinds a tracer by id; false when not bound. */
  detachTracer(id: string): boolean;
  /** The bound tracers (a copy). */
  tracers(): Tracer[];
  /** Logs an external message (`[exter] msg`). */
  log(msg: string): void;
  /** Logs a line when a mutation matching `bp` gets queued. */
  addBreakpoint(bp: Breakpoint): void;
  /** Calls `fn(id)` once the machine is disposed. */
  onDispose(fn: (id: string) => void): void;
  /** Disposes the machine (after a running queue). */
  dispose(): void;
  /** Disposes at once, without waiting for a running queue. */
  disposeForce(): void;
}

/**
 * One mutation being executed, as tracers receive it in every transition
 * hook and handlers in `e.transition`; fields fill in as the transition
 * progresses (see the {@linkcode Tracer} hook order). Read-only, arrays
 * included: the machine writes it.
 *
 * @example Reading a transition in a tracer
 * ```ts
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * const mach = new Machine({ Foo: {}, Bar: { add: ["Foo"] } });
 * mach.bindTracer({
 *   id: "print",
 *   transitionEnd(tx) {
 *     console.log(tx.id, tx.toString(), tx.accepted, tx.targetStates);
 *   },
 * });
 * mach.add(["Bar"]);
 * ```
 */
export interface Transition {
  /** Unique id, 16 hex characters. */
  readonly id: string;
  /** The machine executing it. */
  readonly machine: Api;
  /** The mutation which caused it. */
  readonly mutation: Mutation;
  /** Called states, in call order. */
  readonly calledStates: readonly string[];
  /** Steps taken so far (when the machine records steps). */
  readonly steps: readonly StepRecord[];
  /** Machine time (ticks in index order) before. */
  readonly timeBefore: readonly number[];
  /** Machine time after: predicted until finals, then real (canceled: `timeBefore`). */
  readonly timeAfter: readonly number[];
  /** States active after the transition, in handler order. */
  readonly targetStates: readonly string[];
  /** States activated (Enter/State handlers run for them). */
  readonly enters: readonly string[];
  /** States deactivated (Exit/End handlers run for them). */
  readonly exits: readonly string[];
  /** Active states before, in the machine's active order. */
  readonly statesBefore: readonly string[];
  /** Accepted so far (false once canceled). */
  readonly accepted: boolean;
  /** All phases done; log lines now go to the next transition. */
  readonly isCompleted: boolean;
  /** Log entries produced during the transition. */
  readonly logEntries: readonly LogEntry[];
  /** Log entries produced between the previous transition and this one. */
  readonly preLogEntries: readonly LogEntry[];
  /** Queue length once the transition ended. */
  readonly queueLen: number;
  /** Steps are being recorded. */
  readonly stepsOn: boolean;
  /** Indexes of `targetStates`. */
  readonly targetIndexes: readonly number[];
  /** The mutation's type. */
  readonly type: MutationType;
  /** The mutation's arguments. */
  readonly args: Record<string, unknown>;
  /** Caused by Auto states (can't cause another auto transition). */
  readonly isAuto: boolean;
  /** A single-state `add` of `Healthcheck` or `Heartbeat` (upstream's IsHealth). */
  readonly isHealth: boolean;
  /** States activated and deactivated (indexes), from `timeBefore` and `timeAfter`. */
  readonly diff: TimeDiff;
  /** Names of `diff.added`, in index order (incl. re-activated Multi states). */
  readonly statesAdded: readonly string[];
  /** Names of `diff.removed`, in index order. */
  readonly statesRemoved: readonly string[];
  /** The machine time (sum of ticks) before. */
  readonly timeSumBefore: number;
  /** `[add] Foo Bar`: the mutation with states in index order. */
  readonly mutationString: string;
  /** `tx#<id>`, the mutation and its steps, as upstream's `String()`. */
  toString(): string;
}

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
  /** The machine (its public surface). */
  readonly machine: Api;
  /** The transition being executed. */
  readonly transition: Transition;
  /** The mutation being executed. */
  readonly mutation: Mutation;
  /**
   * Aborted when the work this handler starts stops making sense: for a
   * state's final handler (`FooState`) the state context of `Foo` (its
   * activation ends, see `mach.newStateCtx`), for every other handler the
   * transition's end. Created when read.
   */
  readonly signal: AbortSignal;
}

/**
 * The handler names a machine with states `N` calls: `FooEnter`, `FooExit`
 * (negotiation), `FooState`, `FooEnd` (final), `FooFoo` (self), `FooBar`
 * (between), `AnyEnter`, `AnyState`.
 *
 * @example Usage
 * ```ts
 * import type { HandlerName } from "@asyncmachine/telemetry/machine";
 * const n: HandlerName<"Foo" | "Bar"> = "FooBar";
 * ```
 */
export type HandlerName<N extends string = string> =
  | `${N | "Exception"}${"Enter" | "Exit" | "State" | "End"}`
  | `${N | "Exception"}${N | "Exception"}`
  | "AnyEnter"
  | "AnyState";

/**
 * A negotiation handler: return `false` to cancel the transition.
 *
 * @example Usage
 * ```ts
 * import type { NegotiationHandler } from "@asyncmachine/telemetry/machine";
 * const FooEnter: NegotiationHandler = (e) => e.args.ok === true;
 * ```
 */
export type NegotiationHandler = (e: HandlerEvent) => boolean | void;

/**
 * A final handler: its return is ignored (it can't cancel).
 *
 * @example Usage
 * ```ts
 * import type { FinalHandler } from "@asyncmachine/telemetry/machine";
 * const FooState: FinalHandler = (e) => console.log(e.args);
 * ```
 */
export type FinalHandler = (e: HandlerEvent) => void;

/**
 * A handlers object for `mach.bindHandlers`: with a literal schema, a name
 * matching no state or phase (`NopeState`, `FooEntr`) in an object literal
 * is a compile error.
 *
 * @example Usage
 * ```ts
 * import { type Handlers, Machine } from "@asyncmachine/telemetry/machine";
 * const mach = new Machine({ Foo: {}, Bar: {} });
 * const handlers: Handlers<"Foo" | "Bar"> = { FooEnter: () => true, BarState: () => {} };
 * mach.bindHandlers(handlers);
 * ```
 */
export type Handlers<N extends string = string> =
  & {
    [K in `${N | "Exception"}${"State" | "End"}` | "AnyState"]?: FinalHandler;
  }
  & {
    [K in Exclude<HandlerName<N>, `${N | "Exception"}${"State" | "End"}` | "AnyState">]?:
      NegotiationHandler;
  };

/** Options of {@linkcode Api.bindHandlers}. */
export interface BindOptions {
  /** Binding id, used as the `emitter` of handler hooks. */
  id?: string;
}

/**
 * Observes machines. Every hook is optional and synchronous; an exception
 * thrown by a hook is caught and counted (`mach.tracerErrors`), never
 * reaching the machine.
 *
 * Order for one mutation: `mutationQueued` → `transitionInit` →
 * `transitionStart` → (`handlerStart` → `handlerEnd`)* → `transitionFinals`
 * (accepted only) → (`handlerStart` → `handlerEnd`)* → `transitionEnd` →
 * `queueEnd` once the queue drains.
 *
 * @example A tracer counting transitions
 * ```ts
 * import { Machine, type Tracer } from "@asyncmachine/telemetry/machine";
 * let count = 0;
 * const tracer: Tracer = { id: "counter", transitionEnd() { count++; } };
 * const mach = new Machine({ Foo: {} }, { tracers: [tracer] });
 * mach.add(["Foo"]);
 * count; // 1
 * ```
 */
export interface Tracer {
  /** Unique id among a machine's tracers. */
  readonly id: string;
  /** Bind this tracer to submachines automatically. */
  readonly inheritable?: boolean;
  /** The machine was created with this tracer, or it was bound. */
  machineInit?(mach: Api): void;
  /** The machine got disposed (called once). */
  machineDispose?(id: string): void;
  /** A machine was created with `parent` as its parent. */
  newSubmachine?(parent: Api, mach: Api): void;
  /** A transition was resolved; targets and acceptance are known. */
  transitionInit?(tx: Transition): void;
  /** Negotiation is about to start. */
  transitionStart?(tx: Transition): void;
  /** A handler is about to run; `emitter` is the handlers' binding id. */
  handlerStart?(tx: Transition, emitter: string, handler: string): void;
  /** A handler returned or threw. */
  handlerEnd?(tx: Transition, emitter: string, handler: string): void;
  /** States and clocks were applied (accepted transitions only). */
  transitionFinals?(tx: Transition): void;
  /** The transition ended (accepted or canceled). */
  transitionEnd?(tx: Transition): void;
  /** A mutation got queued (or prepended). */
  mutationQueued?(mach: Api, mut: Mutation): void;
  /** The queue drained. */
  queueEnd?(mach: Api): void;
  /** `setSchema` replaced the schema; `old` is the previous one. */
  schemaChange?(mach: Api, old: Schema): void;
  /** The states' index order was set (`verifyStates`). */
  verifyStates?(mach: Api): void;
}
