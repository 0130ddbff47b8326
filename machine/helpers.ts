/**
 * Upstream's small helpers over state lists, args, state definitions and
 * the log level from the environment (`SAdd`, `AMerge`, `StatesEqual`,
 * `StateAdd`, `StateSet`, `NextActiveIn`, `EnvLogLevel`).
 *
 * @module
 */

import { envVar } from "../internal/config.ts";
import { type A, LogLevel, type S, type State } from "./types.ts";
import { isActiveTick, uniq } from "./utils.ts";

/**
 * The lists concatenated, duplicates dropped (first wins).
 *
 * @example Usage
 * ```ts
 * import { sAdd } from "@asyncmachine/telemetry/machine";
 * sAdd(["A", "B", "C"], ["C", "D"]); // ["A", "B", "C", "D"]
 * ```
 */
export function sAdd(...lists: readonly (readonly string[])[]): S {
  return uniq(lists.flat());
}

/**
 * Args merged, later ones win.
 *
 * @example Usage
 * ```ts
 * import { aMerge } from "@asyncmachine/telemetry/machine";
 * aMerge({ a: 1 }, { b: 2 }); // { a: 1, b: 2 }
 * ```
 */
export function aMerge(...args: readonly (A | undefined)[]): A {
  return Object.assign({}, ...args);
}

/**
 * Both lists hold the same states (any order, duplicates ignored).
 *
 * @example Usage
 * ```ts
 * import { statesEqual } from "@asyncmachine/telemetry/machine";
 * statesEqual(["A", "B"], ["B", "A"]); // true
 * ```
 */
export function statesEqual(a: readonly string[], b: readonly string[]): boolean {
  return a.every((s) => b.includes(s)) && b.every((s) => a.includes(s));
}

function cloneState(s: State): State {
  return structuredClone(s);
}

/**
 * `source` with `overlay` added: flags set when set in either, relations
 * merged with {@linkcode sAdd}.
 *
 * @example Usage
 * ```ts
 * import { stateAdd } from "@asyncmachine/telemetry/machine";
 * stateAdd({ remove: ["A"] }, { remove: ["C"], multi: true }); // { remove: ["A", "C"], multi: true }
 * ```
 */
export function stateAdd(source: State, overlay: State): State {
  const s = cloneState(source);
  if (overlay.auto) s.auto = true;
  if (overlay.multi) s.multi = true;
  for (const rel of ["add", "remove", "require", "after"] as const) {
    if (overlay[rel]) s[rel] = sAdd(s[rel] ?? [], overlay[rel]!);
  }
  return s;
}

/**
 * `source` with its flags set to `overlay`'s (missing = false) and the
 * relations `overlay` has replaced.
 *
 * @example Usage
 * ```ts
 * import { stateSet } from "@asyncmachine/telemetry/machine";
 * stateSet({ auto: true, remove: ["A"] }, { multi: true, remove: ["C"] });
 * // { auto: false, multi: true, remove: ["C"] }
 * ```
 */
export function stateSet(source: State, overlay: State): State {
  const s = cloneState(source);
  s.auto = overlay.auto ?? false;
  s.multi = overlay.multi ?? false;
  for (const rel of ["add", "remove", "require", "after"] as const) {
    if (overlay[rel]) s[rel] = [...overlay[rel]!];
  }
  return s;
}

/**
 * How many ticks until a state with this tick is active again: 2 when
 * active now, else 1 (for `whenTicks`).
 *
 * @example Usage
 * ```ts
 * import { nextActiveIn } from "./helpers.ts";
 * nextActiveIn(3); // 2
 * ```
 */
export function nextActiveIn(tick: number): number {
  return isActiveTick(tick) ? 2 : 1;
}

/**
 * The log level in an environment variable (`AM_LOG` by default), 0-5;
 * `LogLevel.Nothing` when unset, invalid or not permitted to read.
 *
 * @example Usage
 * ```ts
 * import { envLogLevel } from "./helpers.ts";
 * const mach = { logLevel: envLogLevel() };
 * ```
 */
export function envLogLevel(name?: string): LogLevel {
  name ??= "AM_LOG";
  // permission-safe: no prompt, unset without --allow-env
  const raw = envVar(name);
  const n = Number.parseInt(raw ?? "", 10);
  return Number.isInteger(n) && n >= LogLevel.Nothing && n <= LogLevel.Everything
    ? n
    : LogLevel.Nothing;
}
