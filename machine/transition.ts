/**
 * A transition: one mutation resolved against the schema, negotiated with
 * handlers and applied to the clock.
 *
 * @module
 */

import type { Machine } from "./machine.ts";
import {
  type LogEntry,
  MutationType,
  type Relation,
  type S,
  type Step,
  StepType,
} from "./types.ts";
import type { Mutation } from "./types.ts";
import { relationName, stepTypeName } from "./names.ts";
import { StateHealthcheck, StateHeartbeat } from "./states.ts";
import { type TimeDiff, timeDiff } from "./time_diff.ts";
import { mutationTypeName, randId, timeSum } from "./utils.ts";

/**
 * What a {@linkcode Transition} starts from.
 *
 * @example Usage
 * ```ts
 * import { Machine, MutationType, Transition, type TransitionInit } from "@asyncmachine/telemetry/machine";
 * const machine = new Machine({ Foo: {} });
 * const init: TransitionInit = {
 *   machine, names: machine.stateNames(), index: new Map([["Exception", 0], ["Foo", 1]]),
 *   mutation: { type: MutationType.Add, called: [1], args: {}, auto: false, isCheck: true,
 *     queueLen: 0, queueTick: 0, queueToken: 0, queueTickNow: 0 },
 *   timeBefore: machine.time(), statesBefore: [], stepsOn: false, id: "0123456789abcdef",
 * };
 * new Transition(init).mutationString; // "[add] Foo"
 * ```
 */
export interface TransitionInit {
  /** The machine executing the mutation. */
  machine: Machine;
  /** The mutation. */
  mutation: Mutation;
  /** The machine's state names, in index order. */
  names: S;
  /** Names to indexes. */
  index: Map<string, number>;
  /** The machine time now. */
  timeBefore: number[];
  /** The active states now. */
  statesBefore: S;
  /** Record steps. */
  stepsOn: boolean;
  /** The transition id; when omitted, a random one (16 hex characters) is
   * drawn on first read. */
  id?: string;
}

/**
 * One mutation being executed. Tracers receive it in every transition hook;
 * fields fill in as the transition progresses (see the {@linkcode Tracer}
 * hook order).
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
export class Transition {
  #id: string | undefined;
  /** The machine executing it. */
  readonly machine: Machine;
  /** The mutation which caused it. */
  readonly mutation: Mutation;
  /** Called states, in call order. */
  readonly calledStates: S;
  /** Steps taken so far (when the machine records steps). */
  readonly steps: StepRecord[] = [];
  /** Machine time (ticks in index order) before. */
  readonly timeBefore: number[];
  /** Machine time after: predicted until finals, then real; for canceled
   * transitions equal to `timeBefore`. */
  timeAfter: number[];
  /** States active after the transition, in handler order. */
  targetStates: S = [];
  /** States activated (Enter/State handlers run for them). */
  enters: S = [];
  /** States deactivated (Exit/End handlers run for them). */
  exits: S = [];
  /** Active states before, in the machine's active order. */
  readonly statesBefore: S;
  /** Accepted so far (false once canceled). */
  accepted = true;
  /** All phases done; log lines now go to the next transition. */
  isCompleted = false;
  /** Log entries produced during the transition. */
  readonly logEntries: LogEntry[] = [];
  /** Log entries produced between the previous transition and this one. */
  preLogEntries: LogEntry[] = [];
  /** Queue length once the transition ended. */
  queueLen = 0;
  /** Steps are being recorded. */
  readonly stepsOn: boolean;
  #index: Map<string, number>;
  #names: S;
  #diff: TimeDiff | undefined;
  #diffOf: number[] | undefined;
  #added: S | undefined;
  #removed: S | undefined;

  /**
   * Created by the machine for every mutation it executes.
   *
   * @param init The machine, the mutation and the machine's state now.
   */
  constructor(init: TransitionInit) {
    this.#id = init.id;
    this.machine = init.machine;
    this.mutation = init.mutation;
    this.#names = init.names;
    this.#index = init.index;
    this.timeBefore = init.timeBefore;
    this.timeAfter = init.timeBefore;
    this.statesBefore = init.statesBefore;
    this.stepsOn = init.stepsOn;
    this.calledStates = init.mutation.called.map((i) => init.names[i]);
  }

  /** Unique id, 16 hex characters (drawn when first read: most are never). */
  get id(): string {
    return this.#id ??= randId(16);
  }

  /** Indexes of {@linkcode Transition.targetStates}. */
  get targetIndexes(): number[] {
    return this.targetStates.map((s) => this.#index.get(s)!);
  }

  /** The mutation's type. */
  get type(): MutationType {
    return this.mutation.type;
  }

  /** The mutation's arguments. */
  get args(): Record<string, unknown> {
    return this.mutation.args;
  }

  /** Caused by Auto states (can't cause another auto transition). */
  get isAuto(): boolean {
    return this.mutation.auto;
  }

  /** A health transition: a single-state `add` of {@linkcode StateHealthcheck}
   * or {@linkcode StateHeartbeat} (upstream's `Transition.IsHealth`). Auto
   * states don't follow it. */
  get isHealth(): boolean {
    const c = this.mutation.called;
    if (this.mutation.type !== MutationType.Add || c.length !== 1) return false;
    const name = this.#names[c[0]];
    return name === StateHealthcheck || name === StateHeartbeat;
  }

  /** The states activated and deactivated, by index in index order, read
   * from {@linkcode Transition.timeBefore} and
   * {@linkcode Transition.timeAfter} (see {@linkcode timeDiff}). Computed
   * once per `timeAfter` (final once `transitionFinals` ran). */
  get diff(): TimeDiff {
    const after = this.timeAfter;
    if (this.#diffOf !== after || !this.#diff) {
      this.#diff = timeDiff(this.timeBefore, after);
      this.#diffOf = after;
      this.#added = this.#removed = undefined;
    }
    return this.#diff;
  }

  /** Names of {@linkcode Transition.diff}'s `added`: activated states, incl.
   * re-activated Multi ones, in index order (upstream's
   * GetTransitionStates `added`). */
  get statesAdded(): S {
    const d = this.diff;
    return (this.#added ??= d.added.map((i) => this.#names[i])).slice();
  }

  /** Names of {@linkcode Transition.diff}'s `removed`, in index order. */
  get statesRemoved(): S {
    const d = this.diff;
    return (this.#removed ??= d.removed.map((i) => this.#names[i])).slice();
  }

  /** Records a step. Internal to the machine. */
  addStep(from: string, to: string, type: StepType, relType: Relation | 0): void {
    this.steps.push(
      new StepRecord(
        type,
        relType,
        from,
        from === "" ? -1 : this.#index.get(from) ?? -1,
        to,
        to === "" ? -1 : this.#index.get(to) ?? -1,
      ),
    );
  }

  /** The machine time (sum of ticks) before. */
  get timeSumBefore(): number {
    return timeSum(this.timeBefore);
  }

  /** `[add] Foo Bar`: the mutation with states in index order. */
  get mutationString(): string {
    return mutationString(this.mutation, this.#names);
  }

  /** `tx#<id>`, the mutation and its steps, as upstream's `String()`. */
  toString(): string {
    const lines = this.steps.map((s) => stepString(s, this.#names));
    const src = this.mutation.source;
    const source = src ? `\nsource: [${src.txId}](${src.machId}/${src.txId}/t${src.machTime})` : "";
    return `tx#${this.id}\n${this.mutationString}${source}` +
      (lines.length ? "\n- " + lines.join("\n- ") : "");
  }
}

/**
 * A {@linkcode Step} stored under upstream's Go field names (`Type`,
 * `RelType`, `FromState`, …), so debugger messages (JSON and gob) carry
 * steps without copying them; read and write it through the camelCase
 * {@linkcode Step} accessors.
 *
 * @example Usage
 * ```ts
 * import { StepRecord, StepType } from "@asyncmachine/telemetry/machine";
 * const s = new StepRecord(StepType.Requested, 0, "", -1, "Foo", 0);
 * s.toState; // "Foo"
 * JSON.stringify(s); // {"Type":32,"RelType":0,"IsFinal":false,...}
 * ```
 */
export class StepRecord implements Step {
  /** StepType flags (Go's `Type`). */
  Type: StepType;
  /** Relation (Go's `RelType`). */
  RelType: Relation;
  /** Final handler. */
  IsFinal = false;
  /** Self handler. */
  IsSelf = false;
  /** Entering handler. */
  IsEnter = false;
  /** Source state. */
  FromState: string;
  /** Source index, -1 for none. */
  FromStateIdx: number;
  /** Target state. */
  ToState: string;
  /** Target index, -1 for none. */
  ToStateIdx: number;

  /**
   * A step.
   *
   * @param type Step type.
   * @param relType Relation (relation steps).
   * @param from Source state or "".
   * @param fromIdx Source index or -1.
   * @param to Target state or "".
   * @param toIdx Target index or -1.
   */
  constructor(
    type: StepType,
    relType: Relation | 0,
    from: string,
    fromIdx: number,
    to: string,
    toIdx: number,
  ) {
    this.Type = type;
    this.RelType = relType;
    this.FromState = from;
    this.FromStateIdx = fromIdx;
    this.ToState = to;
    this.ToStateIdx = toIdx;
  }

  /** What happened. */
  get type(): StepType {
    return this.Type;
  }
  set type(v: StepType) {
    this.Type = v;
  }
  /** Relation of relation steps. */
  get relType(): Relation {
    return this.RelType;
  }
  set relType(v: Relation) {
    this.RelType = v;
  }
  /** A final handler (State/End). */
  get isFinal(): boolean {
    return this.IsFinal;
  }
  set isFinal(v: boolean) {
    this.IsFinal = v;
  }
  /** A self handler (FooFoo). */
  get isSelf(): boolean {
    return this.IsSelf;
  }
  set isSelf(v: boolean) {
    this.IsSelf = v;
  }
  /** An entering handler (Enter/State). */
  get isEnter(): boolean {
    return this.IsEnter;
  }
  set isEnter(v: boolean) {
    this.IsEnter = v;
  }
  /** Source state, or "". */
  get fromState(): string {
    return this.FromState;
  }
  set fromState(v: string) {
    this.FromState = v;
  }
  /** Source index, -1 when none. */
  get fromStateIdx(): number {
    return this.FromStateIdx;
  }
  set fromStateIdx(v: number) {
    this.FromStateIdx = v;
  }
  /** Target state, or "". */
  get toState(): string {
    return this.ToState;
  }
  set toState(v: string) {
    this.ToState = v;
  }
  /** Target index, -1 when none. */
  get toStateIdx(): number {
    return this.ToStateIdx;
  }
  set toStateIdx(v: number) {
    this.ToStateIdx = v;
  }
}

/**
 * `[add] Foo Bar` with states in index order (upstream's
 * `Mutation.StringFromIndex`).
 *
 * @example Usage
 * ```ts
 * import { mutationString, type Mutation } from "@asyncmachine/telemetry/machine";
 * const mut = { type: 0, called: [1, 0] } as Mutation;
 * mutationString(mut, ["A", "B"]); // "[add] A B"
 * ```
 */
export function mutationString(mut: Mutation, names: readonly string[]): string {
  const called = [...new Set(mut.called)].sort((a, b) => a - b).map((i) => names[i]);
  return `[${mutationTypeName(mut.type)}] ${called.join(" ")}`;
}

/**
 * A step as upstream prints it, e.g. `**Foo** require **Bar**` or
 * `handler **Foo**Enter`.
 *
 * @example Usage
 * ```ts
 * import { stepString, StepType } from "@asyncmachine/telemetry/machine";
 * stepString({
 *   type: StepType.Requested, relType: 0, isFinal: false, isSelf: false, isEnter: false,
 *   fromState: "", fromStateIdx: -1, toState: "Foo", toStateIdx: 0,
 * }, ["Foo"]); // "called **Foo**"
 * ```
 */
export function stepString(step: Step, names: readonly string[]): string {
  let from = step.fromState ||
    (step.fromStateIdx >= 0 && step.fromStateIdx < names.length ? names[step.fromStateIdx] : "");
  let to = step.toState ||
    (step.toStateIdx >= 0 && step.toStateIdx < names.length ? names[step.toStateIdx] : "");
  if (!from && !to) to = "Any";
  if (from) from = `**${from}**`;
  if (to) to = `**${to}**`;
  const line = from && to ? `${from} ${relationName(step.relType)} ${to}` : from || to;
  if (step.type === StepType.Relation) return line;
  let suffix = "";
  if (step.type === StepType.Handler) {
    if (step.isSelf) suffix = line;
    else if (step.isFinal) suffix = step.isEnter ? "State" : "End";
    else suffix = step.isEnter ? "Enter" : "Exit";
  }
  return `${stepTypeName(step.type)} ${line}${suffix}`;
}
