// Shrunk scenarios of divergences found and fixed in our core (each with the
// commit that fixed it); they stay in the suite as expected behaviour.

import type { Scenario } from "./scenario.ts";

/** A regression scenario and what upstream produced for it (per outside
 * mutation: main's active states and the handler calls), checked without Go
 * by regressions_test.ts. */
export interface Regression extends Scenario {
  expect: { active: string[][]; calls: string[][] };
}

/** Fixed divergences, smallest scenarios showing them. */
export const REGRESSIONS: Regression[] = [];
