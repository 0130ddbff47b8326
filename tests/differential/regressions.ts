// Shrunk scenarios of divergences found and fixed in our core (each with the
// commit that fixed it); they stay in the suite as expected behaviour.

import type { Scenario } from "./scenario.ts";

/** A regression scenario and what upstream produced for it (per outside
 * mutation: main's active states, the handler calls, optionally the log),
 * checked without Go
 * by regressions_test.ts. */
export interface Regression extends Scenario {
  expect: { active: string[][]; calls: string[][]; log?: string[][] };
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
  {
    // a final handler's panic skips its level-5 "[handler:end]" line
    name: "regression:no-handler-end-after-panic",
    schema: { A: {} },
    handlers: { AState: [{ throw: "boom" }] },
    muts: [{ type: "add", states: ["A"] }],
    logLevel: 5,
    expect: {
      active: [["Exception"]],
      calls: [["main:AState"]],
      log: [[
        "3 [main] [queue:add] A",
        "3 [main] [add] A",
        "5 [main] [handle:h-main] AEnter",
        "5 [main] [handle:h-main] AnyEnter",
        "2 [main] [state] +A",
        "5 [main] [handle:h-main] AState",
        "3 [main] [handler:0] AState",
        "3 [main] [recover] handling panic...",
        "3 [main] [recover] partial final states as ()",
        "2 [main] [state] -A",
        "3 [main] [cancel] (A) by recover",
        "3 [main] [prepend:add] Exception",
        "3 [main] [postpone] queue running (1 item)",
        "3 [main] [recover] partial final states as ()",
        "3 [main] [add] Exception",
        "3 [main] [source] main/tx0/0",
        "5 [main] [handle:h-main] ExceptionEnter",
        "5 [main] [handle:h-main] AnyEnter",
        "2 [main] [state] +Exception",
        "5 [main] [handle:h-main] ExceptionState",
        "5 [main] [handle:h-main] AnyState",
      ]],
    },
  },
  {
    // a check (canAdd) transition records the steps upstream records with
    // IsSteps (handlers but self ones, Add relations), and upstream's dbg
    // tracer doesn't send check mutations
    name: "regression:check-transition-steps",
    schema: { A: { add: ["B"] }, B: { require: ["C"] }, C: {} },
    handlers: { AEnter: [], AnyEnter: [], CC: [] },
    muts: [{ type: "add", states: ["C"] }, { type: "canAdd", states: ["A", "C"] }],
    dbg: true,
    expect: {
      active: [["C"], ["C"]],
      calls: [["main:AnyEnter"], ["main:AEnter", "main:CC", "main:AnyEnter"]],
    },
  },
];
