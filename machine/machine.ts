/**
 * The state machine: a TypeScript port of asyncmachine-go's `Machine`.
 *
 * Over ~400 lines on purpose: this is the public class, upstream's API in
 * one place; each method is a thin guard over the layer doing the work
 * (process, queue, subscriptions, questions, schema).
 *
 * @module
 */

import type { Api, BindOptions, HandlerEvent, Handlers, Tracer, Transition } from "./api.ts";
import type { Groups, Serialized } from "./api_query.ts";
import { type Core, log, setTracers, trace } from "./core.ts";
import { isHandlerName, newBinding, toError } from "./handlers.ts";
import { nextActiveIn } from "./helpers.ts";
import { prependMut, processQueue } from "./process.ts";
import {
  inspect,
  isClock,
  isQueued,
  isQueuedAbove,
  isTime,
  relationsBetween,
  relationsOf,
} from "./questions.ts";
import { parseStates, queueMutation } from "./queue.ts";
import { buildTopology } from "./resolver.ts";
import { cloneSchema, parseSchema } from "./schema.ts";
import { StateException } from "./states.ts";
import {
  disposeSubscriptions,
  newStateCtx,
  refusal,
  settled,
  subscriptionCounts,
  when,
  whenArgs,
  whenNot,
  whenQuery,
  whenQueue,
  whenQueueEnds,
  whenTime,
} from "./subscriptions.ts";
import {
  type A,
  type Breakpoint,
  type LogArgsMapper,
  type Logger,
  LogLevel,
  type LogListener,
  type Mutation,
  MutationType,
  Position,
  type QueuedMatch,
  type QueueQuery,
  type Relation,
  Result,
  type S,
  type Schema,
  type StateName,
  type SubscriptionCounts,
} from "./types.ts";
import { isActiveTick, LOG_ARGS, newLogArgsMapper, randId, timeSum } from "./utils.ts";

/**
 * Options of a {@linkcode Machine}.
 *
 * @example Usage
 * ```ts
 * import { LogLevel, Machine, type MachineOptions } from "@asyncmachine/telemetry/machine";
 * const opts: MachineOptions = { id: "m1", logLevel: LogLevel.Ops, tags: ["env:dev"] };
 * new Machine({ Foo: {} }, opts);
 * ```
 */
export interface MachineOptions {
  /** Machine id; 16 random hex characters by default. */
  id?: string;
  /** Parent machine: sets `parentId`, calls its tracers' `newSubmachine`
   * and binds its inheritable tracers. */
  parent?: Api;
  /** Parent id only (no tracer inheritance). */
  parentId?: string;
  /** Machine tags, "key" or "key:value". */
  tags?: string[];
  /** Tracers, initialised on construction. */
  tracers?: Tracer[];
  /** Log level, 0-5; default 0 (nothing). */
  logLevel?: LogLevel;
  /** Receives log lines (they're also kept on transitions). */
  logger?: Logger;
  /** Prefix log lines with `[id5] `; default true. */
  logId?: boolean;
  /** Which args to log: a mapper, or names added to the defaults. */
  logArgs?: LogArgsMapper | string[];
  /** Record transition steps; default true (telemetry needs them). */
  steps?: boolean;
  /** Maximum queue length; default 1000. */
  queueLimit?: number;
  /** Unknown names are errors naming machine, state and key: unknown keys
   * in a state, relations naming missing states, handler names matching no
   * state or phase. Default false (upstream's silent drops). */
  strict?: boolean;
}

/**
 * A state machine with relations, a clock, a queue, handlers and tracer
 * hooks, with asyncmachine-go's semantics. With a literal schema, `N` (the
 * state names) is inferred: unknown states in mutations, relations and
 * handler names are compile errors.
 *
 * @example Relations, handlers and the clock
 * ```ts
 * import { Machine, Result } from "@asyncmachine/telemetry/machine";
 * const mach = new Machine({ Foo: { require: ["Bar"] }, Bar: {} }, { id: "mach1" });
 * mach.add1("Foo"); // Result.Canceled: Bar is required
 * mach.add(["Bar"]);
 * mach.bindHandlers({ FooEnter: () => true, FooState: (e) => console.log(e.args) });
 * mach.add1("Foo", { key: "v" }) === Result.Executed; // true
 * mach.tick("Foo"); // 1
 * ```
 *
 * @example Waiting and state contexts
 * ```ts
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * const mach = new Machine({ Ready: {}, Busy: {} });
 * const ready = mach.when1("Ready");
 * setTimeout(() => mach.add1("Ready"), 10);
 * await ready;
 * const ctx = mach.newStateCtx("Ready"); // aborted when Ready ends
 * mach.remove1("Ready");
 * ctx.aborted; // true
 * ```
 */
export class Machine<N extends string = string> implements Api<N> {
  #core: Core;
  #constructing = true;
  #parentId: string;
  #tags: string[];
  #groups: Groups | undefined;
  #disposeHandlers: ((id: string) => void)[] = [];
  #resolveDisposed!: () => void;
  /** Resolves once the machine is disposed. */
  readonly whenDisposed: Promise<void>;

  /**
   * Creates a machine. `Exception` (Multi) is added when missing; state
   * indexes are alphabetical until {@linkcode Machine.verifyStates}.
   *
   * @param schema The states and their relations.
   * @param opts Options.
   */
  constructor(schema: Schema<N>, opts?: MachineOptions) {
    opts ??= {};
    const id = opts.id ?? randId(16);
    const strict = opts.strict ?? false;
    let input = schema as Schema;
    // strict: relations may name Exception, which every machine has
    if (strict && !input[StateException]) input = { ...input, [StateException]: { multi: true } };
    const parsed = parseSchema(input, { strict, machineId: id });
    parsed.schema[StateException] ??= { multi: true };
    const names = Object.keys(parsed.schema).sort();
    const logId = opts.logId ?? true;
    let logArgs = opts.logArgs as LogArgsMapper | undefined;
    if (Array.isArray(opts.logArgs)) logArgs = newLogArgsMapper(20, [...LOG_ARGS, ...opts.logArgs]);
    this.#core = {
      mach: this,
      id,
      schema: parsed.schema,
      names,
      index: new Map(names.map((n, i) => [n, i])),
      clock: names.map(() => 0),
      active: [],
      topology: undefined,
      topoRank: undefined,
      removedBy: new Map(),
      hasAuto: false,
      defs: new Map(),
      tracers: [],
      hooks: {} as Core["hooks"],
      tracerErrors: 0,
      bindings: [],
      hasHandlers: false,
      nextBindingNum: 0,
      logLevel: opts.logLevel ?? LogLevel.Nothing,
      logId,
      logPrefix: logId ? `[${id.slice(0, 5)}] ` : "",
      logger: opts.logger,
      listeners: [],
      logArgs,
      steps: opts.steps ?? true,
      logBuffer: [],
      tx: undefined,
      queue: [],
      queueTick: 1,
      queueTicksPending: 0,
      queueToken: 0,
      queueProcessing: false,
      queueLimit: opts.queueLimit ?? 1000,
      disposing: false,
      disposed: false,
      finishDispose: undefined,
      err: undefined,
      breakpoints: undefined,
      subs: undefined,
      txCtrl: undefined,
      machineTick: 0,
      statesVerified: false,
      strict,
      panicCaught: false,
      latestHandlerIsEnter: false,
      latestHandlerIsFinal: false,
      latestHandlerToState: "",
    };
    this.#tags = [...new Set(opts.tags ?? [])];
    this.#parentId = opts.parent?.id ?? opts.parentId ?? "";
    this.whenDisposed = new Promise((resolve) => this.#resolveDisposed = resolve);
    buildTopology(this.#core);

    const core = this.#core;
    setTracers(core, [...(opts.tracers ?? [])]);
    if (opts.parent) {
      const parentTracers = opts.parent.tracers();
      for (const t of parentTracers) {
        try {
          t.newSubmachine?.(opts.parent, this);
        } catch {
          core.tracerErrors++;
        }
      }
      for (const t of parentTracers) {
        if (t.inheritable && !core.tracers.includes(t)) setTracers(core, [...core.tracers, t]);
      }
    }
    this.#constructing = false;
    trace(core, core.hooks.machineInit, this);
    if (parsed.errors.length > 0) {
      // upstream's errors.Join of ErrSchema-wrapped conflicts
      this.addErr(new Error(parsed.errors.map((e) => `schema error: ${e}`).join("\n")));
    }
  }

  /** The machine's id. */
  get id(): string {
    return this.#core.id;
  }

  /** The parent machine's id, or "". */
  get parentId(): string {
    return this.#parentId;
  }

  /** The machine's tags. */
  get tags(): string[] {
    return [...this.#tags];
  }

  /** Replaces the machine's tags. */
  setTags(tags: string[]): void {
    this.#tags = [...new Set(tags)];
  }

  /** The current log level. */
  get logLevel(): LogLevel {
    return this.#core.logLevel;
  }

  /** Sets the log level (0-5). */
  set logLevel(level: LogLevel) {
    this.#core.logLevel = level;
  }

  /** Sets (or clears) the function receiving log lines. */
  setLogger(logger: Logger | undefined): void {
    this.#core.logger = logger;
  }

  /**
   * Adds a log listener (exporters use it, beside the `logger`); it gets
   * every line at or below the log level, also without the `[id5] `
   * prefix. Returns a remover. A listener that throws is isolated and
   * counted in `tracerErrors`.
   */
  onLog(listener: LogListener): () => void {
    const core = this.#core;
    core.listeners = [...core.listeners, listener];
    return () => {
      core.listeners = core.listeners.filter((l) => l !== listener);
    };
  }

  /** The args mapper used for logs and telemetry, if any. */
  get logArgs(): LogArgsMapper | undefined {
    return this.#core.logArgs;
  }

  /** Whether transitions record steps. */
  get stepsEnabled(): boolean {
    return this.#core.steps;
  }

  /** How many times a tracer hook threw (each was isolated). */
  get tracerErrors(): number {
    return this.#core.tracerErrors;
  }

  /** The transition being executed, if any. */
  get transition(): Transition | undefined {
    return this.#core.tx;
  }

  /** True once disposed. */
  get isDisposed(): boolean {
    return this.#core.disposed;
  }

  /** Whether the index order is fixed ({@linkcode Machine.verifyStates} or
   * {@linkcode Machine.import} ran). */
  get statesVerified(): boolean {
    return this.#core.statesVerified;
  }

  /** How many times this machine's state was imported (upstream's MachineTick). */
  get machineTick(): number {
    return this.#core.machineTick;
  }

  /** The maximum queue length. */
  get queueLimit(): number {
    return this.#core.queueLimit;
  }

  /** Whether the machine was created with `strict`. */
  get strict(): boolean {
    return this.#core.strict;
  }

  // ---- mutations

  #mutate(type: MutationType, states: S, args: A | undefined, e?: HandlerEvent): Result {
    const core = this.#core;
    const tick = queueMutation(core, type, states, args, e);
    if (tick === 0) return Result.Executed;
    const res = processQueue(core);
    return res === Result.Queued ? tick : res;
  }

  /** Upstream's queue limit: full means Canceled, except to let Exception
   * in once (add) or out (remove) while in error. */
  #queueFull(states: S, remove = false): boolean {
    const core = this.#core;
    if (core.queue.length < core.queueLimit) return false;
    if (!states.includes(StateException)) return true;
    return remove ? !this.isErr() : this.isErr();
  }

  /**
   * Activates states. Returns Executed, Canceled, or (when called during a
   * transition) the queue tick it will run at (≥ Result.Queued). Canceled
   * once disposed.
   */
  add(states: StateName<N>[], args?: A): Result {
    if (this.#core.disposing || this.#queueFull(states)) return Result.Canceled;
    return this.#mutate(MutationType.Add, states, args);
  }

  /** {@linkcode Machine.add} for one state. */
  add1(state: StateName<N>, args?: A): Result {
    return this.add([state], args);
  }

  /** Deactivates states. */
  remove(states: StateName<N>[], args?: A): Result {
    if (this.#core.disposing || this.#queueFull(states, true)) return Result.Canceled;
    return this.#removeMut(states, args);
  }

  #removeMut(states: S, args: A | undefined, e?: HandlerEvent): Result {
    const core = this.#core;
    // during a transaction with an empty queue, removing inactive states is a no-op
    if (core.queue.length === 0 && core.tx && !states.some((s) => this.is([s]))) {
      return Result.Executed;
    }
    return this.#mutate(MutationType.Remove, states, args, e);
  }

  /** {@linkcode Machine.remove} for one state. */
  remove1(state: StateName<N>, args?: A): Result {
    return this.remove([state], args);
  }

  /** Activates exactly these states, deactivating the others. */
  set(states: StateName<N>[], args?: A): Result {
    const core = this.#core;
    if (core.disposing || core.queue.length >= core.queueLimit) return Result.Canceled;
    return this.#mutate(MutationType.Set, states, args);
  }

  /** Removes the states when all are active, adds them otherwise. */
  toggle(states: StateName<N>[], args?: A): Result {
    if (this.#core.disposing) return Result.Canceled;
    return this.is(states) ? this.remove(states, args) : this.add(states, args);
  }

  /** {@linkcode Machine.toggle} for one state. */
  toggle1(state: StateName<N>, args?: A): Result {
    return this.toggle([state], args);
  }

  /** Adds `Exception` with `err` in args. */
  addErr(err: unknown, args?: A): Result {
    return this.addErrState(StateException, err, args);
  }

  /** Adds `state` and `Exception` with `err` in args. */
  addErrState(state: StateName<N>, err: unknown, args?: A): Result {
    const core = this.#core;
    if (
      core.disposing || err === undefined || err === null || core.queue.length >= core.queueLimit
    ) {
      return Result.Canceled;
    }
    const error = toError(err);
    core.err = error;
    const states = state === StateException ? [StateException] : [state, StateException];
    return this.add(states as StateName<N>[], { ...args, err: error, errTrace: error.stack });
  }

  /** {@linkcode Machine.add} with the handler event as the mutation's source. */
  evAdd(e: HandlerEvent, states: StateName<N>[], args?: A): Result {
    const core = this.#core;
    if (core.disposing || core.queue.length >= core.queueLimit) return Result.Canceled;
    return this.#mutate(MutationType.Add, states, args, e);
  }

  /** {@linkcode Machine.evAdd} for one state. */
  evAdd1(e: HandlerEvent, state: StateName<N>, args?: A): Result {
    return this.evAdd(e, [state], args);
  }

  /** {@linkcode Machine.remove} with the handler event as the source. */
  evRemove(e: HandlerEvent, states: StateName<N>[], args?: A): Result {
    const core = this.#core;
    if (core.disposing || core.queue.length >= core.queueLimit) return Result.Canceled;
    return this.#removeMut(states, args, e);
  }

  /** {@linkcode Machine.evRemove} for one state. */
  evRemove1(e: HandlerEvent, state: StateName<N>, args?: A): Result {
    return this.evRemove(e, [state], args);
  }

  /** {@linkcode Machine.toggle} with the handler event as the source. */
  evToggle(e: HandlerEvent, states: StateName<N>[], args?: A): Result {
    if (this.#core.disposing) return Result.Canceled;
    return this.is(states) ? this.evRemove(e, states, args) : this.evAdd(e, states, args);
  }

  /** {@linkcode Machine.evToggle} for one state. */
  evToggle1(e: HandlerEvent, state: StateName<N>, args?: A): Result {
    return this.evToggle(e, [state], args);
  }

  /** {@linkcode Machine.addErr} with the handler event as the source. */
  evAddErr(e: HandlerEvent, err: unknown, args?: A): Result {
    return this.evAddErrState(e, StateException, err, args);
  }

  /** {@linkcode Machine.addErrState} with the handler event as the source. */
  evAddErrState(e: HandlerEvent, state: StateName<N>, err: unknown, args?: A): Result {
    const core = this.#core;
    if (core.disposing || err === undefined || err === null) return Result.Canceled;
    const error = toError(err);
    core.err = error;
    const states = state === StateException ? [StateException] : [state, StateException];
    return this.evAdd(e, states as StateName<N>[], { ...args, err: error, errTrace: error.stack });
  }

  /**
   * What {@linkcode Machine.add} would do, without doing it: a check
   * transition (negotiation handlers run, tracers see it, nothing changes).
   * Executed or Canceled; Queued when called during a transition (as
   * upstream).
   */
  canAdd(states: StateName<N>[], args?: A): Result {
    return this.#check(MutationType.Add, states, args);
  }

  /** {@linkcode Machine.canAdd} for one state. */
  canAdd1(state: StateName<N>, args?: A): Result {
    return this.canAdd([state], args);
  }

  /** What {@linkcode Machine.remove} would do, without doing it. */
  canRemove(states: StateName<N>[], args?: A): Result {
    return this.#check(MutationType.Remove, states, args);
  }

  /** {@linkcode Machine.canRemove} for one state. */
  canRemove1(state: StateName<N>, args?: A): Result {
    return this.canRemove([state], args);
  }

  /** What {@linkcode Machine.set} would do, without doing it. */
  canSet(states: StateName<N>[], args?: A): Result {
    return this.#check(MutationType.Set, states, args);
  }

  #check(type: MutationType, states: S, args: A | undefined): Result {
    const core = this.#core;
    if (core.disposing) return Result.Canceled;
    return prependMut(core, {
      type,
      called: parseStates(core, states).map((s) => core.index.get(s)!),
      args: args ?? {},
      auto: false,
      isCheck: true,
      queueLen: 0,
      queueTick: 0,
      queueToken: 0,
      queueTickNow: 0,
    });
  }

  // ---- waiting

  /**
   * Resolves once every state is active (at once when they are). Rejects
   * with `signal`'s reason when it aborts, and with a
   * {@linkcode MachineDisposedError} on dispose. Waits on the same states
   * and signal share one promise; a settled wait leaves no listener.
   */
  when(states: StateName<N>[], signal?: AbortSignal): Promise<void> {
    const core = this.#core;
    const refused = refusal(core, signal);
    if (refused !== undefined) return settled(refused);
    return when(core, parseStates(core, states), signal);
  }

  /** {@linkcode Machine.when} for one state. */
  when1(state: StateName<N>, signal?: AbortSignal): Promise<void> {
    return this.when([state], signal);
  }

  /** Resolves once every state is inactive; see {@linkcode Machine.when}. */
  whenNot(states: StateName<N>[], signal?: AbortSignal): Promise<void> {
    const core = this.#core;
    const refused = refusal(core, signal);
    if (refused !== undefined) return settled(refused);
    return whenNot(core, parseStates(core, states), signal);
  }

  /** {@linkcode Machine.whenNot} for one state. */
  whenNot1(state: StateName<N>, signal?: AbortSignal): Promise<void> {
    return this.whenNot([state], signal);
  }

  /** Resolves once `Exception` is active. */
  whenErr(signal?: AbortSignal): Promise<void> {
    return this.when([StateException], signal);
  }

  /**
   * Resolves once `state`'s final handler (`FooState`) runs with every key
   * of `args` equal (===), e.g. for one call of a Multi state.
   */
  whenArgs(state: StateName<N>, args: A, signal?: AbortSignal): Promise<void> {
    const core = this.#core;
    const refused = refusal(core, signal);
    if (refused !== undefined) return settled(refused);
    return whenArgs(core, parseStates(core, [state])[0], args, signal);
  }

  /**
   * Resolves once each state's tick reaches the time at the same position
   * (`states` and `times` of equal, non-zero length; otherwise an
   * `Exception` is added and the wait resolves, as upstream).
   */
  whenTime(states: StateName<N>[], times: number[], signal?: AbortSignal): Promise<void> {
    const core = this.#core;
    const refused = refusal(core, signal);
    if (refused !== undefined) return settled(refused);
    if (states.length !== times.length || states.length === 0) {
      this.addErr(
        new Error(`whenTime: states and times must have the same length (${states.join(" ")}) > 0`),
      );
      return settled();
    }
    // validated, not deduped: times pair with states by position
    parseStates(core, states);
    return whenTime(core, states, times, signal);
  }

  /** {@linkcode Machine.whenTime} for one state. */
  whenTime1(state: StateName<N>, tick: number, signal?: AbortSignal): Promise<void> {
    return this.whenTime([state], [tick], signal);
  }

  /** Resolves once `state` ticked `ticks` more times from now. */
  whenTicks(state: StateName<N>, ticks: number, signal?: AbortSignal): Promise<void> {
    return this.whenTime([state], [ticks + this.tick(state)], signal);
  }

  /** Resolves the next time `state` becomes active (not the current activation). */
  whenNextActive(state: StateName<N>, signal?: AbortSignal): Promise<void> {
    return this.whenTicks(state, nextActiveIn(this.tick(state)), signal);
  }

  /** Resolves once `fn(clock)` returns true after a transition (a throw rejects). */
  whenQuery(fn: (clock: Record<string, number>) => boolean, signal?: AbortSignal): Promise<void> {
    return whenQuery(this.#core, fn, signal);
  }

  /** Resolves once the running queue drains (at once when it isn't running). */
  whenQueueEnds(signal?: AbortSignal): Promise<void> {
    return whenQueueEnds(this.#core, signal);
  }

  /** Resolves once the queue tick `tick` (a mutation's Queued result) got processed. */
  whenQueue(tick: Result | number, signal?: AbortSignal): Promise<void> {
    return whenQueue(this.#core, tick, signal);
  }

  /**
   * A signal aborted when the state's current activation ends (or, when
   * inactive, when it gets activated): upstream's `NewStateCtx`. Already
   * aborted once disposed.
   */
  newStateCtx(state: StateName<N>): AbortSignal {
    const core = this.#core;
    if (core.disposing) return newStateCtx(core, state);
    return newStateCtx(core, parseStates(core, [state])[0]);
  }

  /** Pending waits and live state contexts, by kind (for leak checks). */
  subscriptions(): SubscriptionCounts {
    return subscriptionCounts(this.#core);
  }

  // ---- queries

  /** True when every state is active (unknown states: false). */
  is(states: StateName<N>[] | S): boolean {
    const core = this.#core;
    if (core.disposed) return false;
    for (const s of states) {
      if (!core.index.has(s)) {
        log(core, LogLevel.Decisions, `[is] state ${s} not found`);
        return false;
      }
      if (!core.active.includes(s)) return false;
    }
    return true;
  }

  /** {@linkcode Machine.is} for one state. */
  is1(state: StateName<N>): boolean {
    return this.is([state]);
  }

  /** True when none of the states is active. Throws on unknown states. */
  not(states: StateName<N>[] | S): boolean {
    const core = this.#core;
    if (core.disposed) return false;
    return !parseStates(core, states).some((s) => core.active.includes(s));
  }

  /** {@linkcode Machine.not} for one state. */
  not1(state: StateName<N>): boolean {
    return this.not([state]);
  }

  /** True when any group of states is fully active. */
  any(...groups: StateName<N>[][]): boolean {
    return groups.some((g) => this.is(g));
  }

  /** True when any of the states is active. */
  any1(...states: StateName<N>[]): boolean {
    return states.some((s) => this.is([s]));
  }

  /** True when `Exception` is active. */
  isErr(): boolean {
    return this.is([StateException]);
  }

  /** The last error passed to addErr or thrown by a handler. */
  err(): Error | undefined {
    return this.#core.err;
  }

  /** Whether the states are defined (false once `dispose()` was called). */
  has(states: string[]): boolean {
    const core = this.#core;
    return !core.disposing && states.every((s) => core.index.has(s));
  }

  /** {@linkcode Machine.has} for one state. */
  has1(state: string): boolean {
    return this.has([state]);
  }

  /** The first state of the groups which is active, or "" (upstream's Switch). */
  switch(...groups: StateName<N>[][]): StateName<N> | "" {
    const active = this.activeStates();
    for (const group of groups) for (const s of group) if (active.includes(s)) return s;
    return "";
  }

  /** The tick of a state (odd = active); 0 for unknown states. */
  tick(state: StateName<N> | string): number {
    const core = this.#core;
    const idx = core.index.get(state);
    return idx === undefined || core.disposed ? 0 : core.clock[idx];
  }

  /** Ticks of the given states, or of all in index order (machine time). */
  time(states?: StateName<N>[] | S): number[] {
    const core = this.#core;
    if (core.disposed) return [];
    if (!states) return core.clock.slice();
    return states.map((s) => this.tick(s));
  }

  /** State name to tick, for the given states or all. */
  clock(states?: StateName<N>[] | S): Record<string, number> {
    const ret: Record<string, number> = {};
    if (this.#core.disposed) return ret;
    for (const s of states ?? this.#core.names) ret[s] = this.tick(s);
    return ret;
  }

  /** Every state in `clock` has exactly that tick (upstream's IsClock). */
  isClock(clock: Record<string, number>): boolean {
    return isClock(this.#core, clock);
  }

  /** The ticks of `states` (default: all, in index order) equal `time`. */
  isTime(time: number[], states?: StateName<N>[] | S): boolean {
    return isTime(this.#core, time, states);
  }

  /** Active states in the order of the last transition's targets; with
   * `states`, those of them active, in their order. */
  activeStates(states?: StateName<N>[] | S): StateName<N>[] {
    const core = this.#core;
    if (core.disposed) return [];
    if (!states) return core.active.slice() as StateName<N>[];
    return states.filter((s) => core.active.includes(s)) as StateName<N>[];
  }

  /** How many of `states` (default: all) are active. */
  countActive(states?: StateName<N>[] | S): number {
    return this.activeStates(states).length;
  }

  /** State names, in index order. */
  stateNames(): StateName<N>[] {
    return this.#core.names.slice() as StateName<N>[];
  }

  /** The index of each state (-1 for unknown). */
  index(states: string[]): number[] {
    return states.map((s) => this.index1(s));
  }

  /** The index of a state (-1 for unknown, or once disposed). */
  index1(state: string): number {
    const core = this.#core;
    return core.disposed ? -1 : core.index.get(state) ?? -1;
  }

  /** The relation types `state` has: add, require, remove, after (upstream's order). */
  relationsOf(state: StateName<N>): Relation[] {
    return relationsOf(this.#core, state);
  }

  /** The relations from `from` to `to`. Throws on unknown states. */
  relationsBetween(from: StateName<N>, to: StateName<N>): Relation[] {
    return relationsBetween(this.#core, from, to);
  }

  /** Per state (default: all, in index order): active, tick and relations,
   * as upstream's Inspect. "" once disposed. */
  inspect(states?: StateName<N>[] | S): string {
    return inspect(this.#core, states);
  }

  /** The current queue tick. */
  queueTick(): number {
    return this.#core.queueTick;
  }

  /** The number of queued mutations. */
  queueLen(): number {
    return this.#core.queue.length;
  }

  /** A copy of the queue. */
  queue(): Mutation[] {
    return this.#core.queue.slice();
  }

  /** Finds a queued mutation (upstream's IsQueued). */
  isQueued(query: QueueQuery): QueuedMatch {
    return isQueued(this.#core, query);
  }

  /** At least `threshold` matching mutations are queued (upstream's IsQueuedAbove). */
  isQueuedAbove(threshold: number, query: QueueQuery): boolean {
    return isQueuedAbove(this.#core, threshold, query);
  }

  /** An `add` of (at least) these states is queued. */
  willBe(states: StateName<N>[], position?: Position): boolean {
    position ??= Position.Any;
    return isQueued(this.#core, { type: MutationType.Add, states, position }).found;
  }

  /** {@linkcode Machine.willBe} for one state. */
  willBe1(state: StateName<N>, position?: Position): boolean {
    return this.willBe([state], position);
  }

  /** An `add` of any of these states is queued. */
  willBeAny(states: StateName<N>[]): boolean {
    return states.some((s) => this.willBe1(s));
  }

  /** A `remove` of (at least) these states is queued. */
  willBeRemoved(states: StateName<N>[], position?: Position): boolean {
    position ??= Position.Any;
    return isQueued(this.#core, { type: MutationType.Remove, states, position }).found;
  }

  /** {@linkcode Machine.willBeRemoved} for one state. */
  willBeRemoved1(state: StateName<N>, position?: Position): boolean {
    return this.willBeRemoved([state], position);
  }

  /** A copy of the (sanitised) schema. */
  schema(): Schema {
    return cloneSchema(this.#core.schema);
  }

  /** State groups (indexes) and their order, if set. */
  groups(): Groups {
    return this.#groups
      ? { groups: structuredClone(this.#groups.groups), order: [...this.#groups.order] }
      : { groups: {}, order: [] };
  }

  /** Groups states for debuggers, e.g. `{ self: ["Foo"], Basic: [...] }`. */
  setGroups(groups: Record<string, S>, order?: string[]): void {
    order ??= Object.keys(groups);
    const out: Record<string, number[]> = {};
    for (const [name, states] of Object.entries(groups)) {
      out[name] = parseStates(this.#core, states).map((s) => this.#core.index.get(s)!);
    }
    this.#groups = { groups: out, order: [...order] };
  }

  /** `(Foo:1 Bar:3)`: active states with ticks, in index order; "" once disposed. */
  toString(): string {
    const c = this.#core;
    if (c.disposed) return "";
    return "(" + c.names.filter((s) => c.active.includes(s)).map((s) => `${s}:${this.tick(s)}`)
      .join(" ") +
      ")";
  }

  /** `(Foo:1) [Bar:2 Exception:0]`: all states, active first; "" once disposed. */
  stringAll(): string {
    const c = this.#core;
    if (c.disposed) return "";
    const fmt = (s: string) => `${s}:${this.tick(s)}`;
    const active = c.names.filter((s) => c.active.includes(s)).map(fmt);
    const inactive = c.names.filter((s) => !c.active.includes(s)).map(fmt);
    return `(${active.join(" ")}) [${inactive.join(" ")}]`;
  }

  // ---- schema and data

  /**
   * Fixes the order of state indexes. Must list every state once.
   * Throws on unknown or missing states; a no-op once disposed.
   */
  verifyStates(names: string[]): void {
    const core = this.#core;
    if (core.disposing) return;
    const unknown = names.filter((s) => !core.schema[s]);
    if (unknown.length) {
      throw new Error(`states ${unknown.join(", ")} not defined in schema for ${core.id}`);
    }
    const uniqNames = [...new Set(names)];
    const missing = core.names.filter((s) => !uniqNames.includes(s));
    const all = Object.keys(core.schema).filter((s) => !uniqNames.includes(s));
    if (missing.length || all.length) {
      throw new Error(
        `verifying less states than registered for ${core.id}; missing: ${
          [...new Set([...missing, ...all])].join(" ")
        }`,
      );
    }
    const ticks = new Map(core.names.map((s, i) => [s, core.clock[i]]));
    core.names = uniqNames;
    core.index = new Map(uniqNames.map((n, i) => [n, i]));
    core.clock = uniqNames.map((s) => ticks.get(s) ?? 0);
    core.statesVerified = true;
    trace(core, core.hooks.verifyStates, this);
  }

  /**
   * Replaces the schema with one with more states (existing states keep their
   * ticks). `names` orders the index; by default the old order, then the
   * new states sorted. A no-op once disposed.
   */
  setSchema(schema: Schema, names?: S): void {
    const core = this.#core;
    if (core.disposing) return;
    if (core.tx) throw new Error(`machine ${core.id}: cannot set schema during a transition`);
    const parsed = parseSchema(schema, { strict: core.strict, machineId: core.id });
    if (parsed.errors.length) throw new Error(`schema: ${parsed.errors.join("; ")}`);
    parsed.schema[StateException] ??= { multi: true };
    const count = Object.keys(parsed.schema).length;
    if (count <= core.names.length) {
      throw new Error(`machine ${core.id}: new schema too short (needs > ${core.names.length})`);
    }
    names ??= [
      ...core.names,
      ...Object.keys(parsed.schema).filter((s) => !core.index.has(s)).sort(),
    ];
    const old = core.schema;
    const oldNames = core.names;
    core.schema = parsed.schema;
    try {
      this.verifyStates(names);
    } catch (err) {
      core.schema = old;
      core.names = oldNames;
      throw err;
    }
    buildTopology(core);
    trace(core, core.hooks.schemaChange, this, old);
  }

  /**
   * The state and clocks, to {@linkcode Machine.import} into a machine with
   * the same id and schema (upstream's Export). Throws unless the index
   * order is fixed (call {@linkcode Machine.verifyStates} first).
   */
  export(): Serialized {
    const core = this.#core;
    if (!core.statesVerified) {
      throw new Error(
        `machine ${core.id}: export needs a fixed state order, call verifyStates first`,
      );
    }
    const time = core.clock.slice();
    log(core, LogLevel.Ops, `[import] exported at ${timeSum(time)} ticks`);
    return {
      id: core.id,
      stateNames: core.names.slice(),
      time,
      queueTick: core.queueTick,
      machineTick: core.machineTick,
    };
  }

  /**
   * Restores {@linkcode Machine.export}ed state and clocks (no handlers run,
   * nothing is traced; the state order becomes the exported one). Throws
   * on another machine's id or a different set of states.
   */
  import(data: Serialized): void {
    const core = this.#core;
    if (core.disposing) return;
    if (
      typeof data !== "object" || data === null || !Array.isArray(data.stateNames) ||
      !Array.isArray(data.time)
    ) {
      throw new TypeError(`machine ${core.id}: import expects what export() returns`);
    }
    if (data.id !== core.id) throw new Error(`machine ${core.id}: import ID mismatch (${data.id})`);
    if (data.stateNames.length !== core.names.length || data.time.length !== core.names.length) {
      throw new Error(`machine ${core.id}: importing a different number of states`);
    }
    for (const s of data.stateNames) {
      if (!core.index.has(s)) throw new Error(`machine ${core.id}: importing unknown state ${s}`);
    }
    if (new Set(data.stateNames).size !== data.stateNames.length) {
      throw new Error(`machine ${core.id}: importing duplicate states`);
    }
    for (const t of [...data.time, data.machineTick]) {
      if (!Number.isSafeInteger(t) || t < 0) {
        throw new Error(`machine ${core.id}: importing an invalid tick ${String(t)}`);
      }
    }
    core.names = data.stateNames.slice();
    core.index = new Map(core.names.map((n, i) => [n, i]));
    core.clock = data.time.slice();
    core.active = core.names.filter((_, i) => isActiveTick(core.clock[i]));
    core.statesVerified = true;
    core.machineTick = data.machineTick + 1;
    buildTopology(core);
    log(
      core,
      LogLevel.Changes,
      `[import] imported ${core.machineTick} times, now at ${timeSum(core.clock)} ticks`,
    );
  }

  // ---- handlers and tracers

  /**
   * Binds an object of handlers: `FooEnter`/`FooExit` (return false to
   * cancel), `FooState`/`FooEnd`, `FooFoo`, `FooBar`, `AnyEnter`,
   * `AnyState`. Returns the binding id ("" once disposed). With a literal
   * schema, an object literal naming no state or phase doesn't compile;
   * with `strict`, a function matching no handler name is an error.
   */
  bindHandlers(handlers: string extends N ? object : Handlers<N>, opts?: BindOptions): string {
    opts ??= {};
    const core = this.#core;
    if (core.disposing) return "";
    if (typeof handlers !== "object" || handlers === null) {
      throw new TypeError("bindHandlers expects an object of handler functions");
    }
    const id = opts.id?.replace(/[^a-zA-Z0-9\-_.]+/g, "") || "anon-" + randId(4);
    const binding = newBinding(handlers, id, core.nextBindingNum++);
    if (core.strict) {
      const bad = [...binding.names].filter((name) => !isHandlerName(core, name));
      if (bad.length) {
        throw new TypeError(
          `machine ${core.id}: handlers ${id}: ${
            bad.join(", ")
          } match no state or phase (FooEnter, FooExit, FooState, FooEnd, FooBar, AnyEnter, AnyState)`,
        );
      }
    }
    const first = !core.hasHandlers;
    core.bindings = [...core.bindings, binding];
    core.hasHandlers = true;
    log(core, LogLevel.Ops, `[handlers] bind ${binding.num}:${id}`);
    // already in Exception when the first handlers get bound: re-add the error
    if (first && this.isErr() && core.err) this.addErr(core.err);
    return id;
  }

  /** Unbinds handlers by binding id; false when not bound. */
  detachHandlers(id: string): boolean {
    const core = this.#core;
    const before = core.bindings.length;
    core.bindings = core.bindings.filter((b) => b.id !== id);
    return core.bindings.length !== before;
  }

  /** The ids of the bound handlers. */
  handlers(): string[] {
    return this.#core.bindings.map((b) => b.id);
  }

  /**
   * Binds a tracer and calls its `machineInit`. Binding the same tracer
   * again is a no-op; another tracer with a bound id is an error.
   */
  bindTracer(tracer: Tracer): void {
    const core = this.#core;
    if (core.disposing) return;
    let id: unknown;
    try {
      id = tracer?.id;
    } catch {
      // a tracer failing on its id is a failing tracer: counted, not bound
      core.tracerErrors++;
      return;
    }
    if (typeof id !== "string" || id === "") {
      throw new TypeError("bindTracer: a tracer needs a non-empty string id");
    }
    if (core.tracers.includes(tracer)) return;
    if (core.tracers.some((t) => t.id === id)) {
      throw new Error(`machine ${core.id}: tracer ${id} already bound`);
    }
    setTracers(core, [...core.tracers, tracer]);
    log(core, LogLevel.Ops, `[tracers] bind ${id}`);
    if (this.#constructing) return;
    try {
      tracer.machineInit?.(this);
    } catch {
      core.tracerErrors++;
    }
  }

  /** Unbinds a tracer by id; false when not bound. */
  detachTracer(id: string): boolean {
    const core = this.#core;
    const before = core.tracers.length;
    setTracers(core, core.tracers.filter((t) => t.id !== id));
    if (core.tracers.length === before) return false;
    log(core, LogLevel.Ops, `[tracers] detach ${id}`);
    return true;
  }

  /** The bound tracers (a copy). */
  tracers(): Tracer[] {
    return this.#core.tracers.slice();
  }

  // ---- log and lifecycle

  /** Logs an external message (`[exter] msg`, LogLevel.External). */
  log(msg: string): void {
    log(this.#core, LogLevel.External, "[exter] " + msg.replaceAll("\n", " "));
  }

  /**
   * Logs `[breakpoint] Machine.breakpoint` (LogLevel.Changes) when an `add`
   * of exactly `added` or a `remove` of exactly `removed` gets queued
   * (upstream's AddBreakpoint); see machine/breakpoints.ts.
   */
  addBreakpoint(bp: Breakpoint): void {
    const core = this.#core;
    core.breakpoints = [...(core.breakpoints ?? []), {
      added: bp.added?.slice(),
      removed: bp.removed?.slice(),
      strict: bp.strict,
    }];
  }

  /** Calls `fn(id)` once the machine is disposed. */
  onDispose(fn: (id: string) => void): void {
    this.#disposeHandlers.push(fn);
  }

  /**
   * Disposes the machine: removes `Start` if defined, waits for a running
   * queue, calls tracers' `machineDispose` once, rejects pending waits,
   * aborts state contexts and resolves `whenDisposed`. Later mutations
   * return Canceled, reads upstream's neutral values.
   */
  dispose(): void {
    const core = this.#core;
    if (core.disposing) return;
    if (core.index.has("Start") && this.is(["Start"]) && !core.queueProcessing) {
      this.remove(["Start" as StateName<N>]);
    }
    core.disposing = true;
    if (core.queueProcessing) core.finishDispose = () => this.#finishDispose();
    else this.#finishDispose();
  }

  /** Disposes at once, without waiting for a running queue (upstream's
   * DisposeForce): the transition running now is the last one. */
  disposeForce(): void {
    const core = this.#core;
    if (core.disposed) return;
    core.disposing = true;
    this.#finishDispose();
  }

  #finishDispose(): void {
    const core = this.#core;
    if (core.disposed) return;
    core.finishDispose = undefined;
    core.queue = [];
    trace(core, core.hooks.machineDispose, core.id);
    core.disposed = true;
    disposeSubscriptions(core);
    for (const fn of this.#disposeHandlers) {
      try {
        fn(core.id);
      } catch {
        // dispose handlers can't stop the disposal
      }
    }
    this.#resolveDisposed();
  }
}
