/**
 * Machine time helpers (upstream's `Time` methods): a time is a list of
 * ticks in index order; odd ticks are active.
 *
 * @module
 */

import { isActiveTick } from "./utils.ts";

/**
 * The tick at `idx`; 0 out of bounds.
 *
 * @example Usage
 * ```ts
 * import { timeTick } from "@asyncmachine/telemetry/machine";
 * timeTick([2, 1], 5); // 0
 * ```
 */
export function timeTick(t: readonly number[], idx: number): number {
  return idx >= 0 && idx < t.length ? t[idx] : 0;
}

/**
 * The state at `idx` is active.
 *
 * @example Usage
 * ```ts
 * import { timeIs1 } from "@asyncmachine/telemetry/machine";
 * timeIs1([2, 1, 3], 1); // true
 * ```
 */
export function timeIs1(t: readonly number[], idx: number): boolean {
  return idx >= 0 && idx < t.length && isActiveTick(t[idx]);
}

/**
 * Every state at `idxs` is active (false for none).
 *
 * @example Usage
 * ```ts
 * import { timeIs } from "@asyncmachine/telemetry/machine";
 * timeIs([2, 1, 3], [1, 2]); // true
 * ```
 */
export function timeIs(t: readonly number[], idxs: readonly number[]): boolean {
  return idxs.length > 0 && idxs.every((i) => timeIs1(t, i));
}

/**
 * No state at `idxs` is active (true for none).
 *
 * @example Usage
 * ```ts
 * import { timeNot } from "@asyncmachine/telemetry/machine";
 * timeNot([2, 1, 3], [0]); // true
 * ```
 */
export function timeNot(t: readonly number[], idxs: readonly number[]): boolean {
  return idxs.every((i) => !timeIs1(t, i));
}

/**
 * Any state at `idxs` is active.
 *
 * @example Usage
 * ```ts
 * import { timeAny1 } from "@asyncmachine/telemetry/machine";
 * timeAny1([2, 1, 3], 0, 2); // true
 * ```
 */
export function timeAny1(t: readonly number[], ...idxs: number[]): boolean {
  return idxs.some((i) => timeIs1(t, i));
}

/**
 * Ticks summed per index; `t` unchanged when the lengths differ.
 *
 * @example Usage
 * ```ts
 * import { timeAdd } from "@asyncmachine/telemetry/machine";
 * timeAdd([2, 1], [1, 1]); // [3, 2]
 * ```
 */
export function timeAdd(t: readonly number[], t2: readonly number[]): number[] {
  if (t.length !== t2.length) return t.slice();
  return t.map((v, i) => v + t2[i]);
}

/**
 * Ticks taken since `before`; zeros when the lengths differ.
 *
 * @example Usage
 * ```ts
 * import { timeDiffSince } from "@asyncmachine/telemetry/machine";
 * timeDiffSince([4, 2, 6], [2, 1, 3]); // [2, 1, 3]
 * ```
 */
export function timeDiffSince(t: readonly number[], before: readonly number[]): number[] {
  if (t.length !== before.length) return t.map(() => 0);
  return t.map((v, i) => v - before[i]);
}

/**
 * `t` is after `t2` (every tick greater, or with `orEqual` not lower);
 * only the common length is compared.
 *
 * @example Usage
 * ```ts
 * import { timeAfter } from "@asyncmachine/telemetry/machine";
 * timeAfter([3, 7], [3, 5], true); // true
 * ```
 */
export function timeAfter(t: readonly number[], t2: readonly number[], orEqual?: boolean): boolean {
  orEqual ??= false;
  const n = Math.min(t.length, t2.length);
  for (let i = 0; i < n; i++) if (t[i] < t2[i] || (t[i] === t2[i] && !orEqual)) return false;
  return true;
}

/**
 * `t` is before `t2` (every tick lower, or with `orEqual` not greater).
 *
 * @example Usage
 * ```ts
 * import { timeBefore } from "@asyncmachine/telemetry/machine";
 * timeBefore([3, 5], [3, 7], true); // true
 * ```
 */
export function timeBefore(
  t: readonly number[],
  t2: readonly number[],
  orEqual?: boolean,
): boolean {
  orEqual ??= false;
  const n = Math.min(t.length, t2.length);
  for (let i = 0; i < n; i++) if (t[i] > t2[i] || (t[i] === t2[i] && !orEqual)) return false;
  return true;
}

/**
 * Equal ticks; `strict` also requires equal lengths.
 *
 * @example Usage
 * ```ts
 * import { timeEqual } from "@asyncmachine/telemetry/machine";
 * timeEqual([1, 2], [1, 2, 3]); // true
 * ```
 */
export function timeEqual(t: readonly number[], t2: readonly number[], strict?: boolean): boolean {
  strict ??= false;
  if (strict && t.length !== t2.length) return false;
  for (let i = 0; i < t.length; i++) if (t[i] !== t2[i]) return false;
  return true;
}

/**
 * Indexes of the active states.
 *
 * @example Usage
 * ```ts
 * import { timeActive } from "@asyncmachine/telemetry/machine";
 * timeActive([2, 1, 3]); // [1, 2]
 * ```
 */
export function timeActive(t: readonly number[]): number[] {
  const ret: number[] = [];
  for (let i = 0; i < t.length; i++) if (isActiveTick(t[i])) ret.push(i);
  return ret;
}
