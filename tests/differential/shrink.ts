// Shrinks a diverging scenario: tries smaller variants (fewer mutations,
// handlers, actions, relations, states, no submachine) and keeps the first
// that still diverges, until none does.

import { compareOuts, type Divergence } from "./compare.ts";
import { runGo } from "./go.ts";
import { runTs } from "./runner.ts";
import type { Action, Mut, Scenario, StateDef } from "./scenario.ts";

const RELS = ["require", "add", "remove", "after"] as const;

function clone(sc: Scenario): Scenario {
  return structuredClone(sc);
}

function withoutState(sc: Scenario, which: "schema" | "sub", name: string): Scenario {
  const c = clone(sc);
  const schema = c[which]!;
  delete schema[name];
  for (const d of Object.values(schema)) {
    for (const rel of RELS) {
      if (d[rel]) d[rel] = d[rel]!.filter((s) => s !== name);
      if (d[rel]?.length === 0) delete d[rel];
    }
  }
  const on = which === "schema" ? "main" : "sub";
  const fixMut = (m: Mut, isOn: boolean) => {
    if (isOn) m.states = m.states.filter((s) => s !== name);
    return m.states.length > 0;
  };
  c.muts = c.muts.filter((m) => fixMut(m, (m.on ?? "main") === on));
  const fixHandlers = (hs: Record<string, Action[]> | undefined, own: boolean) => {
    if (!hs) return;
    for (const [h, actions] of Object.entries(hs)) {
      // generated names are one letter: FooEnter-like or a pair like AB
      const base = h.replace(/(Enter|Exit|State|End)$/, "");
      const refs = base === h ? [h.slice(0, h.length / 2), h.slice(h.length / 2)] : [base];
      if (own && refs.includes(name)) {
        delete hs[h];
        continue;
      }
      hs[h] = actions.filter((a) => {
        if (!a.mut) return true;
        return fixMut(a.mut, (a.mut.on ?? "main") === on);
      });
    }
  };
  fixHandlers(c.handlers, which === "schema");
  fixHandlers(c.subHandlers, which === "sub");
  return c;
}

/** Smaller variants of a scenario, roughly biggest cuts first. */
export function* reductions(sc: Scenario): Generator<Scenario> {
  // drop a tail of mutations, then each one
  for (let n = 1; n < sc.muts.length; n++) {
    const c = clone(sc);
    c.muts = c.muts.slice(0, n);
    yield c;
  }
  for (let i = 0; i < sc.muts.length; i++) {
    const c = clone(sc);
    c.muts.splice(i, 1);
    if (c.muts.length) yield c;
  }
  if (sc.sub) {
    const c = clone(sc);
    delete c.sub;
    delete c.subHandlers;
    c.muts = c.muts.filter((m) => m.on !== "sub");
    for (const actions of Object.values(c.handlers ?? {})) {
      for (let i = actions.length - 1; i >= 0; i--) {
        if (actions[i].mut?.on === "sub") actions.splice(i, 1);
      }
    }
    if (c.muts.length) yield c;
  }
  for (const key of ["handlers", "subHandlers"] as const) {
    for (const h of Object.keys(sc[key] ?? {})) {
      const c = clone(sc);
      delete c[key]![h];
      yield c;
      for (let i = 0; i < sc[key]![h].length; i++) {
        const c2 = clone(sc);
        c2[key]![h].splice(i, 1);
        yield c2;
      }
    }
  }
  for (const which of ["schema", "sub"] as const) {
    for (const name of Object.keys(sc[which] ?? {})) {
      if (Object.keys(sc[which]!).length > 1) yield withoutState(sc, which, name);
    }
  }
  for (const which of ["schema", "sub"] as const) {
    for (const [name, d] of Object.entries(sc[which] ?? {})) {
      for (const rel of RELS) {
        for (const target of d[rel] ?? []) {
          const c = clone(sc);
          const s = c[which]![name] as StateDef;
          s[rel] = s[rel]!.filter((t) => t !== target);
          if (s[rel]!.length === 0) delete s[rel];
          yield c;
        }
      }
      for (const flag of ["auto", "multi"] as const) {
        if (d[flag]) {
          const c = clone(sc);
          delete c[which]![name][flag];
          yield c;
        }
      }
    }
  }
  for (let i = 0; i < sc.muts.length; i++) {
    if (sc.muts[i].args) {
      const c = clone(sc);
      delete c.muts[i].args;
      yield c;
    }
    if (sc.muts[i].states.length > 1) {
      for (let j = 0; j < sc.muts[i].states.length; j++) {
        const c = clone(sc);
        c.muts[i].states.splice(j, 1);
        yield c;
      }
    }
  }
  for (const flag of ["logArgs", "otel", "prom", "dbg", "logLevel"] as const) {
    if (sc[flag]) {
      const c = clone(sc);
      delete c[flag];
      yield c;
    }
  }
}

/** The shrunk scenario and its divergence. */
export interface Shrunk {
  scenario: Scenario;
  divergence: Divergence;
}

/** Shrinks `sc` (which diverges with `div`) against the Go runner `bin`. */
export async function shrink(
  bin: string,
  sc: Scenario,
  div: Divergence,
  maxRounds = 300,
): Promise<Shrunk> {
  let cur: Shrunk = { scenario: sc, divergence: div };
  for (let round = 0; round < maxRounds; round++) {
    const candidates = [...reductions(cur.scenario)];
    if (candidates.length === 0) break;
    const goOuts = await runGo(bin, candidates);
    let next: Shrunk | undefined;
    for (let i = 0; i < candidates.length && !next; i++) {
      const d = compareOuts(goOuts[i], await runTs(candidates[i]));
      if (d) next = { scenario: candidates[i], divergence: d };
    }
    if (!next) break;
    cur = next;
  }
  return cur;
}
