/**
 * The tracer interface: hooks called by the machine at the same moments as
 * asyncmachine-go calls its `Tracer`.
 *
 * @module
 */

import type { Machine } from "./machine.ts";
import type { Transition } from "./transition.ts";
import type { Mutation, Schema } from "./types.ts";

/**
 * Observes machines. Every hook is optional and synchronous; an exception
 * thrown by a hook is caught and counted (`mach.tracerErrors`), never
 * reaching the machine.
 *
 * Order for one mutation: `mutationQueued` → `transitionInit` →
 * `transitionStart` → (`handlerStart` → `handlerEnd`)* → `transitionFinals`
 * (accepted only) → (`handlerStart` → `handlerEnd`)* → `transitionEnd` →
 * `queueEnd` once the queue drains.
 *
 * @example A tracer counting transitions
 * ```ts
 * import { Machine, type Tracer } from "@asyncmachine/telemetry/machine";
 * let count = 0;
 * const tracer: Tracer = { id: "counter", transitionEnd() { count++; } };
 * const mach = new Machine({ Foo: {} }, { tracers: [tracer] });
 * mach.add(["Foo"]);
 * count; // 1
 * ```
 */
export interface Tracer {
  /** Unique id among a machine's tracers. */
  readonly id: string;
  /** Bind this tracer to submachines automatically. */
  readonly inheritable?: boolean;
  /** The machine was created with this tracer, or it was bound. */
  machineInit?(mach: Machine): void;
  /** The machine got disposed (called once). */
  machineDispose?(id: string): void;
  /** A machine was created with `parent` as its parent. */
  newSubmachine?(parent: Machine, mach: Machine): void;
  /** A transition was resolved; targets and acceptance are known. */
  transitionInit?(tx: Transition): void;
  /** Negotiation is about to start. */
  transitionStart?(tx: Transition): void;
  /** A handler is about to run; `emitter` is the handlers' binding id. */
  handlerStart?(tx: Transition, emitter: string, handler: string): void;
  /** A handler returned or threw. */
  handlerEnd?(tx: Transition, emitter: string, handler: string): void;
  /** States and clocks were applied (accepted transitions only). */
  transitionFinals?(tx: Transition): void;
  /** The transition ended (accepted or canceled). */
  transitionEnd?(tx: Transition): void;
  /** A mutation got queued (or prepended). */
  mutationQueued?(mach: Machine, mut: Mutation): void;
  /** The queue drained. */
  queueEnd?(mach: Machine): void;
  /** `setSchema` replaced the schema; `old` is the previous one. */
  schemaChange?(mach: Machine, old: Schema): void;
  /** The states' index order was set (`verifyStates`). */
  verifyStates?(mach: Machine): void;
}
