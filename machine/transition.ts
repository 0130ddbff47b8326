/**
 * A transition: one mutation resolved against the schema, negotiated with
 * handlers and applied to the clock. The public shape is the
 * {@linkcode Transition} interface (machine/api.ts); this module holds the
 * machine's implementation and the mutation and step printers.
 *
 * @module
 */

import type { Api, Transition } from "./api.ts";
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
import { StepRecord } from "./step.ts";
import { mutationTypeName, randId, timeSum } from "./utils.ts";

/** What a {@linkcode TransitionRecord} starts from (internal: the machine creates transitions). */
export interface TransitionInit {
  /** The machine executing the mutation. */
  machine: Api;
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
 * A transition being executed: the {@linkcode Transition} tracers and
 * handlers read, plus what the algorithm writes while resolving,
 * negotiating and applying it (internal: not exported from the package).
 */
export class TransitionRecord implements Transition {
  #id: string | undefined;
  /** The machine executing it. */
  readonly machine: Api;
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

  /** Indexes of {@linkcode TransitionRecord.targetStates}. */
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
   * from {@linkcode TransitionRecord.timeBefore} and
   * {@linkcode TransitionRecord.timeAfter} (see {@linkcode timeDiff}). Computed
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

  /** Names of {@linkcode TransitionRecord.diff}'s `added`: activated states, incl.
   * re-activated Multi ones, in index order (upstream's
   * GetTransitionStates `added`). */
  get statesAdded(): S {
    const d = this.diff;
    return (this.#added ??= d.added.map((i) => this.#names[i])).slice();
  }

  /** Names of {@linkcode TransitionRecord.diff}'s `removed`, in index order. */
  get statesRemoved(): S {
    const d = this.diff;
    return (this.#removed ??= d.removed.map((i) => this.#names[i])).slice();
  }

  /** Records a step. Internal to the machine. */
  addStep(from: string, to: string, type: StepType, relType: Relation | 0): void {
    this.steps.push(
      new StepRecord({
        type,
        relType,
        fromState: from,
        fromStateIdx: from === "" ? -1 : this.#index.get(from) ?? -1,
        toState: to,
        toStateIdx: to === "" ? -1 : this.#index.get(to) ?? -1,
      }),
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
 * `[add] Foo Bar` with states in index order (upstream's
 * `Mutation.StringFromIndex`).
 *
 * @example Usage
 * ```ts
 * import type { Mutation } from "@asyncmachine/telemetry/machine";
 * import { mutationString } from "./transition.ts";
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
 * import { StepType } from "@asyncmachine/telemetry/machine";
 * import { stepString } from "./transition.ts";
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
