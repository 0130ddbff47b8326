/**
 * A transition message told in words: what was called, which relations were
 * checked, which handlers ran, what was activated and deactivated, and why
 * it was canceled, all read from the message's steps and log. For coding
 * agents (the MCP tools) and people alike.
 *
 * @module
 */

import { Relation, StepType } from "../machine/types.ts";
import { mutationTypeName } from "../machine/utils.ts";
import { timeDiff } from "../machine/time_diff.ts";
import { StateException } from "../machine/states.ts";
import type { DbgMsgSchema, DbgMsgTx, GoStep } from "./messages.ts";
import { msgCalledStateNames } from "./messages.ts";

/** A transition's facts, as {@linkcode explainTx} derives them. */
export interface TxExplanation {
  /** `add`, `remove` or `set`. */
  mutation: string;
  /** Called states. */
  called: string[];
  /** Whether the transition was accepted. */
  accepted: boolean;
  /** Whether it was an auto transition. */
  auto: boolean;
  /** A queued mutation's notice (its transition is a later message), not a transition. */
  queued: boolean;
  /** States activated by it. */
  activated: string[];
  /** States deactivated by it. */
  deactivated: string[];
  /** Why it was canceled (empty when accepted). */
  canceledBecause: string[];
  /** One sentence per step, in order. */
  steps: string[];
  /** The log entries' texts. */
  log: string[];
  /** Mutation args, as logged. */
  args: Record<string, string>;
  /** The error of an Exception transition, when the log or args carry one. */
  error: string;
}

const REL_VERBS: Record<number, string> = {
  [Relation.After]: "runs after",
  [Relation.Add]: "adds",
  [Relation.Require]: "requires",
  [Relation.Remove]: "removes",
};

/**
 * A step's source or target state: its name, else its index read through
 * the schema's, else "" (old recordings carry names, new ones indexes).
 * The debugger page is served this function's source too.
 *
 * @example Usage
 * ```ts
 * import { stepStateName } from "./explain.ts";
 * stepStateName("", 1, ["A", "B"]); // "B"
 * ```
 */
export function stepStateName(name: string, idx: number, index: readonly string[]): string {
  if (name) return name;
  return idx >= 0 && idx < index.length ? index[idx] : "";
}

function handlerName(s: GoStep, from: string, to: string): string {
  if (s.IsSelf) return `${from}${to}`;
  const state = from || to;
  if (s.IsFinal) return state + (s.IsEnter ? "State" : "End");
  return state + (s.IsEnter ? "Enter" : "Exit");
}

/**
 * One step as a sentence, e.g. `Foo requires Bar` or `handler FooEnter ran`.
 *
 * @example Usage
 * ```ts
 * import { stepSentence } from "./explain.ts";
 * stepSentence({
 *   Type: 1, RelType: 2, IsFinal: false, IsSelf: false, IsEnter: false,
 *   FromState: "Foo", FromStateIdx: -1, ToState: "Bar", ToStateIdx: -1,
 * }, []); // "relation: Foo requires Bar"
 * ```
 */
export function stepSentence(s: GoStep, index: readonly string[]): string {
  const from = stepStateName(s.FromState, s.FromStateIdx, index);
  const to = stepStateName(s.ToState, s.ToStateIdx, index);
  const either = from || to || "Any";
  switch (s.Type) {
    case StepType.Relation:
      return `relation: ${from} ${REL_VERBS[s.RelType] ?? "?"} ${to}`;
    case StepType.Handler:
      return `handler ${handlerName(s, from, to)} ran`;
    case StepType.Set:
      return from && to
        ? `${to} will be activated (added by ${from})`
        : `${either} will be activated`;
    case StepType.Remove:
      return from && to
        ? `${to} will be deactivated (removed by ${from})`
        : `${either} will be deactivated`;
    case StepType.RemoveNotActive:
      return `${either} dropped from the target states (it can't be active)`;
    case StepType.Requested:
      return `${either} was called by the mutation`;
    case StepType.Cancel:
      return `${either} canceled the transition`;
    default:
      return `step type ${s.Type}: ${[from, to].filter(Boolean).join(" → ")}`;
  }
}

/** Why a rejected transition was rejected, from its steps and log. */
function cancelReasons(msg: DbgMsgTx, index: readonly string[], called: string[]): string[] {
  const steps = msg.Steps ?? [];
  const out: string[] = [];
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    if (s.Type !== StepType.Cancel) continue;
    const state = stepStateName(s.ToState, s.ToStateIdx, index) ||
      stepStateName(s.FromState, s.FromStateIdx, index);
    // a cancel right after a require check names the missing requirement
    const rel = steps.slice(Math.max(0, i - 3), i).reverse().find((p) =>
      p.Type === StepType.Relation && p.RelType === Relation.Require &&
      stepStateName(p.ToState, p.ToStateIdx, index) === state
    );
    out.push(
      rel
        ? `${stepStateName(rel.FromState, rel.FromStateIdx, index)} requires ${state}, ` +
          `which is not active and not being added (step ${i})`
        : `${state} was called but is not among the target states (step ${i})`,
    );
  }
  if (out.length || msg.Accepted) return out;
  // no cancel step: a handler said no (returned false, or threw and was recovered)
  const last = [...steps].reverse().find((s) => s.Type === StepType.Handler);
  if (last) {
    const name = handlerName(
      last,
      stepStateName(last.FromState, last.FromStateIdx, index),
      stepStateName(last.ToState, last.ToStateIdx, index),
    );
    out.push(
      last.IsFinal
        ? `the final handler ${name} threw (recovered into Exception)`
        : `the negotiation handler ${name} returned false or threw`,
    );
  }
  const logged = [...(msg.LogEntries ?? [])].reverse().find((e) => e.Text.startsWith("[cancel"));
  if (logged) out.push(`log: ${logged.Text}`);
  if (!out.length && called.length) {
    out.push("no step explains it (steps not recorded, or the machine was busy or disposed)");
  }
  return out;
}

/**
 * The states activated and deactivated between two machine times, by name:
 * {@linkcode timeDiff} read through a schema's index (ticks beyond the index
 * are ignored). The debugger page is served this function's source too, so
 * it calls nothing but `timeDiff` (see `dbg/ui.ts`).
 *
 * @example Usage
 * ```ts
 * import { clockDiffNames } from "./explain.ts";
 * clockDiffNames([0, 1], [1, 2], ["A", "B"]); // { added: ["A"], removed: ["B"] }
 * ```
 */
export function clockDiffNames(
  before: readonly number[],
  after: readonly number[],
  index: readonly string[],
): { added: string[]; removed: string[] } {
  const d = timeDiff(before, after);
  const names = (idxs: readonly number[]) =>
    idxs.filter((i) => i < index.length).map((i) => index[i]);
  return { added: names(d.added), removed: names(d.removed) };
}

/** Without the previous clocks: what an accepted transition's steps set and removed. */
function stepsDiffNames(
  msg: DbgMsgTx,
  index: readonly string[],
): { added: string[]; removed: string[] } {
  if (!msg.Accepted) return { added: [], removed: [] };
  const steps = msg.Steps ?? [];
  const to = (s: GoStep) => stepStateName(s.ToState, s.ToStateIdx, index);
  return {
    added: steps.filter((s) => s.Type === StepType.Set).map(to),
    removed: steps.filter((s) => s.Type === StepType.Remove).map(to),
  };
}

/**
 * A transition message explained: the facts and one sentence per step.
 * `prev` (the machine's previous transition) gives the activated and
 * deactivated states; without it they come from the steps.
 *
 * @example Usage
 * ```ts
 * import { explainTx } from "@asyncmachine/telemetry/dbg";
 * const schema = { ID: "m", StatesIndex: ["A", "B"], States: { A: { Require: ["B"] }, B: {} } };
 * const tx = {
 *   MachineID: "m", ID: "t1", Clocks: [0, 0], Type: 0, Accepted: false, CalledStatesIdxs: [0],
 *   Steps: [
 *     { Type: 32, RelType: 0, IsFinal: false, IsSelf: false, IsEnter: false,
 *       FromState: "", FromStateIdx: -1, ToState: "A", ToStateIdx: -1 },
 *     { Type: 1, RelType: 2, IsFinal: false, IsSelf: false, IsEnter: false,
 *       FromState: "A", FromStateIdx: -1, ToState: "B", ToStateIdx: -1 },
 *     { Type: 64, RelType: 0, IsFinal: false, IsSelf: false, IsEnter: false,
 *       FromState: "", FromStateIdx: -1, ToState: "B", ToStateIdx: -1 },
 *   ],
 * };
 * explainTx(tx, schema).canceledBecause[0]; // "A requires B, which is not active ..."
 * ```
 */
export function explainTx(
  msg: DbgMsgTx,
  schema: DbgMsgSchema,
  prev?: DbgMsgTx,
): TxExplanation {
  const index = schema.StatesIndex;
  const called = msgCalledStateNames(msg, index);
  const steps = (msg.Steps ?? []).map((s) => stepSentence(s, index));
  const { added: activated, removed: deactivated } = prev
    ? clockDiffNames(prev.Clocks, msg.Clocks, index)
    : stepsDiffNames(msg, index);
  const log = [...(msg.PreLogEntries ?? []), ...(msg.LogEntries ?? [])].map((e) => e.Text);
  const args = msg.Args ?? {};
  const isErr = called.includes(StateException) || activated.includes(StateException);
  const error = isErr ? args.err ?? "" : "";
  return {
    mutation: mutationTypeName(msg.Type).toLowerCase(),
    called,
    accepted: msg.Accepted,
    auto: !!msg.IsAuto,
    queued: !!msg.IsQueued,
    activated,
    deactivated,
    canceledBecause: msg.Accepted || msg.IsQueued ? [] : cancelReasons(msg, index, called),
    steps,
    log,
    args,
    error,
  };
}

/**
 * An explanation as text an agent (or a person) reads well.
 *
 * @example Usage
 * ```ts
 * import { explainTx, explanationText } from "@asyncmachine/telemetry/dbg";
 * const schema = { ID: "m", StatesIndex: ["A"], States: { A: {} } };
 * const tx = { MachineID: "m", ID: "t1", Clocks: [1], Type: 0, Accepted: true, CalledStatesIdxs: [0] };
 * explanationText(explainTx(tx, schema)); // "add [A]: accepted\n..."
 * ```
 */
export function explanationText(x: TxExplanation): string {
  const outcome = x.queued
    ? "queued (a mutation waiting in the queue; its transition is a later message)"
    : x.accepted
    ? "accepted"
    : "canceled";
  const lines = [`${x.mutation} [${x.called.join(" ")}]${x.auto ? " (auto)" : ""}: ${outcome}`];
  if (x.canceledBecause.length) lines.push(`canceled because: ${x.canceledBecause.join("; ")}`);
  if (x.activated.length) lines.push(`activated: ${x.activated.join(" ")}`);
  if (x.deactivated.length) lines.push(`deactivated: ${x.deactivated.join(" ")}`);
  if (x.error) lines.push(`error: ${x.error}`);
  const args = Object.entries(x.args);
  if (args.length) lines.push(`args: ${args.map(([k, v]) => `${k}=${v}`).join(", ")}`);
  if (x.steps.length) lines.push("steps:", ...x.steps.map((s, i) => `  ${i}. ${s}`));
  if (x.log.length) lines.push("log:", ...x.log.map((l) => `  ${l}`));
  return lines.join("\n");
}
