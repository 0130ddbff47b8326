/**
 * am-telemetry: asyncmachine-style state machines with first-class
 * telemetry for Deno.
 *
 * @example
 * ```ts
 * import { Machine } from "@asyncmachine/telemetry";
 * const mach = new Machine({ Foo: {} });
 * mach.add(["Foo"]);
 * ```
 *
 * @module
 */

export * from "./machine/mod.ts";
export * from "./prometheus/mod.ts";
export * from "./otel/mod.ts";
export * from "./dbg/mod.ts";
export * from "./loki/mod.ts";
export * from "./env.ts";
