// A seeded generator of random differential scenarios: 3–20 states with every
// relation kind, Auto and Multi states, handlers which cancel, throw, read
// args and mutate the same machine or a submachine (nested, queued).

import type { Action, Mut, Scenario, StateDef } from "./scenario.ts";

/** mulberry32: a small, fast, seeded PRNG. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LETTERS = "ABCDEFGHIJKLMNOPQRST";
const MUT_TYPES: Mut["type"][] = ["add", "add", "add", "remove", "remove", "set", "toggle"];
// check mutations, in a share of the scenarios
const CHECK_TYPES: Mut["type"][] = [...MUT_TYPES, "canAdd", "canRemove"];

class Gen {
  /** Check mutations (canAdd, canRemove) among the generated ones. */
  checks = false;
  constructor(readonly r: () => number) {}
  int(min: number, max: number): number {
    return min + Math.floor(this.r() * (max - min + 1));
  }
  p(prob: number): boolean {
    return this.r() < prob;
  }
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.r() * list.length)];
  }
  some(list: readonly string[], min: number, max: number): string[] {
    const n = this.int(min, Math.min(max, list.length));
    const ret: string[] = [];
    for (let i = 0; i < n * 2 && ret.length < n; i++) {
      const s = this.pick(list);
      if (!ret.includes(s)) ret.push(s);
    }
    return ret;
  }

  schema(names: string[]): Record<string, StateDef> {
    const ret: Record<string, StateDef> = {};
    for (const name of names) {
      const d: StateDef = {};
      if (this.p(0.15)) d.auto = true;
      if (this.p(0.15)) d.multi = true;
      if (this.p(0.3)) d.require = this.some(names.filter((s) => s !== name), 1, 2);
      if (this.p(0.3)) d.add = this.some(names, 1, 2);
      if (this.p(0.3)) d.remove = this.some(names, 1, 3);
      if (this.p(0.2)) d.after = this.some(names.filter((s) => s !== name), 1, 2);
      // the built-in Exception state in relations
      if (this.p(0.04)) (d.require ??= []).push("Exception");
      if (this.p(0.04)) (d.remove ??= []).push("Exception");
      if (this.p(0.03)) (d.add ??= []).push("Exception");
      ret[name] = d;
    }
    return ret;
  }

  mut(names: string[], subNames: string[] | undefined, fromHandler: boolean): Mut {
    const onSub = subNames !== undefined && this.p(fromHandler ? 0.35 : 0.2);
    const list = onSub ? subNames! : names;
    const types = this.checks ? CHECK_TYPES : MUT_TYPES;
    const m: Mut = { type: this.pick(types), states: this.some(list, 1, 3) };
    if (onSub) m.on = "sub";
    if (this.p(0.3)) m.args = { k: this.int(1, 99) };
    if (this.p(0.1)) m.args = { ...m.args, id: "x" + this.int(1, 9), name: "n" };
    if (fromHandler && this.p(0.5)) m.ev = true;
    return m;
  }

  handlers(
    names: string[],
    own: string[],
    other: string[] | undefined,
    isSub: boolean,
  ): Record<string, Action[]> {
    const ret: Record<string, Action[]> = {};
    const count = this.int(0, Math.min(12, own.length * 2));
    for (let i = 0; i < count; i++) {
      const s = this.pick(own);
      const kind = this.int(0, 9);
      let name: string;
      if (kind < 2) name = s + "Enter";
      else if (kind < 3) name = s + "Exit";
      else if (kind < 5) name = s + "State";
      else if (kind < 6) name = s + "End";
      else if (kind < 7) name = s + s;
      else if (kind < 8) name = s + this.pick(own);
      else if (kind < 9) name = this.pick(["AnyEnter", "AnyState", "ExceptionState"]);
      else name = s + "State";
      const final = name.endsWith("State") || name.endsWith("End");
      const actions: Action[] = [];
      const nActions = this.int(0, 3);
      for (let j = 0; j < nActions; j++) {
        const a = this.int(0, 9);
        const n = this.p(0.2) ? 2 : undefined;
        if (a < 2 && !final) actions.push({ ret: false, n });
        else if (a < 3) actions.push({ throw: "boom", n });
        else {
          // a handler of the submachine mutates its own machine or the parent
          const m = isSub ? this.mut(own, names, true) : this.mut(names, other, true);
          if (isSub) {
            // in a sub handler, "sub" means main: swap the target labels
            m.on = m.on === "sub" ? "main" : "sub";
          }
          actions.push({ mut: m, n });
        }
      }
      ret[name] = actions;
    }
    return ret;
  }
}

/** A random scenario from `seed` (the same seed gives the same scenario). */
export function generate(seed: number): Scenario {
  const g = new Gen(rng(seed));
  const n = g.int(3, 20);
  g.checks = g.p(0.3);
  const names = LETTERS.slice(0, n).split("");
  const sc: Scenario = { name: `seed:${seed}`, schema: g.schema(names), muts: [] };
  let subNames: string[] | undefined;
  if (g.p(0.25)) {
    subNames = LETTERS.slice(0, g.int(3, 6)).split("").map((s) => s.toLowerCase());
    sc.sub = g.schema(subNames);
  }
  const handlers = g.handlers(names, names, subNames, false);
  if (Object.keys(handlers).length) sc.handlers = handlers;
  if (subNames) {
    const sub = g.handlers(names, subNames, names, true);
    if (Object.keys(sub).length) sc.subHandlers = sub;
  }
  const nMuts = g.int(2, 10);
  for (let i = 0; i < nMuts; i++) sc.muts.push(g.mut(names, subNames, false));
  if (g.p(0.3)) sc.logArgs = true;
  // Decisions (4) adds the resolver's reasoning to the compared log
  if (g.p(0.3)) sc.logLevel = 4;
  else if (g.p(0.1)) sc.logLevel = 5;
  if (g.p(0.5)) sc.otel = true;
  if (g.p(0.5)) sc.prom = true;
  if (g.p(0.4)) sc.dbg = true;
  if (sc.otel || sc.prom || sc.dbg) {
    // no require-remove conflicts: they'd run transitions during
    // construction, before the Go runner can turn steps on
    for (const schema of [sc.schema, sc.sub]) {
      for (const d of Object.values(schema ?? {})) {
        if (d.remove && d.require) d.remove = d.remove.filter((s) => !d.require!.includes(s));
      }
    }
  }
  return sc;
}
