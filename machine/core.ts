/**
 * The machine's internal state, shared by the machine, the transition and
 * the relations resolver. Not exported from the package.
 *
 * @module
 */

import type { Machine } from "./machine.ts";
import type { Tracer } from "./tracer.ts";
import type { Transition } from "./transition.ts";
import { type LogEntry, LogLevel, type Mutation, type S, type Schema } from "./types.ts";
import type { LogArgsMapper } from "./utils.ts";

/** A bound handlers object. */
export interface Binding {
  id: string;
  num: number;
  target: Record<string, unknown>;
  /** Names of the functions the target has (own and inherited). */
  names: Set<string>;
}

/** Receives every log line at or below the machine's level. */
export type Logger = (level: LogLevel, text: string) => void;

export interface Core {
  mach: Machine;
  id: string;
  schema: Schema;
  /** State names in index order. */
  names: S;
  index: Map<string, number>;
  /** Ticks, in index order. */
  clock: number[];
  /** Active states, in the order of the last transition's targets. */
  active: S;
  topology: S | undefined;
  tracers: Tracer[];
  tracerErrors: number;
  bindings: Binding[];
  hasHandlers: boolean;
  nextBindingNum: number;
  logLevel: LogLevel;
  logId: boolean;
  logPrefix: string;
  logger: Logger | undefined;
  logArgs: LogArgsMapper | undefined;
  steps: boolean;
  /** Log entries outside a transition, for the next one's preLogEntries. */
  logBuffer: LogEntry[];
  tx: Transition | undefined;
  queue: Mutation[];
  queueTick: number;
  queueTicksPending: number;
  queueToken: number;
  queueProcessing: boolean;
  queueLimit: number;
  disposing: boolean;
  disposed: boolean;
  /** Set by dispose() while the queue runs; called once it stops. */
  finishDispose: (() => void) | undefined;
  err: Error | undefined;
  panicCaught: boolean;
  /** Panic-recovery info about the handler running now. */
  latestHandlerIsEnter: boolean;
  latestHandlerIsFinal: boolean;
  latestHandlerToState: string;
}

/** Logs a line if `level` is enabled, into the transition or the buffer. */
export function log(core: Core, level: LogLevel, msg: string): void {
  if (level > core.logLevel || core.disposed) return;
  const text = core.logPrefix + msg;
  if (core.logger) {
    try {
      core.logger(level, text);
    } catch {
      // a broken logger must not break the machine
    }
  }
  const tx = core.tx;
  if (tx && !tx.isCompleted) {
    tx.logEntries.push({ level, text });
    return;
  }
  // skip consecutive duplicates, as upstream (except pipes and subscriptions)
  const buf = core.logBuffer;
  const last = buf[buf.length - 1];
  if (last && last.text === text && !allowDup(msg)) return;
  buf.push({ level, text });
  if (buf.length > 1000) buf.shift();
}

function allowDup(msg: string): boolean {
  return msg.startsWith("[pipe-") || msg.startsWith("[ctx") || msg.startsWith("[when");
}

/** Calls one hook on every tracer, isolating and counting failures. */
export function trace<K extends keyof Tracer>(
  core: Core,
  hook: K,
  ...args: Tracer[K] extends ((...a: infer P) => void) | undefined ? P : never
): void {
  const tracers = core.tracers;
  for (let i = 0; i < tracers.length; i++) {
    const fn = tracers[i][hook] as ((...a: unknown[]) => void) | undefined;
    if (fn === undefined) continue;
    try {
      fn.apply(tracers[i], args);
    } catch {
      core.tracerErrors++;
    }
  }
}

/** States joined with spaces (upstream's `j`). */
export function j(states: readonly string[]): string {
  return states.join(" ");
}

export { LogLevel };
