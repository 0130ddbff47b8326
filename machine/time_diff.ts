/**
 * The states a transition activated and deactivated, read from the clocks
 * before and after it (odd ticks are active), as upstream's
 * `helpers.GetTransitionStates`.
 *
 * @module
 */

import { isActiveTick } from "./utils.ts";

/**
 * State indexes, in index order, whose activation changed between two
 * machine times.
 *
 * @example Usage
 * ```ts
 * import type { TimeDiff } from "@asyncmachine/telemetry/machine";
 * const d: TimeDiff = { added: [0], removed: [2] };
 * ```
 */
export interface TimeDiff {
  /** Activated, incl. re-activated Multi states (active before and after,
   * ticked). */
  readonly added: readonly number[];
  /** Deactivated. */
  readonly removed: readonly number[];
}

/**
 * Diffs two machine times (ticks in index order): a state is added when it
 * is active after and was inactive or ticked since, removed when it was
 * active and is not anymore. Missing ticks count as 0.
 *
 * @example Usage
 * ```ts
 * import { timeDiff } from "@asyncmachine/telemetry/machine";
 * timeDiff([1, 0, 1, 1], [1, 1, 2, 3]); // { added: [1, 3], removed: [2] }
 * ```
 */
export function timeDiff(before: readonly number[], after: readonly number[]): TimeDiff {
  const added: number[] = [];
  const removed: number[] = [];
  const n = Math.max(before.length, after.length);
  for (let i = 0; i < n; i++) {
    const b = before[i] ?? 0;
    const a = after[i] ?? 0;
    const wasActive = isActiveTick(b);
    if (isActiveTick(a)) {
      if (!wasActive || a !== b) added.push(i);
    } else if (wasActive) removed.push(i);
  }
  return { added, removed };
}
