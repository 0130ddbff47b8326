/**
 * Read-only questions about a machine: relations, the queue, clocks and
 * the `Inspect` dump (upstream's resolver and Machine queries).
 *
 * @module
 */

import { type Core, j } from "./core.ts";
import { Position, type QueuedMatch, type QueueQuery, Relation, type S } from "./types.ts";

function unknownState(core: Core, state: string): Error {
  return new Error(`state ${state} is not defined in the schema of machine ${core.id}`);
}

/** The relation types a state has, in upstream's order (add, require, remove, after). */
export function relationsOf(core: Core, state: string): Relation[] {
  const def = core.schema[state];
  if (!def || !core.index.has(state)) throw unknownState(core, state);
  const ret: Relation[] = [];
  if (def.add) ret.push(Relation.Add);
  if (def.require) ret.push(Relation.Require);
  if (def.remove) ret.push(Relation.Remove);
  if (def.after) ret.push(Relation.After);
  return ret;
}

/** The relations from one state to another, in upstream's order. */
export function relationsBetween(core: Core, from: string, to: string): Relation[] {
  const def = core.schema[from];
  if (!def || !core.index.has(from)) throw unknownState(core, from);
  if (!core.index.has(to)) throw unknownState(core, to);
  const ret: Relation[] = [];
  if (def.add?.includes(to)) ret.push(Relation.Add);
  if (def.require?.includes(to)) ret.push(Relation.Require);
  if (def.remove?.includes(to)) ret.push(Relation.Remove);
  if (def.after?.includes(to)) ret.push(Relation.After);
  return ret;
}

/** Finds a queued mutation (upstream's IsQueued). */
export function isQueued(core: Core, q: QueueQuery): QueuedMatch {
  const none = { found: false, index: 0, queueTick: 0 };
  if (core.disposing) return none;
  let queue = core.queue;
  if (q.position === Position.First) queue = queue.slice(0, 1);
  else if (q.position === Position.Last) queue = queue.slice(Math.max(0, queue.length - 1));
  const idxs = q.states.map((s) => core.index.get(s) ?? -1);
  const isCheck = q.isCheck ?? false;
  for (let i = 0; i < queue.length; i++) {
    const mut = queue[i];
    if (q.minQueueTick && mut.queueTick < q.minQueueTick) continue;
    if (mut.isCheck !== isCheck || mut.type !== q.type) continue;
    if (q.withoutArgsOnly && Object.keys(mut.args).length > 0) continue;
    if (q.statesStrictEqual ? mut.called.length !== idxs.length : mut.called.length < idxs.length) {
      continue;
    }
    if (!idxs.every((i) => mut.called.includes(i))) continue;
    return { found: true, index: i, queueTick: mut.queueTick };
  }
  return none;
}

/** Counts matching queued mutations, true at `threshold` (upstream's IsQueuedAbove). */
export function isQueuedAbove(core: Core, threshold: number, q: QueueQuery): boolean {
  if (core.disposing) return false;
  const idxs = q.states.map((s) => core.index.get(s) ?? -1);
  let count = 0;
  for (const mut of core.queue) {
    if (q.minQueueTick && mut.queueTick < q.minQueueTick) continue;
    if (mut.isCheck || mut.type !== q.type) continue;
    if (q.withoutArgsOnly && Object.keys(mut.args).length > 0) continue;
    if (q.statesStrictEqual ? mut.called.length !== idxs.length : mut.called.length < idxs.length) {
      continue;
    }
    if (!idxs.every((i) => mut.called.includes(i))) continue;
    if (++count >= threshold) return true;
  }
  return false;
}

/** Every state of `clock` has exactly that tick (upstream's IsClock). */
export function isClock(core: Core, clock: Record<string, number>): boolean {
  if (core.disposing) return false;
  for (const [state, tick] of Object.entries(clock)) {
    const idx = core.index.get(state);
    if ((idx === undefined ? 0 : core.clock[idx]) !== tick) return false;
  }
  return true;
}

/** The ticks of `states` (all, in index order, by default) equal `time`. */
export function isTime(core: Core, time: readonly number[], states?: S): boolean {
  if (core.disposing) return false;
  const names = states ?? core.names;
  for (let i = 0; i < time.length; i++) {
    const idx = core.index.get(names[i]);
    if ((idx === undefined ? 0 : core.clock[idx]) !== time[i]) return false;
  }
  return true;
}

/** The machine as upstream's `Inspect` prints it: per state, activity, tick and relations. */
export function inspect(core: Core, states?: S): string {
  if (core.disposing) return "";
  let ret = "";
  for (const name of states ?? core.names) {
    const def = core.schema[name] ?? {};
    const idx = core.index.get(name);
    const tick = idx === undefined ? 0 : core.clock[idx];
    ret += `${core.active.includes(name) ? 1 : 0} ${name}\n    |Tick     ${tick}\n`;
    if (def.auto) ret += "    |Auto     true\n";
    if (def.multi) ret += "    |Multi    true\n";
    if (def.add) ret += `    |Add      ${j(def.add)}\n`;
    if (def.require) ret += `    |Require  ${j(def.require)}\n`;
    if (def.remove) ret += `    |Remove   ${j(def.remove)}\n`;
    if (def.after) ret += `    |After    ${j(def.after)}\n`;
  }
  return ret;
}
