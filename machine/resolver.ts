/**
 * The relations resolver: Add, Require, Remove and After, resolved exactly
 * as upstream's DefaultRelationsResolver (relations.go), quirks included.
 *
 * @module
 */

import { type Core, j, log } from "./core.ts";
import { goSliceStable } from "./sort.ts";
import type { Transition } from "./transition.ts";
import { LogLevel, MutationType, Relation, type S, StepType } from "./types.ts";
import { uniq } from "./utils.ts";

/**
 * Builds the Require topology (DFS post-order over state → require edges),
 * in index order so it's deterministic. A cycle leaves it unsorted.
 */
export function buildTopology(core: Core): void {
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
}

/** Resolves the target states of a transition from the states to set. */
export function targetStates(core: Core, tx: Transition, statesToSet: S): S {
  const schema = core.schema;
  let list = parseAdd(core, tx, uniq(statesToSet));
  list = uniq(list);
  list = parseRequire(core, tx, list);

  // start from the end: earlier (called) states beat later (active) ones
  const blocked = new Set<string>();
  let resolved: S = [];
  for (let i = list.length - 1; i >= 0; i--) {
    const name = list[i];
    const blockedBy = stateBlockedBy(core, tx, list, name).filter((b) => !blocked.has(b));
    if (blockedBy.length === 0) {
      resolved.push(name);
      continue;
    }
    blocked.add(name);
    const wasActive = core.active.includes(name);
    log(
      core,
      wasActive ? LogLevel.Ops : LogLevel.Decisions,
      `[rel:remove] ${name} by ${j(blockedBy)}`,
    );
    if (tx.stepsOn) {
      tx.addStep("", name, wasActive ? StepType.Remove : StepType.RemoveNotActive, 0);
    }
  }

  // states removed by the states which are about to be set
  const toRemove: S = [];
  for (const name of resolved) {
    const rm = schema[name].remove;
    if (rm) toRemove.push(...rm);
  }
  resolved = uniq(parseAdd(core, tx, resolved).filter((s) => !toRemove.includes(s)));

  const target = parseRequire(core, tx, resolved.reverse());
  sortStates(core, tx, target);
  return target;
}

/** Sorts states by the Require topology, then by After (handler order). */
export function sortStates(core: Core, tx: Transition | undefined, states: S): void {
  const topo = core.topology;
  if (topo) {
    // a strict weak order, so JS's stable sort equals Go's here
    states.sort((a, b) => topo.indexOf(a) - topo.indexOf(b));
  }
  const schema = core.schema;
  const steps = tx?.stepsOn ?? false;
  goSliceStable(states, (name1, name2) => {
    if (schema[name1].after?.includes(name2)) {
      if (steps) tx!.addStep(name2, name1, StepType.Relation, Relation.After);
      return false;
    }
    if (schema[name2].after?.includes(name1)) {
      if (steps) tx!.addStep(name1, name2, StepType.Relation, Relation.After);
      return true;
    }
    return false;
  });
}

/** Expands the Add relation one level (upstream's loop quirk included). */
function parseAdd(core: Core, tx: Transition, states: S): S {
  const schema = core.schema;
  const before = tx.statesBefore;
  const isRemove = tx.mutation.type === MutationType.Remove;
  const ret = [...states];
  const visited = new Set<string>();
  for (const name of states) {
    const state = schema[name];
    if (!state.add) continue;
    if (before.includes(name) && !state.multi) continue;
    if (visited.has(name)) continue;
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
    visited.add(name);
  }
  return ret;
}

/** Drops states with missing requirements, until stable. */
function parseRequire(core: Core, tx: Transition, states: S): S {
  const schema = core.schema;
  let missing: Map<string, S> | undefined;
  let lengthBefore = -1;
  while (lengthBefore !== states.length) {
    lengthBefore = states.length;
    const current = states;
    states = current.filter((name) => {
      const reqs = schema[name].require;
      if (!reqs) return true;
      const miss = missingRequires(core, tx, name, reqs, current);
      if (miss.length > 0) (missing ??= new Map()).set(name, miss);
      return miss.length === 0;
    });
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
  tx: Transition,
  name: string,
  reqs: readonly string[],
  states: S,
): S {
  const ret: S = [];
  const steps = tx.stepsOn;
  for (const req of reqs) {
    if (steps) tx.addStep(name, req, StepType.Relation, Relation.Require);
    if (states.includes(req)) continue;
    ret.push(req);
    if (steps) {
      tx.addStep(name, "", StepType.RemoveNotActive, 0);
      if (tx.mutation.called.includes(core.index.get(name) ?? -1)) {
        tx.addStep("", req, StepType.Cancel, 0);
      }
    }
  }
  return ret;
}

function stateBlockedBy(core: Core, tx: Transition, blocking: S, blocked: string): S {
  const ret: S = [];
  for (const name of blocking) {
    if (!core.schema[name].remove?.includes(blocked)) continue;
    if (tx.stepsOn) tx.addStep(name, blocked, StepType.Relation, Relation.Remove);
    ret.push(name);
  }
  return ret;
}

/**
 * Auto states to activate after an accepted transition: inactive and not
 * removed by an active state. In index order (upstream iterates a map).
 */
export function autoStates(core: Core): S {
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
