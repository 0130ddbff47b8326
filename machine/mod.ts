/**
 * A compact, faithful TypeScript port of asyncmachine-go's core: schema
 * relations (Require, Add, Remove, After), Auto and Multi states, clocks,
 * the mutation queue, handlers, the Exception state, submachines, and
 * {@linkcode Tracer} hooks for telemetry.
 *
 * @example
 * ```ts
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * const mach = new Machine({ Foo: { require: ["Bar"] }, Bar: {} }, { id: "mach1" });
 * mach.add(["Bar", "Foo"]);
 * mach.is(["Foo"]); // true
 * ```
 *
 * @module
 */

export * from "./types.ts";
export {
  formatArgs,
  isActiveTick,
  LOG_ARGS,
  type LogArgsMapper,
  mutationTypeName,
  newLogArgsMapper,
  statesDiff,
  timeSum,
} from "./utils.ts";
export * from "./schema.ts";
export type { Tracer } from "./tracer.ts";
export { mutationString, StepRecord, stepString, Transition } from "./transition.ts";
export type { HandlerEvent } from "./handlers.ts";
export {
  type BindOptions,
  type Groups,
  type Logger,
  type LogListener,
  Machine,
  type MachineOptions,
} from "./machine.ts";
