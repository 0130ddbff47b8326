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
export const REGRESSIONS: Regression[] = [
  {
    // a handler throwing in an auto transition cancels it (the auto state is
    // dropped); handlers after it get an invalid event: not called, false
    name: "regression:invalid-event-after-panic",
    schema: { A: { auto: true }, B: {} },
    handlers: { AEnter: [{ throw: "boom" }], AnyEnter: [] },
    muts: [{ type: "add", states: ["B"] }, { type: "add", states: ["B"] }],
    expect: {
      active: [["A", "Exception", "B"], ["B", "A", "Exception"]],
      calls: [
        ["main:AnyEnter", "main:AEnter", "main:AnyEnter", "main:AEnter", "main:AnyEnter"],
        ["main:AnyEnter"],
      ],
    },
  },
  {
    // a canceling self handler of an auto state in an auto transition:
    // upstream deletes it in place from the list it iterates (skipping BB)
    // and cancels the whole transition, as the last handler canceled
    name: "regression:auto-self-handler-cancel",
    schema: { A: { auto: true }, B: { after: ["A"] }, C: { auto: true }, D: { remove: ["C"] } },
    handlers: { AA: [{ ret: false, n: 9 }], BB: [] },
    muts: [{ type: "add", states: ["D", "B"] }, { type: "remove", states: ["D"] }],
    expect: { active: [["A", "D", "B"], ["A", "B"]], calls: [["main:BB"], ["main:AA"]] },
  },
];
