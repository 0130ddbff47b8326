/**
 * Upstream's state filter of the OTel tracer (allowedState): skip lists
 * first, then allow lists; entries are `"machId:State"` or `"State"`,
 * regular expressions match `"machId:State"`.
 *
 * @module
 */

/** The filter options of an OtelMachTracer. */
export interface StateFilter {
  /** Only these states. */
  allowStates?: string[];
  /** Only states whose `"machId:State"` matches. */
  allowStatesRe?: RegExp;
  /** Never these states. */
  skipStates?: string[];
  /** Never states whose `"machId:State"` matches. */
  skipStatesRe?: RegExp;
}

/**
 * Whether the tracer traces `state` of machine `machId`.
 *
 * @example Usage
 * ```ts
 * import { allowedState } from "./state_filter.ts";
 * allowedState({ skipStates: ["m1:Foo"] }, "m1", "Foo"); // false
 * allowedState({ allowStates: ["Foo"] }, "m2", "Bar"); // false
 * ```
 */
export function allowedState(o: StateFilter, machId: string, state: string): boolean {
  if (!o.skipStates && !o.skipStatesRe && !o.allowStates && !o.allowStatesRe) return true;
  const matches = (list: string[]) =>
    list.some((entry) => {
      const parts = entry.split(":");
      return parts.length === 2
        ? parts[0] === machId && parts[1] === state
        : parts.length === 1 && parts[0] === state;
    });
  if (o.skipStates && matches(o.skipStates)) return false;
  if (o.skipStatesRe) return !o.skipStatesRe.test(`${machId}:${state}`);
  if (!o.allowStates?.length && !o.allowStatesRe) return true;
  if (o.allowStates && matches(o.allowStates)) return true;
  if (o.allowStatesRe) return o.allowStatesRe.test(`${machId}:${state}`);
  return false;
}
