/**
 * Waiting on a machine (upstream's subscriptions.go): promises settled by
 * the transition which makes them true, state contexts as `AbortSignal`s.
 * Every wait is indexed by what can settle it, unlinked when it settles
 * (resolved, aborted or disposed), and costs nothing while none exists.
 * Over ~400 lines on purpose: registering, settling and unlinking share the
 * private index and the settle helpers; split, they'd need them exported.
 *
 * @module
 */

import {
  type ArgsSub,
  type Core,
  j,
  log,
  type QuerySub,
  type QueueSub,
  type Sub,
  type Subscriptions,
  type TimeSub,
  type WhenSub,
} from "./core.ts";
import { type A, LogLevel, type S, type SubscriptionCounts } from "./types.ts";

/**
 * The reason waits reject with when their machine gets disposed.
 *
 * @example Usage
 * ```ts
 * import { Machine, MachineDisposedError } from "@asyncmachine/telemetry/machine";
 * const mach = new Machine({ Foo: {} });
 * const wait = mach.when(["Foo"]);
 * mach.dispose();
 * await wait.catch((err) => err instanceof MachineDisposedError); // true
 * ```
 */
export class MachineDisposedError extends Error {
  /** The disposed machine's id. */
  readonly machineId: string;

  /**
   * An error for the machine `id`.
   *
   * @param id The machine's id.
   */
  constructor(id: string) {
    super(`machine ${id} disposed`);
    this.name = "MachineDisposedError";
    this.machineId = id;
  }
}

function subs(core: Core): Subscriptions {
  return core.subs ??= {
    when: new Map(),
    whenTime: new Map(),
    whenArgs: new Map(),
    whenQuery: new Set(),
    whenQueue: new Set(),
    whenQueueEnds: new Set(),
    stateCtx: new Map(),
  };
}

const noop = () => {};

/** A settled wait's promise: resolved, or rejected (and marked handled). */
export function settled(reason?: unknown): Promise<void> {
  if (reason === undefined) return Promise.resolve();
  const p = Promise.reject(reason);
  p.catch(noop);
  return p;
}

/** Why a wait can't start: the machine is disposed or the signal aborted. */
export function refusal(core: Core, signal: AbortSignal | undefined): unknown {
  if (core.disposing) return new MachineDisposedError(core.id);
  if (signal?.aborted) return signal.reason;
  return undefined;
}

/** The pending part of a new wait; {@linkcode arm} links it. */
function pending(signal: AbortSignal | undefined): Sub {
  const { promise, resolve, reject } = Promise.withResolvers<void>();
  // a wait nobody awaits must not turn a dispose into an unhandled rejection
  promise.catch(noop);
  return { promise, resolve, reject, signal, onAbort: undefined, unlink: noop, done: false };
}

/** Sets how a wait leaves its index, and listens to its signal. */
function arm(sub: Sub, unlink: () => void): void {
  sub.unlink = unlink;
  const signal = sub.signal;
  if (!signal) return;
  sub.onAbort = () => fail(sub, signal.reason);
  signal.addEventListener("abort", sub.onAbort, { once: true });
}

/** Resolves a wait, unlinking it and its abort listener. */
function settle(sub: Sub): void {
  if (finish(sub)) sub.resolve();
}

/** Rejects a wait, unlinking it and its abort listener. */
function fail(sub: Sub, reason: unknown): void {
  if (finish(sub)) sub.reject(reason);
}

function finish(sub: Sub): boolean {
  if (sub.done) return false;
  sub.done = true;
  sub.unlink();
  if (sub.signal && sub.onAbort) sub.signal.removeEventListener("abort", sub.onAbort);
  return true;
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  let set = map.get(key);
  if (!set) map.set(key, set = new Set());
  set.add(value);
}

function removeFrom<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}

function statesKey(states: S): string {
  return [...states].sort().join(" ");
}

/** What a when/whenNot wait waits for: every state active, or (negation) inactive. */
type StatesGoal = Pick<WhenSub, "states" | "negation">;

function reached(core: Core, { states, negation }: StatesGoal): boolean {
  return states.every((x) => core.active.includes(x) !== negation);
}

/**
 * Waits until every state is active. Pending waits on the same states and
 * signal share one promise (upstream reuses the channel).
 */
export function when(core: Core, states: S, signal: AbortSignal | undefined): Promise<void> {
  return waitStates(core, { states, negation: false }, signal);
}

/** Waits until every state is inactive; see {@linkcode when}. */
export function whenNot(core: Core, states: S, signal: AbortSignal | undefined): Promise<void> {
  return waitStates(core, { states, negation: true }, signal);
}

function waitStates(
  core: Core,
  goal: StatesGoal,
  signal: AbortSignal | undefined,
): Promise<void> {
  const refused = refusal(core, signal);
  if (refused !== undefined) return settled(refused);
  if (reached(core, goal)) return settled();
  const { states, negation } = goal;
  const s = subs(core);
  const key = statesKey(states);
  for (const sub of s.when.get(states[0]) ?? []) {
    if (sub.negation === negation && sub.key === key && sub.signal === signal) return sub.promise;
  }
  const sub: WhenSub = { ...pending(signal), states, negation, key };
  arm(sub, () => {
    for (const state of states) removeFrom(s.when, state, sub);
  });
  for (const state of states) addTo(s.when, state, sub);
  log(core, LogLevel.Ops, `[${negation ? "whenNot" : "when"}:new] ${j(states)}`);
  return sub.promise;
}

/** Waits until each state's tick reaches its time. */
export function whenTime(
  core: Core,
  states: S,
  times: number[],
  signal: AbortSignal | undefined,
): Promise<void> {
  const refused = refusal(core, signal);
  if (refused !== undefined) return settled(refused);
  if (states.every((state, i) => tick(core, state) >= times[i])) return settled();
  const s = subs(core);
  const key = states.map((state, i) => `${state}:${times[i]}`).join(" ");
  for (const sub of s.whenTime.get(states[0]) ?? []) {
    if (sub.key === key && sub.signal === signal) return sub.promise;
  }
  const sub: TimeSub = { ...pending(signal), states, times, key };
  arm(sub, () => {
    for (const state of states) removeFrom(s.whenTime, state, sub);
  });
  for (const state of states) addTo(s.whenTime, state, sub);
  log(core, LogLevel.Ops, `[whenTime:new] ${states.join(",")} (${times.join(" ")})`);
  return sub.promise;
}

/** Waits until `state`'s final handler runs with all of `args` (by ===). */
export function whenArgs(
  core: Core,
  state: string,
  args: A,
  signal: AbortSignal | undefined,
): Promise<void> {
  const refused = refusal(core, signal);
  if (refused !== undefined) return settled(refused);
  const s = subs(core);
  const handler = state + "State";
  log(core, LogLevel.Ops, `[whenArgs:new] ${state} (${Object.keys(args).join(",")})`);
  for (const sub of s.whenArgs.get(handler) ?? []) {
    if (sub.signal === signal && argsMatch(sub.args, args) && argsMatch(args, sub.args)) {
      return sub.promise;
    }
  }
  const sub: ArgsSub = { ...pending(signal), state, args };
  arm(sub, () => removeFrom(s.whenArgs, handler, sub));
  addTo(s.whenArgs, handler, sub);
  return sub.promise;
}

/** Waits until `fn(clock)` returns true after a transition. */
export function whenQuery(
  core: Core,
  fn: (clock: Record<string, number>) => boolean,
  signal: AbortSignal | undefined,
): Promise<void> {
  const refused = refusal(core, signal);
  if (refused !== undefined) return settled(refused);
  const s = subs(core);
  log(core, LogLevel.Ops, `[whenQuery:new] ${s.whenQuery.size}`);
  const sub: QuerySub = { ...pending(signal), fn };
  arm(sub, () => s.whenQuery.delete(sub));
  s.whenQuery.add(sub);
  return sub.promise;
}

/** Waits until the queue tick reaches `tick`. */
export function whenQueue(
  core: Core,
  tick: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  const refused = refusal(core, signal);
  if (refused !== undefined) return settled(refused);
  if (core.queueTick >= tick) return settled();
  const s = subs(core);
  log(core, LogLevel.Ops, `[whenQueue:new] ${tick}`);
  const sub: QueueSub = { ...pending(signal), tick };
  arm(sub, () => s.whenQueue.delete(sub));
  s.whenQueue.add(sub);
  return sub.promise;
}

/** Waits until the running queue drains (at once when it isn't running). */
export function whenQueueEnds(core: Core, signal: AbortSignal | undefined): Promise<void> {
  const refused = refusal(core, signal);
  if (refused !== undefined) return settled(refused);
  if (!core.queueProcessing) return settled();
  const s = subs(core);
  const sub = pending(signal);
  arm(sub, () => s.whenQueueEnds.delete(sub));
  s.whenQueueEnds.add(sub);
  return sub.promise;
}

/**
 * The context of a state's current activation (or, when inactive, of its
 * inactivity): aborted once the state gets activated or deactivated (for
 * Multi states: also re-activated). One signal per state until then.
 */
export function newStateCtx(core: Core, state: string): AbortSignal {
  if (core.disposing) return AbortSignal.abort(new MachineDisposedError(core.id));
  const s = subs(core);
  const ctrl = s.stateCtx.get(state);
  if (ctrl) return ctrl.signal;
  const next = new AbortController();
  s.stateCtx.set(state, next);
  log(core, LogLevel.Ops, `[ctx:new] ${state}`);
  return next.signal;
}

function tick(core: Core, state: string): number {
  const idx = core.index.get(state);
  return idx === undefined ? 0 : core.clock[idx];
}

function argsMatch(args: A, match: A): boolean {
  for (const k in match) if (args[k] !== match[k]) return false;
  return true;
}

/** The contexts of the states which got (de)activated end: abort them. */
export function processStateCtx(core: Core, activated: S, deactivated: S): void {
  const s = core.subs;
  if (!s || s.stateCtx.size === 0) return;
  for (const list of [activated, deactivated]) {
    for (const state of list) {
      const ctrl = s.stateCtx.get(state);
      if (!ctrl) continue;
      s.stateCtx.delete(state);
      log(core, LogLevel.Ops, `[ctx:match] ${state}`);
      ctrl.abort(new Error(`state ${state} of machine ${core.id} changed`));
    }
  }
}

/** An accepted transition changed states and ticks: settle what it satisfied. */
export function processTransition(
  core: Core,
  activated: S,
  deactivated: S,
  timeBefore: readonly number[],
): void {
  const s = core.subs;
  if (!s) return;
  if (s.when.size > 0) {
    for (const list of [activated, deactivated]) {
      for (const state of list) {
        const set = s.when.get(state);
        if (!set) continue;
        for (const sub of [...set]) {
          if (!reached(core, sub)) continue;
          log(core, LogLevel.Ops, `[${sub.negation ? "whenNot" : "when"}:match] ${j(sub.states)}`);
          settle(sub);
        }
      }
    }
  }
  if (s.whenTime.size > 0) {
    for (let i = 0; i < core.names.length; i++) {
      if (core.clock[i] === timeBefore[i]) continue;
      const set = s.whenTime.get(core.names[i]);
      if (!set) continue;
      for (const sub of [...set]) {
        if (!sub.states.every((state, k) => tick(core, state) >= sub.times[k])) continue;
        log(core, LogLevel.Ops, `[whenTime:match] ${j(sub.states)} (${sub.times.join(" ")})`);
        settle(sub);
      }
    }
  }
  if (s.whenQueue.size > 0) {
    for (const sub of [...s.whenQueue]) {
      if (sub.tick > core.queueTick) continue;
      log(core, LogLevel.Ops, `[whenQueue:match] ${sub.tick}`);
      settle(sub);
    }
  }
  if (s.whenQuery.size > 0) {
    let clock: Record<string, number> | undefined;
    let i = 0;
    for (const sub of [...s.whenQuery]) {
      clock ??= Object.fromEntries(core.names.map((n, k) => [n, core.clock[k]]));
      let ok = false;
      try {
        ok = sub.fn(clock);
      } catch (err) {
        fail(sub, err);
        continue;
      }
      if (ok) {
        log(core, LogLevel.Ops, `[whenQuery:match] ${i}`);
        settle(sub);
      }
      i++;
    }
  }
}

/** Whether any whenArgs wait exists (final handlers then run without handlers). */
export function hasWhenArgs(core: Core): boolean {
  return (core.subs?.whenArgs.size ?? 0) > 0;
}

/** A final handler ran: settle the whenArgs waits its args match. */
export function processWhenArgs(core: Core, handler: string, args: A): void {
  const set = core.subs?.whenArgs.get(handler);
  if (!set) return;
  for (const sub of [...set]) {
    if (!argsMatch(args, sub.args)) continue;
    log(core, LogLevel.Ops, `[whenArgs:match] ${sub.state} (${Object.keys(sub.args).join(",")})`);
    settle(sub);
  }
}

/** The queue drained. */
export function processQueueEnd(core: Core): void {
  const s = core.subs;
  if (!s || s.whenQueueEnds.size === 0) return;
  for (const sub of [...s.whenQueueEnds]) settle(sub);
}

/** Disposal: every wait rejects, every state context aborts. */
export function disposeSubscriptions(core: Core): void {
  const s = core.subs;
  if (!s) return;
  const reason = new MachineDisposedError(core.id);
  const all: Sub[] = [
    ...[...s.when.values()].flatMap((set) => [...set]),
    ...[...s.whenTime.values()].flatMap((set) => [...set]),
    ...[...s.whenArgs.values()].flatMap((set) => [...set]),
    ...s.whenQuery,
    ...s.whenQueue,
    ...s.whenQueueEnds,
  ];
  for (const sub of all) fail(sub, reason);
  for (const ctrl of s.stateCtx.values()) ctrl.abort(reason);
  s.stateCtx.clear();
}

/** How many waits and state contexts are pending. */
export function subscriptionCounts(core: Core): SubscriptionCounts {
  const s = core.subs;
  const count = (map: Map<string, Set<Sub>> | undefined) => {
    const uniq = new Set<Sub>();
    for (const set of map?.values() ?? []) for (const sub of set) uniq.add(sub);
    return uniq.size;
  };
  return {
    when: count(s?.when),
    whenTime: count(s?.whenTime),
    whenArgs: count(s?.whenArgs),
    whenQuery: s?.whenQuery.size ?? 0,
    whenQueue: s?.whenQueue.size ?? 0,
    whenQueueEnds: s?.whenQueueEnds.size ?? 0,
    stateCtx: s?.stateCtx.size ?? 0,
  };
}
