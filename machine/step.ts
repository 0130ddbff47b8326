/**
 * A transition's step as debuggers read it: {@linkcode StepRecord}, the
 * {@linkcode Step} shape under upstream's Go field names.
 *
 * @module
 */

import type { Relation, Step, StepType } from "./types.ts";

/**
 * A {@linkcode Step} stored under upstream's Go field names (`Type`,
 * `RelType`, `FromState`, …), so debugger messages (JSON and gob) carry
 * steps without copying them; read and write it through the camelCase
 * {@linkcode Step} accessors.
 *
 * @example Usage
 * ```ts
 * import { StepRecord, StepType } from "@asyncmachine/telemetry/machine";
 * const s = new StepRecord({ type: StepType.Requested, toState: "Foo", toStateIdx: 0 });
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
  IsFinal: boolean;
  /** Self handler. */
  IsSelf: boolean;
  /** Entering handler. */
  IsEnter: boolean;
  /** Source state. */
  FromState: string;
  /** Source index, -1 for none. */
  FromStateIdx: number;
  /** Target state. */
  ToState: string;
  /** Target index, -1 for none. */
  ToStateIdx: number;

  /**
   * A step from its {@linkcode Step} fields; those left out are Go's zero
   * values (`0`, `false`, `""`), indexes -1.
   *
   * @param step The step's type and whichever other fields it has.
   */
  constructor(step: Pick<Step, "type"> & Partial<Step>) {
    this.Type = step.type;
    this.RelType = step.relType ?? 0;
    this.IsFinal = step.isFinal ?? false;
    this.IsSelf = step.isSelf ?? false;
    this.IsEnter = step.isEnter ?? false;
    this.FromState = step.fromState ?? "";
    this.FromStateIdx = step.fromStateIdx ?? -1;
    this.ToState = step.toState ?? "";
    this.ToStateIdx = step.toStateIdx ?? -1;
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
