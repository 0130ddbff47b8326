/**
 * The state machine: a TypeScript port of asyncmachine-go's `Machine`.
 *
 * @module
 */

import { type Core, log, type Logger, type LogListener, setTracers, trace } from "./core.ts";
import { type HandlerEvent, newBinding, toError } from "./handlers.ts";
import { parseStates, processQueue, queueMutation } from "./queue.ts";
import { buildTopology } from "./resolver.ts";
import { cloneSchema, parseSchema } from "./schema.ts";
import type { Tracer } from "./tracer.ts";
import type { Transition } from "./transition.ts";
import {
  type A,
  LogLevel,
  type Mutation,
  MutationType,
  Result,
  type S,
  type Schema,
} from "./types.ts";
import { LOG_ARGS, type LogArgsMapper, newLogArgsMapper, randId } from "./utils.ts";

export type { Logger, LogListener };

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
  parent?: Machine;
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
}

/** Options of {@linkcode Machine.bindHandlers}. */
export interface BindOptions {
  /** Binding id, used as the `emitter` of handler hooks. */
  id?: string;
}

/** State groups and their order, as set by {@linkcode Machine.setGroups}. */
export interface Groups {
  /** Group name to state indexes. */
  groups: Record<string, number[]>;
  /** Group names, ordered. */
  order: string[];
}

/**
 * A state machine with relations, a clock, a queue, handlers and tracer
 * hooks, with asyncmachine-go's semantics.
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
 */
export class Machine {
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
  constructor(schema: Schema, opts: MachineOptions = {}) {
    const parsed = parseSchema(schema);
    if (!parsed.schema.Exception) parsed.schema.Exception = { multi: true };
    const names = Object.keys(parsed.schema).sort();
    const id = opts.id ?? randId(16);
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
      tracers: [],
      hooks: undefined as unknown as Core["hooks"],
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

  // ---- mutations

  #guard(): void {
    if (this.#core.disposing) throw new Error(`machine ${this.#core.id} is disposed`);
  }

  #mutate(type: MutationType, states: S, args: A | undefined, e?: HandlerEvent): Result {
    const core = this.#core;
    const tick = queueMutation(core, type, states, args, e);
    if (tick === 0) return Result.Executed;
    const res = processQueue(core);
    return res === Result.Queued ? tick : res;
  }

  #queueFull(states: S): boolean {
    const core = this.#core;
    if (core.queue.length < core.queueLimit) return false;
    // let Exception in even with a full queue, but only once
    return !states.includes("Exception") || this.isErr();
  }

  /**
   * Activates states. Returns Executed, Canceled, or (when called during a
   * transition) the queue tick it will run at (≥ Result.Queued).
   */
  add(states: S, args?: A): Result {
    this.#guard();
    if (this.#queueFull(states)) return Result.Canceled;
    return this.#mutate(MutationType.Add, states, args);
  }

  /** {@linkcode Machine.add} for one state. */
  add1(state: string, args?: A): Result {
    return this.add([state], args);
  }

  /** Deactivates states. */
  remove(states: S, args?: A): Result {
    this.#guard();
    if (this.#queueFull(states)) return Result.Canceled;
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
  remove1(state: string, args?: A): Result {
    return this.remove([state], args);
  }

  /** Activates exactly these states, deactivating the others. */
  set(states: S, args?: A): Result {
    this.#guard();
    if (this.#core.queue.length >= this.#core.queueLimit) return Result.Canceled;
    return this.#mutate(MutationType.Set, states, args);
  }

  /** Removes the states when all are active, adds them otherwise. */
  toggle(states: S, args?: A): Result {
    return this.is(states) ? this.remove(states, args) : this.add(states, args);
  }

  /** {@linkcode Machine.toggle} for one state. */
  toggle1(state: string, args?: A): Result {
    return this.toggle([state], args);
  }

  /** Adds `Exception` with `err` in args. */
  addErr(err: unknown, args?: A): Result {
    return this.addErrState("Exception", err, args);
  }

  /** Adds `state` and `Exception` with `err` in args. */
  addErrState(state: string, err: unknown, args?: A): Result {
    this.#guard();
    const core = this.#core;
    if (err === undefined || err === null || core.queue.length >= core.queueLimit) {
      return Result.Canceled;
    }
    const error = toError(err);
    core.err = error;
    const states = state === "Exception" ? ["Exception"] : [state, "Exception"];
    return this.add(states, { ...args, err: error, errTrace: error.stack });
  }

  /** {@linkcode Machine.add} with the handler event as the mutation's source. */
  evAdd(e: HandlerEvent, states: S, args?: A): Result {
    this.#guard();
    if (this.#core.queue.length >= this.#core.queueLimit) return Result.Canceled;
    return this.#mutate(MutationType.Add, states, args, e);
  }

  /** {@linkcode Machine.evAdd} for one state. */
  evAdd1(e: HandlerEvent, state: string, args?: A): Result {
    return this.evAdd(e, [state], args);
  }

  /** {@linkcode Machine.remove} with the handler event as the source. */
  evRemove(e: HandlerEvent, states: S, args?: A): Result {
    this.#guard();
    if (this.#core.queue.length >= this.#core.queueLimit) return Result.Canceled;
    return this.#removeMut(states, args, e);
  }

  /** {@linkcode Machine.evRemove} for one state. */
  evRemove1(e: HandlerEvent, state: string, args?: A): Result {
    return this.evRemove(e, [state], args);
  }

  /** {@linkcode Machine.addErr} with the handler event as the source. */
  evAddErr(e: HandlerEvent, err: unknown, args?: A): Result {
    this.#guard();
    const error = toError(err);
    this.#core.err = error;
    return this.evAdd(e, ["Exception"], { ...args, err: error, errTrace: error.stack });
  }

  // ---- queries

  /** True when every state is active (unknown states: false). */
  is(states: S): boolean {
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
  is1(state: string): boolean {
    return this.is([state]);
  }

  /** True when none of the states is active. Throws on unknown states. */
  not(states: S): boolean {
    const core = this.#core;
    if (core.disposed) return false;
    return !parseStates(core, states).some((s) => core.active.includes(s));
  }

  /** {@linkcode Machine.not} for one state. */
  not1(state: string): boolean {
    return this.not([state]);
  }

  /** True when any group of states is fully active. */
  any(...groups: S[]): boolean {
    return groups.some((g) => this.is(g));
  }

  /** True when any of the states is active. */
  any1(...states: string[]): boolean {
    return states.some((s) => this.is([s]));
  }

  /** True when `Exception` is active. */
  isErr(): boolean {
    return this.is(["Exception"]);
  }

  /** The last error passed to addErr or thrown by a handler. */
  err(): Error | undefined {
    return this.#core.err;
  }

  /** Whether the states are defined. */
  has(states: S): boolean {
    return states.every((s) => this.#core.index.has(s));
  }

  /** {@linkcode Machine.has} for one state. */
  has1(state: string): boolean {
    return this.#core.index.has(state);
  }

  /** The tick of a state (odd = active); 0 for unknown states. */
  tick(state: string): number {
    const idx = this.#core.index.get(state);
    return idx === undefined ? 0 : this.#core.clock[idx];
  }

  /** Ticks of the given states, or of all in index order (machine time). */
  time(states?: S): number[] {
    const core = this.#core;
    if (core.disposed) return [];
    if (!states) return core.clock.slice();
    return states.map((s) => this.tick(s));
  }

  /** State name to tick, for the given states or all. */
  clock(states?: S): Record<string, number> {
    const ret: Record<string, number> = {};
    for (const s of states ?? this.#core.names) ret[s] = this.tick(s);
    return ret;
  }

  /** Active states, in the order of the last transition's targets. */
  activeStates(): S {
    return this.#core.active.slice();
  }

  /** State names, in index order. */
  stateNames(): S {
    return this.#core.names.slice();
  }

  /** The index of each state (-1 for unknown). */
  index(states: S): number[] {
    return states.map((s) => this.#core.index.get(s) ?? -1);
  }

  /** The index of a state (-1 for unknown). */
  index1(state: string): number {
    return this.#core.index.get(state) ?? -1;
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
  setGroups(groups: Record<string, S>, order: string[] = Object.keys(groups)): void {
    const out: Record<string, number[]> = {};
    for (const [name, states] of Object.entries(groups)) {
      out[name] = parseStates(this.#core, states).map((s) => this.#core.index.get(s)!);
    }
    this.#groups = { groups: out, order: [...order] };
  }

  /** `(Foo:1 Bar:3)`: active states with ticks, in index order. */
  toString(): string {
    const c = this.#core;
    return "(" + c.names.filter((s) => c.active.includes(s)).map((s) => `${s}:${this.tick(s)}`)
      .join(" ") +
      ")";
  }

  /** `(Foo:1) [Bar:2 Exception:0]`: all states, active first. */
  stringAll(): string {
    const c = this.#core;
    const fmt = (s: string) => `${s}:${this.tick(s)}`;
    const active = c.names.filter((s) => c.active.includes(s)).map(fmt);
    const inactive = c.names.filter((s) => !c.active.includes(s)).map(fmt);
    return `(${active.join(" ")}) [${inactive.join(" ")}]`;
  }

  // ---- schema

  /**
   * Fixes the order of state indexes. Must list every state once.
   * Throws on unknown or missing states.
   */
  verifyStates(names: S): void {
    const core = this.#core;
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
    if (!core.disposing) trace(core, core.hooks.verifyStates, this);
  }

  /**
   * Replaces the schema with one of more states (existing states keep their
   * ticks). `names` orders the index; by default the old order, then the
   * new states sorted.
   */
  setSchema(schema: Schema, names?: S): void {
    const core = this.#core;
    this.#guard();
    if (core.tx) throw new Error(`machine ${core.id}: cannot set schema during a transition`);
    const parsed = parseSchema(schema);
    if (parsed.errors.length) throw new Error(`schema: ${parsed.errors.join("; ")}`);
    if (!parsed.schema.Exception) parsed.schema.Exception = { multi: true };
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
    if (!core.disposing) trace(core, core.hooks.schemaChange, this, old);
  }

  // ---- handlers and tracers

  /**
   * Binds an object of handlers: `FooEnter`/`FooExit` (return false to
   * cancel), `FooState`/`FooEnd`, `FooFoo`, `FooBar`, `AnyEnter`,
   * `AnyState`. Returns the binding id.
   */
  bindHandlers(handlers: object, opts: BindOptions = {}): string {
    this.#guard();
    const core = this.#core;
    if (typeof handlers !== "object" || handlers === null) {
      throw new TypeError("bindHandlers expects an object of handler functions");
    }
    const id = opts.id?.replace(/[^a-zA-Z0-9\-_.]+/g, "") || "anon-" + randId(4);
    const first = !core.hasHandlers;
    const binding = newBinding(handlers, id, core.nextBindingNum++);
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

  /**
   * Binds a tracer and calls its `machineInit`. Binding the same tracer
   * again is a no-op; another tracer with a bound id is an error.
   */
  bindTracer(tracer: Tracer): void {
    this.#guard();
    const core = this.#core;
    if (typeof tracer?.id !== "string" || tracer.id === "") {
      throw new TypeError("bindTracer: a tracer needs a non-empty string id");
    }
    if (core.tracers.includes(tracer)) return;
    if (core.tracers.some((t) => t.id === tracer.id)) {
      throw new Error(`machine ${core.id}: tracer ${tracer.id} already bound`);
    }
    setTracers(core, [...core.tracers, tracer]);
    log(core, LogLevel.Ops, `[tracers] bind ${tracer.id}`);
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

  /** Calls `fn(id)` once the machine is disposed. */
  onDispose(fn: (id: string) => void): void {
    this.#disposeHandlers.push(fn);
  }

  /**
   * Disposes the machine: removes `Start` if defined, waits for a running
   * queue, calls tracers' `machineDispose` once and resolves
   * `whenDisposed`. Later mutations throw.
   */
  dispose(): void {
    const core = this.#core;
    if (core.disposing) return;
    if (core.index.has("Start") && this.is(["Start"]) && !core.queueProcessing) {
      this.remove(["Start"]);
    }
    core.disposing = true;
    const finish = () => {
      core.finishDispose = undefined;
      core.queue = [];
      trace(core, core.hooks.machineDispose, core.id);
      core.disposed = true;
      for (const fn of this.#disposeHandlers) {
        try {
          fn(core.id);
        } catch {
          // dispose handlers can't stop the disposal
        }
      }
      this.#resolveDisposed();
    };
    if (core.queueProcessing) core.finishDispose = finish;
    else finish();
  }
}
