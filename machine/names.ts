/**
 * The names upstream's `String()` gives its enums (`Result`, `StepType`,
 * `Relation`, `LogLevel`), for logs and wire formats.
 *
 * @module
 */

import { LogLevel, type Relation, Result, StepType } from "./types.ts";

/**
 * `executed`, `canceled` or (queue ticks too) `queued`.
 *
 * @example Usage
 * ```ts
 * import { Result } from "@asyncmachine/telemetry/machine";
 * import { resultName } from "./names.ts";
 * resultName(Result.Canceled); // "canceled"
 * ```
 */
export function resultName(r: Result): string {
  return r === Result.Executed ? "executed" : r === Result.Canceled ? "canceled" : "queued";
}

const STEP_NAMES: Readonly<Record<number, string>> = {
  [StepType.Relation]: "rel",
  [StepType.Handler]: "handler",
  [StepType.Set]: "activate",
  [StepType.Remove]: "deactivate",
  [StepType.RemoveNotActive]: "deactivate-passive",
  [StepType.Requested]: "called",
  [StepType.Cancel]: "cancel",
};

/**
 * `rel`, `handler`, `activate`, `deactivate`, `deactivate-passive`,
 * `called`, `cancel`; "" for anything else.
 *
 * @example Usage
 * ```ts
 * import { StepType } from "@asyncmachine/telemetry/machine";
 * import { stepTypeName } from "./names.ts";
 * stepTypeName(StepType.RemoveNotActive); // "deactivate-passive"
 * ```
 */
export function stepTypeName(t: StepType): string {
  return STEP_NAMES[t] ?? "";
}

const REL_NAMES: readonly string[] = ["after", "add", "require", "remove"];

/**
 * `after`, `add`, `require` or `remove`; "" for anything else.
 *
 * @example Usage
 * ```ts
 * import { Relation } from "@asyncmachine/telemetry/machine";
 * import { relationName } from "./names.ts";
 * relationName(Relation.Require); // "require"
 * ```
 */
export function relationName(r: Relation): string {
  return REL_NAMES[r] ?? "";
}

const LEVEL_NAMES: readonly string[] = [
  "nothing",
  "external",
  "changes",
  "ops",
  "decisions",
  "everything",
];

/**
 * `nothing`, `external`, `changes`, `ops`, `decisions` or `everything`
 * (anything else is `nothing`, as upstream).
 *
 * @example Usage
 * ```ts
 * import { LogLevel } from "@asyncmachine/telemetry/machine";
 * import { logLevelName } from "./names.ts";
 * logLevelName(LogLevel.Ops); // "ops"
 * ```
 */
export function logLevelName(l: LogLevel): string {
  return LEVEL_NAMES[l] ?? LEVEL_NAMES[LogLevel.Nothing];
}
