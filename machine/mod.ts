/**
 * A compact, faithful TypeScript port of asyncmachine-go's core: schema
 * relations (Require, Add, Remove, After), Auto and Multi states, clocks,
 * the mutation queue, handlers, the Exception state, waiting (`when…`),
 * state contexts, submachines, and {@linkcode Tracer} hooks for telemetry.
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
export * from "./states.ts";
export * from "./time_diff.ts";
export * from "./names.ts";
export * from "./helpers.ts";
export * from "./time.ts";
export type { Tracer } from "./tracer.ts";
export {
  mutationString,
  StepRecord,
  stepString,
  Transition,
  type TransitionInit,
} from "./transition.ts";
export type {
  FinalHandler,
  HandlerEvent,
  HandlerName,
  Handlers,
  NegotiationHandler,
} from "./handlers.ts";
export { MachineDisposedError, type SubscriptionCounts } from "./subscriptions.ts";
export { Position, type QueuedMatch, type QueueQuery } from "./questions.ts";
export type { Breakpoint } from "./breakpoints.ts";
export {
  type BindOptions,
  type Groups,
  type Logger,
  type LogListener,
  Machine,
  type MachineOptions,
  type Serialized,
} from "./machine.ts";
