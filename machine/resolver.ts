/**
 * The relations resolver: Add, Require, Remove and After, resolved exactly
 * as upstream's DefaultRelationsResolver (relations.go), quirks included.
 *
 * @module
 */

import { type Core, j, log, StateDef } from "./core.ts";
import { goSliceStable } from "./sort.ts";
import type { TransitionRecord } from "./transition.ts";
import { LogLevel, MutationType, Relation, type S, StepType } from "./types.ts";
import { uniq } from "./utils.ts";

/**
 * Builds the Require topology (DFS post-order over state → require edges),
 * in index order so it's deterministic. A cycle leaves it unsorted.
 */
export function buildTopology(core: Core): void {
  const removedBy = new Map<string, Set<string>>();
  for (const name of Object.keys(core.schema)) {
    for (const rm of core.schema[name].remove ?? []) {
      let set = removedBy.get(rm);
      if (!set) removedBy.set(rm, set = new Set());
      set.add(name);
    }
  }
  core.removedBy = removedBy;
  core.hasAuto = Object.values(core.schema).some((s) => s.auto);
  core.defs = new Map(Object.entries(core.schema).map(([name, s]) => [name, new StateDef(s)]));
  const edges = new Map<string, string[]>();
  for (const name of core.names) {
    for (const req of core.schema[name].require ?? []) {
      let list = edges.get(name);
      if (!list) edges.set(name, list = []);
      list.push(req);
    }
  }
  const visited = new Set<string>();
  const temp = new Set<string>();
  const stack: S = [];
  const visit = (node: string): string | undefined => {
    if (temp.has(node)) return node;
    if (visited.has(node)) return;
    temp.add(node);
    for (const next of edges.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    temp.delete(node);
    visited.add(node);
    stack.push(node);
  };
  for (const node of edges.keys()) {
    const cycle = visit(node);
    if (cycle) {
      log(
        core,
        LogLevel.Changes,
        `[resolver] relation error: state ${cycle} has a Require cycle for ${core.id}`,
      );
      return;
    }
  }
  core.topology = stack;
  core.topoRank = new Map(stack.map((s, i) => [s, i]));
}

/** Resolves the target states of a transition from the states to set. */
export function targetStates(core: Core, tx: TransitionRecord, statesToSet: S): S {
  const defs = core.defs;
  let list = parseAdd(core, tx, uniq(statesToSet));
  list = uniq(list);
  list = parseRequire(core, tx, list);

  // start from the end: earlier (called) states beat later (active) ones
  let blocked: Set<string> | undefined;
  let resolved: S = [];
  for (let i = list.length - 1; i >= 0; i--) {
    const name = list[i];
    let blockedBy = stateBlockedBy(core, tx, list, name);
    if (blockedBy.length > 0 && blocked) {
      const skip = blocked;
      blockedBy = blockedBy.filter((b) => !skip.has(b));
    }
    if (blockedBy.length === 0) {
      resolved.push(name);
      continue;
    }
    (blocked ??= new Set()).add(name);
    const wasActive = core.active.includes(name);
    const level = wasActive ? LogLevel.Ops : LogLevel.Decisions;
    if (level <= core.logLevel) log(core, level, `[rel:remove] ${name} by ${j(blockedBy)}`);
    if (tx.stepsOn) {
      tx.addStep("", name, wasActive ? StepType.Remove : StepType.RemoveNotActive, 0);
    }
  }

  // states removed by the states which are about to be set
  const toRemove: S = [];
  for (const name of resolved) {
    const rm = defs.get(name)!.remove;
    if (rm) toRemove.push(...rm);
  }
  const added = parseAdd(core, tx, resolved);
  resolved = uniq(toRemove.length ? added.filter((s) => !toRemove.includes(s)) : added);

  const target = parseRequire(core, tx, resolved.reverse());
  sortStates(core, tx, target);
  return target;
}

/** Sorts states by the Require topology, then by After (handler order). */
export function sortStates(core: Core, tx: TransitionRecord | undefined, states: S): void {
  const rank = core.topoRank;
  if (core.topology && rank) sortByRank(states, rank);
  const defs = core.defs;
  const steps = tx?.stepsOn ?? false;
  goSliceStable(states, (name1, name2) => {
    if (defs.get(name1)!.after?.includes(name2)) {
      if (steps) tx!.addStep(name2, name1, StepType.Relation, Relation.After);
      return false;
    }
    if (defs.get(name2)!.after?.includes(name1)) {
      if (steps) tx!.addStep(name1, name2, StepType.Relation, Relation.After);
      return true;
    }
    return false;
  });
}

// sort keys of sortByRank, reused (it calls nothing that sorts)
const keys: number[] = [];

/**
 * A stable sort by topology rank (states outside it rank -1, as indexOf
 * had it): a strict weak order, so any stable sort equals Go's here. An
 * insertion sort over precomputed keys: lists are short, and no comparator
 * looks a rank up twice per comparison.
 */
function sortByRank(states: S, rank: Map<string, number>): void {
  const n = states.length;
  for (let i = 0; i < n; i++) keys[i] = rank.get(states[i]) ?? -1;
  for (let i = 1; i < n; i++) {
    const k = keys[i];
    const s = states[i];
    let j = i - 1;
    while (j >= 0 && keys[j] > k) {
      keys[j + 1] = keys[j];
      states[j + 1] = states[j];
      j--;
    }
    keys[j + 1] = k;
    states[j + 1] = s;
  }
}

/** Expands the Add relation one level (upstream's loop quirk included). */
function parseAdd(core: Core, tx: TransitionRecord, states: S): S {
  const defs = core.defs;
  const before = tx.statesBefore;
  const isRemove = tx.mutation.type === MutationType.Remove;
  const ret = states.slice();
  let visited: Set<string> | undefined;
  for (const name of states) {
    const state = defs.get(name)!;
    if (!state.add) continue;
    if (before.includes(name) && !state.multi) continue;
    if (visited?.has(name)) continue;
    let adds = state.add;
    if (isRemove) {
      adds = adds.filter((add) => !tx.mutation.called.includes(core.index.get(add) ?? -1));
    }
    if (adds.length === 0) continue;
    // upstream records Add relations even in checks (IsSteps)
    if (core.steps) {
      for (const add of adds) tx.addStep(name, add, StepType.Relation, Relation.Add);
      for (const add of adds) tx.addStep("", add, StepType.Set, 0);
    }
    ret.push(...adds);
    (visited ??= new Set()).add(name);
  }
  return ret;
}

/** Drops states with missing requirements, until stable. */
function parseRequire(core: Core, tx: TransitionRecord, states: S): S {
  const defs = core.defs;
  let missing: Map<string, S> | undefined;
  let lengthBefore = -1;
  while (lengthBefore !== states.length) {
    lengthBefore = states.length;
    const current = states;
    states = [];
    for (const name of current) {
      const reqs = defs.get(name)!.require;
      if (!reqs) {
        states.push(name);
        continue;
      }
      const miss = missingRequires(core, tx, name, reqs, current);
      if (miss.length > 0) (missing ??= new Map()).set(name, miss);
      else states.push(name);
    }
  }
  if (missing) {
    const names: S = [];
    for (const [state, notFound] of missing) names.push(`${state}(-${notFound.join(" -")})`);
    if (tx.mutation.auto) log(core, LogLevel.Decisions, `[reject:auto] ${j(names)}`);
    else log(core, LogLevel.Ops, `[reject] ${j(names)}`);
  }
  return states;
}

function missingRequires(
  core: Core,
  tx: TransitionRecord,
  name: string,
  reqs: readonly string[],
  states: S,
): S {
  let ret: S | undefined;
  const steps = tx.stepsOn;
  for (const req of reqs) {
    if (steps) tx.addStep(name, req, StepType.Relation, Relation.Require);
    if (states.includes(req)) continue;
    (ret ??= []).push(req);
    if (steps) {
      tx.addStep(name, "", StepType.RemoveNotActive, 0);
      if (tx.mutation.called.includes(core.index.get(name) ?? -1)) {
        tx.addStep("", req, StepType.Cancel, 0);
      }
    }
  }
  return ret ?? NONE;
}

// the common "nothing found" result, shared: callers only read it
const NONE: S = [];

function stateBlockedBy(core: Core, tx: TransitionRecord, blocking: S, blocked: string): S {
  // most states aren't removed by any state: no scan of the list
  const removers = core.removedBy.get(blocked);
  if (!removers) return NONE;
  let ret: S | undefined;
  for (const name of blocking) {
    if (!removers.has(name)) continue;
    if (tx.stepsOn) tx.addStep(name, blocked, StepType.Relation, Relation.Remove);
    (ret ??= []).push(name);
  }
  return ret ?? NONE;
}

/**
 * Auto states to activate after an accepted transition: inactive and not
 * removed by an active state. In index order (upstream iterates a map).
 */
export function autoStates(core: Core): S {
  if (!core.hasAuto) return NONE;
  const ret: S = [];
  for (const name of core.names) {
    if (!core.schema[name].auto || core.active.includes(name)) continue;
    let isBlocked = false;
    for (const active of core.active) {
      if (core.schema[active].remove?.includes(name)) {
        log(core, LogLevel.Everything, `[auto:rel:remove] ${name} by ${active}`);
        isBlocked = true;
        break;
      }
    }
    if (!isBlocked) ret.push(name);
  }
  return ret;
}
