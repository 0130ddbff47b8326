/**
 * A compact, faithful TypeScript port of asyncmachine-go's core: schema
 * relations (Require, Add, Remove, After), Auto and Multi states, clocks,
 * the mutation queue, handlers, the Exception state, waiting (`when…`),
 * state contexts, submachines, and {@linkcode Tracer} hooks for telemetry.
 * Handlers and tracers see a machine through {@linkcode Api}, the
 * interface {@linkcode Machine} implements.
 *
 * @example
 * ```ts
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * const mach = new Machine({ Foo: { require: ["Bar"] }, Bar: {} }, { id: "mach1" });
 * mach.add(["Bar", "Foo"]);
 * mach.is(["Foo"]); // true
 * await mach.when(["Foo"]);
 * ```
 *
 * @module
 */

export * from "./types.ts";
export type {
  Api,
  BindOptions,
  FinalHandler,
  HandlerEvent,
  HandlerName,
  Handlers,
  NegotiationHandler,
  Tracer,
  Transition,
} from "./api.ts";
export type { Groups, MachineQueries, Serialized } from "./api_query.ts";
export {
  formatArgs,
  isActiveTick,
  LOG_ARGS,
  mutationTypeName,
  newLogArgsMapper,
  statesDiff,
  timeSum,
} from "./utils.ts";
export * from "./schema.ts";
export * from "./states.ts";
export * from "./time_diff.ts";
export * from "./names.ts";
export * from "./helpers.ts";
export * from "./time.ts";
export { StepRecord } from "./step.ts";
export { mutationString, stepString } from "./transition.ts";
export { MachineDisposedError } from "./subscriptions.ts";
export { Machine, type MachineOptions } from "./machine.ts";
