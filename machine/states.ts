/**
 * The names of the states asyncmachine gives a meaning to (upstream's
 * `StateException`, `StateHealthcheck`, `StateHeartbeat`).
 *
 * @module
 */

/**
 * The error state: Multi, added by `addErr` and by a throwing handler, and
 * to every schema which lacks it.
 *
 * @example Usage
 * ```ts
 * import { Machine, StateException } from "@asyncmachine/telemetry/machine";
 * const mach = new Machine({ Foo: {} });
 * mach.addErr(new Error("boom"));
 * mach.is([StateException]); // true
 * ```
 */
export const StateException = "Exception";

/**
 * A health-check state: a single-state `add` of it is a health transition
 * (no Auto states follow, exporters may skip it).
 *
 * @example Usage
 * ```ts
 * import { Machine, StateHealthcheck } from "@asyncmachine/telemetry/machine";
 * const mach = new Machine({ [StateHealthcheck]: { multi: true } });
 * mach.add([StateHealthcheck]);
 * ```
 */
export const StateHealthcheck = "Healthcheck";

/**
 * A heartbeat state, a health transition as {@linkcode StateHealthcheck}.
 *
 * @example Usage
 * ```ts
 * import { Machine, StateHeartbeat } from "@asyncmachine/telemetry/machine";
 * const mach = new Machine({ [StateHeartbeat]: { multi: true } });
 * mach.add([StateHeartbeat]);
 * ```
 */
export const StateHeartbeat = "Heartbeat";
