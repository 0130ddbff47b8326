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

// the machine and what its API speaks in
export { Machine, type MachineOptions } from "./machine.ts";
export { MachineDisposedError } from "./subscriptions.ts";
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
  type A,
  type Breakpoint,
  type LogArgsMapper,
  type LogEntry,
  type Logger,
  LogLevel,
  type LogListener,
  type Mutation,
  MutationType,
  type MutSource,
  Position,
  type QueuedMatch,
  type QueueQuery,
  Relation,
  Result,
  type S,
  type Schema,
  type State,
  type StateName,
  type Step,
  StepType,
  type SubscriptionCounts,
} from "./types.ts";
export { StateException, StateHealthcheck, StateHeartbeat } from "./states.ts";
// a transition's steps (`Transition.steps`), stored under upstream's Go field names
export { StepRecord } from "./step.ts";

// schemas: upstream's am.ParseSchema, SAdd, AMerge, StateAdd, StateSet; the log's args mapper
export { type ParsedSchema, type ParseOptions, parseSchema } from "./schema.ts";
export { aMerge, sAdd, stateAdd, statesEqual, stateSet } from "./helpers.ts";
export { LOG_ARGS, newLogArgsMapper } from "./utils.ts";

// clocks (upstream's am.Time methods over `mach.time()` and a transition's times)
export { type TimeDiff, timeDiff } from "./time_diff.ts";
export { timeSum } from "./utils.ts";
export {
  timeActive,
  timeAdd,
  timeAfter,
  timeAny1,
  timeBefore,
  timeDiffSince,
  timeEqual,
  timeIs,
  timeIs1,
  timeNot,
  timeTick,
} from "./time.ts";
