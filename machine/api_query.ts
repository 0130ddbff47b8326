/**
 * The read-only half of a machine's public surface: questions about its
 * states, clock, relations and queue. {@linkcode Api} extends it; it names
 * nothing of the handler/tracer/transition cluster, so it sits at the
 * bottom of machine/ with the data types.
 *
 * @module
 */

import type {
  LogArgsMapper,
  Mutation,
  Position,
  QueuedMatch,
  QueueQuery,
  Relation,
  S,
  Schema,
  StateName,
  SubscriptionCounts,
} from "./types.ts";

/**
 * State groups and their order, as set by `mach.setGroups`.
 *
 * @example Usage
 * ```ts
 * import { type Groups, Machine } from "@asyncmachine/telemetry/machine";
 * const mach = new Machine({ Foo: {}, Bar: {} });
 * mach.setGroups({ self: ["Foo"] });
 * const g: Groups = mach.groups(); // { groups: { self: [1] }, order: ["self"] }
 * ```
 */
export interface Groups {
  /** Group name to state indexes. */
  groups: Record<string, number[]>;
  /** Group names, ordered. */
  order: string[];
}

/**
 * A machine's state and clocks, as `mach.export()` writes them
 * and `mach.import()` reads them (upstream's `Serialized`).
 *
 * @example Usage
 * ```ts
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * const m1 = new Machine({ Foo: {} }, { id: "m1" });
 * m1.verifyStates(["Foo", "Exception"]);
 * m1.add(["Foo"]);
 * const m2 = new Machine({ Foo: {} }, { id: "m1" });
 * m2.import(m1.export());
 * m2.is(["Foo"]); // true
 * ```
 */
export interface Serialized {
  /** The machine's id. */
  id: string;
  /** State names, in index order. */
  stateNames: S;
  /** Ticks, in index order. */
  time: number[];
  /** The queue tick. */
  queueTick: number;
  /** How many times this state was imported before. */
  machineTick: number;
}

/**
 * What a machine answers without changing: its identity and settings, the
 * active states and ticks, relations, the queue and the schema (the query
 * part of upstream's `am.Api`). `Machine` implements it through
 * {@linkcode Api}; see `Machine` for each member's full description.
 *
 * @example Usage
 * ```ts
 * import { Machine, type MachineQueries } from "@asyncmachine/telemetry/machine";
 * const q: MachineQueries<"Foo"> = new Machine({ Foo: {} });
 * q.is1("Foo"); // false
 * ```
 */
export interface MachineQueries<N extends string = string> {
  /** The machine's id. */
  readonly id: string;
  /** The parent machine's id, or "". */
  readonly parentId: string;
  /** The machine's tags (a copy). */
  readonly tags: string[];
  /** The args mapper used for logs and telemetry, if any. */
  readonly logArgs: LogArgsMapper | undefined;
  /** Whether transitions record steps. */
  readonly stepsEnabled: boolean;
  /** How many times a tracer hook threw (each was isolated). */
  readonly tracerErrors: number;
  /** True once disposed. */
  readonly isDisposed: boolean;
  /** Whether the index order is fixed (verifyStates or import ran). */
  readonly statesVerified: boolean;
  /** How many times this machine's state was imported. */
  readonly machineTick: number;
  /** The maximum queue length. */
  readonly queueLimit: number;
  /** Whether the machine was created with `strict`. */
  readonly strict: boolean;
  /** Pending waits and live state contexts, by kind. */
  subscriptions(): SubscriptionCounts;
  /** True when every state is active (unknown states: false). */
  is(states: StateName<N>[] | S): boolean;
  /** `is` for one state. */
  is1(state: StateName<N>): boolean;
  /** True when none of the states is active. Throws on unknown states. */
  not(states: StateName<N>[] | S): boolean;
  /** `not` for one state. */
  not1(state: StateName<N>): boolean;
  /** True when any group of states is fully active. */
  any(...groups: StateName<N>[][]): boolean;
  /** True when any of the states is active. */
  any1(...states: StateName<N>[]): boolean;
  /** True when `Exception` is active. */
  isErr(): boolean;
  /** The last error passed to addErr or thrown by a handler. */
  err(): Error | undefined;
  /** Whether the states are defined (false once `dispose()` was called). */
  has(states: string[]): boolean;
  /** `has` for one state. */
  has1(state: string): boolean;
  /** The first state of the groups which is active, or "". */
  switch(...groups: StateName<N>[][]): StateName<N> | "";
  /** The tick of a state (odd = active); 0 for unknown states. */
  tick(state: StateName<N> | string): number;
  /** Ticks of the given states, or of all in index order (machine time). */
  time(states?: StateName<N>[] | S): number[];
  /** State name to tick, for the given states or all. */
  clock(states?: StateName<N>[] | S): Record<string, number>;
  /** Every state in `clock` has exactly that tick. */
  isClock(clock: Record<string, number>): boolean;
  /** The ticks of `states` (default: all, in index order) equal `time`. */
  isTime(time: number[], states?: StateName<N>[] | S): boolean;
  /** Active states in the order of the last transition's targets; with
   * `states`, those of them active, in their order. */
  activeStates(states?: StateName<N>[] | S): StateName<N>[];
  /** How many of `states` (default: all) are active. */
  countActive(states?: StateName<N>[] | S): number;
  /** State names, in index order. */
  stateNames(): StateName<N>[];
  /** The index of each state (-1 for unknown). */
  index(states: string[]): number[];
  /** The index of a state (-1 for unknown, or once disposed). */
  index1(state: string): number;
  /** The relation types `state` has: add, require, remove, after. */
  relationsOf(state: StateName<N>): Relation[];
  /** The relations from `from` to `to`. Throws on unknown states. */
  relationsBetween(from: StateName<N>, to: StateName<N>): Relation[];
  /** Per state: active, tick and relations (upstream's Inspect). */
  inspect(states?: StateName<N>[] | S): string;
  /** The current queue tick. */
  queueTick(): number;
  /** The number of queued mutations. */
  queueLen(): number;
  /** A copy of the queue. */
  queue(): Mutation[];
  /** Finds a queued mutation (upstream's IsQueued). */
  isQueued(query: QueueQuery): QueuedMatch;
  /** At least `threshold` matching mutations are queued. */
  isQueuedAbove(threshold: number, query: QueueQuery): boolean;
  /** An `add` of (at least) these states is queued. */
  willBe(states: StateName<N>[], position?: Position): boolean;
  /** `willBe` for one state. */
  willBe1(state: StateName<N>, position?: Position): boolean;
  /** An `add` of any of these states is queued. */
  willBeAny(states: StateName<N>[]): boolean;
  /** A `remove` of (at least) these states is queued. */
  willBeRemoved(states: StateName<N>[], position?: Position): boolean;
  /** `willBeRemoved` for one state. */
  willBeRemoved1(state: StateName<N>, position?: Position): boolean;
  /** A copy of the (sanitised) schema. */
  schema(): Schema;
  /** State groups (indexes) and their order, if set. */
  groups(): Groups;
  /** `(Foo:1 Bar:3)`: active states with ticks, in index order. */
  toString(): string;
  /** `(Foo:1) [Bar:2 Exception:0]`: all states, active first. */
  stringAll(): string;
}
