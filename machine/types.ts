/**
 * Data types shared by the machine core and every exporter (the bottom
 * layer of machine/: it imports nothing). Numeric values match
 * asyncmachine-go's, because they go over the wire to debuggers.
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

/**
 * A breakpoint: the states an `add` (`added`) or `remove` (`removed`)
 * mutation calls, in order.
 *
 * @example Usage
 * ```ts
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * const mach = new Machine({ A: {}, B: {} }, { logLevel: 2, logger: (_l, t) => console.log(t) });
 * mach.addBreakpoint({ added: ["A"] });
 * mach.add(["A"]); // logs "[breakpoint] Machine.breakpoint"
 * ```
 */
export interface Breakpoint {
  /** States of an `add`. */
  added?: S;
  /** States of a `remove`. */
  removed?: S;
  /** Skip it when the added states are active already, or the removed
   * ones inactive. */
  strict?: boolean;
}

/** Receives every log line at or below the machine's level. */
export type Logger = (level: LogLevel, text: string) => void;

/** A log listener: the line, and the message without the `[id5] ` prefix. */
export type LogListener = (level: LogLevel, text: string, msg: string) => void;

/** Maps mutation args to printable strings, for logs and telemetry. */
export type LogArgsMapper = (args: A) => Record<string, string> | undefined;

/** Counts of pending waits and live state contexts, by kind. */
export interface SubscriptionCounts {
  /** `when`, `whenNot`, `when1`, `whenErr`. */
  when: number;
  /** `whenTime`, `whenTicks`. */
  whenTime: number;
  /** `whenArgs`. */
  whenArgs: number;
  /** `whenQuery`. */
  whenQuery: number;
  /** `whenQueue`. */
  whenQueue: number;
  /** `whenQueueEnds`. */
  whenQueueEnds: number;
  /** `newStateCtx` signals not aborted yet. */
  stateCtx: number;
}

/**
 * Where `mach.isQueued` looks in the queue (upstream's `Position`).
 *
 * @example Usage
 * ```ts
 * import { Position } from "@asyncmachine/telemetry/machine";
 * Position.Last; // 2
 * ```
 */
export enum Position {
  /** Anywhere. */
  Any = 0,
  /** Only the first mutation. */
  First = 1,
  /** Only the last mutation. */
  Last = 2,
}

/**
 * A queue query (upstream's `IsQueued` arguments).
 *
 * @example Usage
 * ```ts
 * import { MutationType, type QueueQuery } from "@asyncmachine/telemetry/machine";
 * const q: QueueQuery = { type: MutationType.Add, states: ["Foo"], withoutArgsOnly: true };
 * ```
 */
export interface QueueQuery {
  /** The mutation type. */
  type: MutationType;
  /** Called states the mutation has to include (all of them). */
  states: S;
  /** Only mutations without args. */
  withoutArgsOnly?: boolean;
  /** Called states equal `states` (not a superset). */
  statesStrictEqual?: boolean;
  /** Only mutations queued for this queue tick or later. */
  minQueueTick?: number;
  /** Match check mutations (`canAdd`…) instead of real ones. */
  isCheck?: boolean;
  /** Where to look; default anywhere. */
  position?: Position;
}

/**
 * The answer of `mach.isQueued`.
 *
 * @example Usage
 * ```ts
 * import type { QueuedMatch } from "@asyncmachine/telemetry/machine";
 * const m: QueuedMatch = { found: true, index: 0, queueTick: 3 };
 * ```
 */
export interface QueuedMatch {
  /** A matching mutation is queued. */
  found: boolean;
  /** Its position in the (searched part of the) queue; 0 when not found. */
  index: number;
  /** Its queue tick; 0 when not found or prepended. */
  queueTick: number;
}
