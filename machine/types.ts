/**
 * Data types shared by the machine core and every exporter. Numeric values
 * match asyncmachine-go's, because they go over the wire to debuggers.
 *
 * @module
 */

/** State names, a list. */
export type S = string[];

/** Mutation arguments, passed to handlers and (mapped) to telemetry. */
export type A = Record<string, unknown>;

/**
 * One state's definition: its flags and its relations to other states.
 * `N` names the schema's states, so a relation to a missing state is a
 * compile error when the schema is a literal.
 *
 * @example Usage
 * ```ts
 * import type { State } from "@asyncmachine/telemetry/machine";
 * const foo: State<"Foo" | "Bar"> = { require: ["Bar"], after: ["Bar"] };
 * ```
 */
export interface State<N extends string = string> {
  /** Activated automatically after any accepted transition. */
  auto?: boolean;
  /** Can be activated again while active (ticks twice). */
  multi?: boolean;
  /** States which have to be active (or activated) for this one. */
  require?: readonly N[];
  /** States activated together with this one. */
  add?: readonly N[];
  /** States deactivated by this one. */
  remove?: readonly N[];
  /** States whose handlers run before this one's. */
  after?: readonly N[];
  /** Free-form tags, "key" or "key:value". */
  tags?: readonly string[];
}

/**
 * A machine's schema: state name to its definition. With a literal schema,
 * `new Machine(schema)` infers the state names `N`: relations may only name
 * them (or `Exception`, which every machine has), and unknown keys in a
 * state (`requires`) are compile errors.
 *
 * @example Usage
 * ```ts
 * import type { Schema } from "@asyncmachine/telemetry/machine";
 * const schema: Schema = { Foo: { require: ["Bar"] }, Bar: {} };
 * const typed: Schema<"Foo" | "Bar"> = { Foo: { require: ["Bar"] }, Bar: {} };
 * ```
 */
export type Schema<N extends string = string> = {
  [K in N]: State<NoInfer<N> | "Exception">;
};

/**
 * A state name of a machine whose schema names `N`: one of them or
 * `Exception`.
 *
 * @example Usage
 * ```ts
 * import type { StateName } from "@asyncmachine/telemetry/machine";
 * const s: StateName<"Foo"> = "Exception";
 * ```
 */
export type StateName<N extends string = string> = N | "Exception";

/**
 * Mutation types, numbered as upstream (`am.MutationType`).
 *
 * @example Usage
 * ```ts
 * import { MutationType } from "@asyncmachine/telemetry/machine";
 * MutationType[MutationType.Add]; // "Add"
 * ```
 */
export enum MutationType {
  /** Activate states. */
  Add = 0,
  /** Deactivate states. */
  Remove = 1,
  /** Activate exactly these states (deactivating others). */
  Set = 2,
}

/**
 * Relation types, numbered as upstream (`am.Relation`).
 *
 * @example Usage
 * ```ts
 * import { Relation } from "@asyncmachine/telemetry/machine";
 * Relation.Require; // 2
 * ```
 */
export enum Relation {
  /** Handler ordering. */
  After = 0,
  /** Activates the target. */
  Add = 1,
  /** Needs the target. */
  Require = 2,
  /** Deactivates the target. */
  Remove = 3,
}

/**
 * Step types, bit flags as upstream (`am.StepType`).
 *
 * @example Usage
 * ```ts
 * import { StepType } from "@asyncmachine/telemetry/machine";
 * StepType.Handler; // 2
 * ```
 */
export enum StepType {
  /** A relation was checked. */
  Relation = 1,
  /** A handler ran. */
  Handler = 2,
  /** A state is to be activated. */
  Set = 4,
  /** A state is to be deactivated. */
  Remove = 8,
  /** An inactive state was dropped from the targets. */
  RemoveNotActive = 16,
  /** A state was called by the mutation. */
  Requested = 32,
  /** The transition was canceled by this state. */
  Cancel = 64,
}

/**
 * Log levels, as upstream (`am.LogLevel`). Debuggers need at least `Ops`.
 *
 * @example Usage
 * ```ts
 * import { LogLevel } from "@asyncmachine/telemetry/machine";
 * LogLevel.Ops; // 3
 * ```
 */
export enum LogLevel {
  /** No log. */
  Nothing = 0,
  /** Only messages from `mach.log()`. */
  External = 1,
  /** State changes. */
  Changes = 2,
  /** Mutations, handlers, relations. */
  Ops = 3,
  /** Resolver decisions. */
  Decisions = 4,
  /** Everything. */
  Everything = 5,
}

/**
 * The result of a mutation. A value of `Queued` or more is the queue tick
 * at which the mutation will run, as upstream.
 *
 * @example Usage
 * ```ts
 * import { Machine, Result } from "@asyncmachine/telemetry/machine";
 * const mach = new Machine({ Foo: {} });
 * mach.add(["Foo"]) === Result.Executed; // true
 * ```
 */
export enum Result {
  /** The transition was accepted and executed. */
  Executed = 0,
  /** The transition was canceled. */
  Canceled = 1,
  /** The mutation was queued (values above are queue ticks). */
  Queued = 2,
}

/**
 * One step of a transition, in upstream's shape (`am.Step`).
 *
 * @example Usage
 * ```ts
 * import { type Step, StepType } from "@asyncmachine/telemetry/machine";
 * const s: Step = {
 *   type: StepType.Requested, relType: 0, isFinal: false, isSelf: false,
 *   isEnter: false, fromState: "", fromStateIdx: -1, toState: "Foo", toStateIdx: 0,
 * };
 * ```
 */
export interface Step {
  /** What happened. */
  type: StepType;
  /** For relation steps, which relation. */
  relType: Relation;
  /** For handler steps: a final handler (State/End). */
  isFinal: boolean;
  /** For handler steps: a self handler (FooFoo). */
  isSelf: boolean;
  /** For handler steps: an entering handler (Enter/State). */
  isEnter: boolean;
  /** Source state, or "". */
  fromState: string;
  /** Source state's index, -1 when none. */
  fromStateIdx: number;
  /** Target state, or "". */
  toState: string;
  /** Target state's index, -1 when none. */
  toStateIdx: number;
}

/**
 * One log line, with its level.
 *
 * @example Usage
 * ```ts
 * import { type LogEntry, LogLevel } from "@asyncmachine/telemetry/machine";
 * const e: LogEntry = { level: LogLevel.Changes, text: "[state] +Foo" };
 * ```
 */
export interface LogEntry {
  /** The entry's level. */
  level: LogLevel;
  /** The text, with the machine id prefix when `logId` is on. */
  text: string;
}

/**
 * Where a mutation came from, when another transition caused it.
 *
 * @example Usage
 * ```ts
 * import type { MutSource } from "@asyncmachine/telemetry/machine";
 * const src: MutSource = { machId: "m1", txId: "abc", machTime: 3 };
 * ```
 */
export interface MutSource {
  /** Source machine id. */
  machId: string;
  /** Source transition id. */
  txId: string;
  /** Source machine time (sum of ticks) before that transition. */
  machTime: number;
}

/**
 * A requested change of states, queued and then executed as a transition.
 *
 * @example Usage
 * ```ts
 * import { Machine, type Mutation } from "@asyncmachine/telemetry/machine";
 * const mach = new Machine({ Foo: {} });
 * mach.bindTracer({ id: "t", mutationQueued(_m, mut: Mutation) { mut.queueTick; } });
 * ```
 */
export interface Mutation {
  /** add, remove or set. */
  type: MutationType;
  /** Called state indexes. */
  called: number[];
  /** Arguments (never null). */
  args: A;
  /** An automatic mutation (Auto states). */
  auto: boolean;
  /** A dry-run check; never set by this core (kept for the wire). */
  isCheck: boolean;
  /** The transition which caused it, if any. */
  source?: MutSource;
  /** Queue length right after it was queued. */
  queueLen: number;
  /** The queue tick it runs at; 0 for prepended mutations. */
  queueTick: number;
  /** The token of a prepended mutation, else 0. */
  queueToken: number;
  /** The machine's queue tick when it was queued. */
  queueTickNow: number;
}
