// upstream's relations playground (examples/relations_playground), as
// differential scenarios: the same schemas and mutations.

import type { Scenario } from "./scenario.ts";

/** The playground's seven machines. */
export const PLAYGROUND: Scenario[] = [
  {
    name: "playground:FooBar",
    schema: { Foo: { require: ["Bar"] }, Bar: {} },
    muts: [{ type: "add", states: ["Foo"] }],
  },
  {
    name: "playground:FileProcessed",
    schema: {
      ProcessingFile: { remove: ["FileProcessed"] },
      FileProcessed: { remove: ["ProcessingFile"] },
      InProgress: { auto: true, require: ["ProcessingFile"] },
    },
    muts: [
      { type: "add", states: ["ProcessingFile"] },
      { type: "add", states: ["FileProcessed"] },
    ],
  },
  {
    name: "playground:DryWaterWet",
    schema: {
      Wet: { require: ["Water"] },
      Dry: { remove: ["Water"] },
      Water: { add: ["Wet"], remove: ["Dry"] },
    },
    muts: [
      { type: "add", states: ["Dry"] },
      { type: "add", states: ["Water"] },
      { type: "add", states: ["Dry"] },
    ],
  },
  {
    name: "playground:RemoveByAdd",
    schema: { A: { add: ["B"] }, B: { remove: ["C"] }, C: {} },
    muts: [{ type: "add", states: ["C"] }, { type: "add", states: ["A"] }],
  },
  {
    name: "playground:AddOptionalRemoveMandatory",
    schema: { A: { add: ["B"] }, B: {}, C: { remove: ["B"] } },
    muts: [{ type: "add", states: ["A", "C"] }],
  },
  {
    name: "playground:Mutex",
    schema: {
      A: { remove: ["A", "B", "C"] },
      B: { remove: ["A", "B", "C"] },
      C: { remove: ["A", "B", "C"] },
    },
    muts: [
      { type: "add", states: ["A"] },
      { type: "add", states: ["B"] },
      { type: "add", states: ["C"] },
    ],
  },
  {
    name: "playground:Quiz",
    schema: {
      A: { add: ["B"] },
      B: { require: ["D"], add: ["C"] },
      C: {},
      D: { remove: ["C"] },
      E: { add: ["D"] },
    },
    muts: [{ type: "add", states: ["A", "E"] }],
  },
];
