/**
 * The mutation queue: mutations run one at a time, in order; ones requested
 * during a transition wait for it (upstream's queueMutation and PrependMut).
 * The loop running it is in process.ts.
 *
 * @module
 */

import { breakpoint } from "./breakpoints.ts";
import { type Core, j, log, logArgs, trace } from "./core.ts";
import type { HandlerEvent } from "./api.ts";
import { type A, LogLevel, type Mutation, type MutationType, Result, type S } from "./types.ts";
import { mutationTypeName, timeSum, uniq } from "./utils.ts";

/** Checks that every state exists (throwing a clear error) and dedupes. */
export function parseStates(core: Core, states: S): S {
  if (!Array.isArray(states)) {
    throw new TypeError(`machine ${core.id}: states must be a list of state names`);
  }
  for (const s of states) {
    if (!core.index.has(s)) {
      throw new Error(`state ${String(s)} is not defined in the schema of machine ${core.id}`);
    }
  }
  return states.length > 1 ? uniq(states) : states;
}

function isEmpty(args: A | undefined): boolean {
  if (!args) return true;
  for (const _ in args) return false;
  return true;
}

function isQueued(core: Core, type: MutationType, called: number[]): boolean {
  for (const mut of core.queue) {
    if (
      !mut.isCheck && mut.type === type && isEmpty(mut.args) &&
      mut.called.length === called.length && called.every((i) => mut.called.includes(i))
    ) return true;
  }
  return false;
}

/**
 * Appends a mutation to the queue. Returns its queue tick, or 0 when an
 * identical mutation is already queued.
 */
export function queueMutation(
  core: Core,
  type: MutationType,
  states: S,
  args: A | undefined,
  event?: HandlerEvent,
): number {
  const parsed = parseStates(core, states);
  const called = parsed.map((s) => core.index.get(s)!);
  const multi = parsed.some((s) => core.schema[s].multi);
  if (!multi && isEmpty(args) && core.queue.length > 0 && isQueued(core, type, called)) {
    log(
      core,
      LogLevel.Ops,
      `[queue:skipped] Duplicate detected for [${mutationTypeName(type)}] ${j(parsed)}`,
    );
    return 0;
  }
  const mut: Mutation = {
    type,
    called,
    args: args ?? {},
    auto: false,
    isCheck: false,
    queueLen: 0,
    queueTick: 0,
    queueToken: 0,
    queueTickNow: core.queueTick,
  };
  if (event) {
    mut.source = {
      machId: event.machineId,
      txId: event.transitionId,
      machTime: timeSum(event.transition.timeBefore),
    };
  }
  core.queue.push(mut);
  core.queueTicksPending++;
  mut.queueLen = core.queue.length;
  mut.queueTick = core.queueTicksPending + core.queueTick;
  if (core.logLevel >= LogLevel.Ops) {
    log(core, LogLevel.Ops, `[queue:${mutationTypeName(type)}] ${j(parsed)}${logArgs(core, mut)}`);
  }
  if (!core.disposing) trace(core, core.hooks.mutationQueued, core.mach, mut);
  if (core.breakpoints) breakpoint(core, type, parsed);
  return mut.queueTick;
}

/**
 * Puts a mutation at the front of the queue (auto states, exceptions, checks).
 * The caller runs the queue (see `prependMut` in process.ts); inside the queue
 * loop use {@linkcode prependRunning}.
 */
export function prepend(core: Core, mut: Mutation): boolean {
  if (core.disposing) return false;
  const names = mut.called.map((i) => core.names[i]);
  log(
    core,
    LogLevel.Ops,
    `[prepend:${mutationTypeName(mut.type)}] ${j(names)}${logArgs(core, mut)}`,
  );
  core.queue.unshift(mut);
  mut.queueLen = core.queue.length;
  mut.queueToken = ++core.queueToken;
  mut.queueTickNow = core.queueTick;
  mut.queueTick = 0;
  trace(core, core.hooks.mutationQueued, core.mach, mut);
  return true;
}

/**
 * The queue is running: log it and return Queued (upstream's processQueue
 * when it can't take the lock).
 */
export function postpone(core: Core): Result {
  const n = core.queue.length;
  log(core, LogLevel.Ops, `[postpone] queue running (${n} ${n === 1 ? "item" : "items"})`);
  return Result.Queued;
}

/**
 * {@linkcode prepend} from inside the queue loop (handlers, emitEvents):
 * upstream's PrependMut there always postpones, as the queue is running.
 */
export function prependRunning(core: Core, mut: Mutation): Result {
  if (!prepend(core, mut)) return Result.Canceled;
  return core.queue.length === 0 || core.disposing ? Result.Canceled : postpone(core);
}
