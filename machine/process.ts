/**
 * The queue loop (upstream's processQueue) and prepending with a run, on
 * top of execute.ts: the only place a transition is started.
 *
 * @module
 */

import { type Core, trace } from "./core.ts";
import { emitEvents, newTransition } from "./execute.ts";
import { postpone, prepend } from "./queue.ts";
import { processQueueEnd, processTransition } from "./subscriptions.ts";
import { type Mutation, Result } from "./types.ts";

/** Prepends a mutation and runs the queue (upstream's PrependMut). */
export function prependMut(core: Core, mut: Mutation): Result {
  if (!prepend(core, mut)) return Result.Canceled;
  return processQueue(core);
}

/**
 * Executes queued mutations until the queue is empty. Re-entrant calls
 * (from handlers) return Queued. Returns the first transition's result.
 */
export function processQueue(core: Core): Result {
  if (core.queue.length === 0 || core.disposing) return Result.Canceled;
  if (core.queueProcessing) return postpone(core);
  core.queueProcessing = true;
  let first: Result | undefined;
  try {
    while (core.queue.length > 0 && !core.disposing) {
      const mut = core.queue.shift()!;
      if (mut.queueTick > 0) {
        core.queueTicksPending--;
        core.queueTick++;
      }
      const tx = newTransition(core, mut);
      const res = emitEvents(core, tx);
      first ??= res;
      if (core.subs && tx.accepted && !mut.isCheck) {
        processTransition(core, tx.enters, tx.exits, tx.timeBefore);
      }
    }
  } finally {
    core.tx = undefined;
    core.queueProcessing = false;
  }
  if (!core.disposing) {
    trace(core, core.hooks.queueEnd, core.mach);
    if (core.subs) processQueueEnd(core);
  } // dispose() called from a handler waits for the queue
  else core.finishDispose?.();
  return first ?? Result.Canceled;
}
