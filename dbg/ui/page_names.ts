/**
 * The core's names of step types and relations (upstream's `String()`), as
 * tables the debugger page's script reads: `dbg/ui.ts` declares them in the
 * script by these names, so the page labels steps as the core's logs do.
 *
 * @module
 */

import { Relation, StepType } from "../../machine/types.ts";
import { relationName, stepTypeName } from "../../machine/names.ts";

/** An enum's numeric members. */
function enumValues<E extends number>(e: Record<string, string | number>): E[] {
  return Object.values(e).filter((v): v is E => typeof v === "number");
}

/**
 * Step type names by step type (`rel`, `handler`, `activate`, ...).
 *
 * @example Usage
 * ```ts
 * import { PAGE_STEP_NAMES } from "./page_names.ts";
 * PAGE_STEP_NAMES[16]; // "deactivate-passive"
 * ```
 */
export const PAGE_STEP_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  enumValues<StepType>(StepType).map((t) => [t, stepTypeName(t)]),
);

/**
 * Relation names by relation type (`after`, `add`, `require`, `remove`).
 *
 * @example Usage
 * ```ts
 * import { PAGE_RELATION_NAMES } from "./page_names.ts";
 * PAGE_RELATION_NAMES[2]; // "require"
 * ```
 */
export const PAGE_RELATION_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  enumValues<Relation>(Relation).map((r) => [r, relationName(r)]),
);
