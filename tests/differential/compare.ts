// Compares the Go and TS records of a scenario: the first differing field,
// after the known (listed) differences are normalised away.

import type { Out } from "./scenario.ts";

/** A listed, accepted difference between upstream and our core. */
export interface KnownDifference {
  id: string;
  what: string;
  /** Rewrites a record so the difference doesn't count (called for both
   * records; `other` is the other side's, not yet normalised). */
  normalise(out: Out, other: Out): void;
}

/** The known differences; README's machine section lists the same. */
export const KNOWN: KnownDifference[] = [
  {
    id: "step-indexes",
    what: "Step.FromStateIdx/ToStateIdx: ours is the state's index, upstream leaves 0 " +
      "whenever the name is set (its TODO); both are -1 without a state",
    normalise(out) {
      for (const m of out.muts) {
        for (const tx of m.txs) {
          for (const s of tx.steps) {
            if (s[5] !== "") s[6] = 0;
            if (s[7] !== "") s[8] = 0;
          }
        }
      }
      for (const m of out.dbg ?? []) {
        for (const s of (m.params.Steps ?? []) as Record<string, unknown>[]) {
          if (s.FromState) s.FromStateIdx = 0;
          if (s.ToState) s.ToStateIdx = 0;
        }
      }
    },
  },
  {
    id: "exception-args",
    what: "Exception args: upstream v0.19.1 passes the error inside one typed-args entry, " +
      "which its default LogArgs mapper doesn't see; ours passes `err`, logged as (err=…)",
    normalise(out) {
      eachLog(out, (l) => l.replace(/ \(err=[^)]*\)$/, "").replace(/ err=[^ )]*/, ""));
      for (const s of out.spans ?? []) delete s.attrs["args.err"];
      // queued messages carry err on both sides (upstream adds it by hand)
      for (const m of out.dbg ?? []) {
        const args = m.params.Args as Record<string, string> | undefined;
        if (args && !m.params.IsQueued) delete args.err;
      }
    },
  },
  {
    id: "reject-order",
    what: "[reject] lists states in a Go map's order (random per run); ours in resolution order",
    normalise(out) {
      eachLog(out, (l) => {
        const m = l.match(/^(\d \[[^\]]+\] \[reject(?::auto)?\] )(.*)$/);
        return m ? m[1] + m[2].split(/ (?=[^ ]+\(-)/).sort().join(" ") : l;
      });
    },
  },
  {
    id: "dbg-args",
    what: "dbg messages carry mapped args: upstream's only with SemLogger().EnableArgs(true) " +
      "(the Go runner turns it on with a mapper), ours whenever a log-args mapper is set",
    normalise() {},
  },
  {
    id: "exit-cancel-panic",
    what: "an auto state's Exit handler canceling in an auto transition: upstream panics " +
      "(slices.Delete with index -1, transition.go:561) in the mutating goroutine; ours " +
      "ignores the cancel (the state isn't a target); compared up to that mutation (also " +
      "when it happens in a nested mutation, inside a handler)",
    normalise() {},
  },
  {
    id: "prom-averages",
    what: "Prometheus averages: upstream divides integers (sum / count, floored); ours " +
      "divides floats",
    normalise(out) {
      for (const m of out.muts) {
        if (!m.prom) continue;
        for (const k of Object.keys(m.prom)) {
          if (SKIP_PROM.some((p) => k.startsWith(p))) delete m.prom[k];
          else m.prom[k] = Math.floor(m.prom[k]);
        }
      }
    },
  },
  {
    id: "prom-queue-size",
    what: "am_queue_size_*: upstream assigns the last transition's queue length instead of " +
      "adding it (a bug), then divides by the count; ours averages (not compared)",
    normalise() {},
  },
  {
    id: "prom-tx-ticks",
    what: "am_tx_ticks_*: upstream takes the machine time elapsed since the previous accepted " +
      "transition (so it includes ticks of canceled ones, e.g. a final handler's panic, and " +
      "before binding); ours the accepted transition's own ticks (not compared)",
    normalise() {},
  },
  {
    id: "otel-instance-event",
    what: "OTel state instance spans: upstream adds the activating mutation as an event too; " +
      "ours only re-activations (the activating one is the tx_id attribute)",
    normalise(out) {
      for (const s of out.spans ?? []) {
        if (isInstanceSpan(s.path)) s.events = s.events.filter((e) => !e.startsWith("["));
      }
    },
  },
  {
    id: "otel-error-attr",
    what: "OTel transition spans with Exception among the targets: upstream sets `error` only " +
      "when the args carry an error; ours falls back to error=Exception",
    normalise(out) {
      for (const s of out.spans ?? []) {
        if (s.attrs.error === "Exception") delete s.attrs.error;
        // several schema errors: joined in a Go map's order upstream
        else if (s.attrs.error) s.attrs.error = s.attrs.error.split("\n").sort().join("\n");
      }
    },
  },
  {
    id: "otel-states-diff-order",
    what: "OTel states_diff: upstream lists added states in target order (re-activated Multi " +
      "ones last, in a Go map's order) and removed ones in the previous active order; ours " +
      "both in index order (the core's transition facts)",
    normalise(out) {
      for (const s of out.spans ?? []) {
        const d = s.attrs.states_diff;
        if (!d) continue;
        const toks = d.split(" ");
        s.attrs.states_diff = [
          ...toks.filter((t) => t.startsWith("+")).sort(),
          ...toks.filter((t) => t.startsWith("-")).sort(),
        ].join(" ");
      }
    },
  },
  {
    id: "otel-canceled-attrs",
    what: "OTel transition spans of canceled transitions: ours also sets accepted=false, auto, " +
      "time_after and steps_count (upstream sets them only for accepted ones)",
    normalise(out) {
      for (const s of out.spans ?? []) {
        if (!isTxSpan(s.path) || "states_diff" in s.attrs) continue;
        for (const k of ["accepted", "auto", "time_after", "steps_count"]) delete s.attrs[k];
      }
    },
  },
  {
    id: "otel-panic-tx",
    what: "OTel, a transition a handler threw in (not accepted at the end) whose states " +
      "changed anyway (a final handler, or a dropped auto state): upstream's TransitionFinals " +
      "skips it when already canceled, or keeps what it saw (accepted=true); ours records " +
      "the states (instance spans) and updates the span at the end",
    normalise(out, other) {
      const notAccepted = new Set<string>();
      for (const m of out.muts) {
        for (const tx of m.txs) if (!tx.accepted) notAccepted.add(`${tx.m}:tx${tx.n}`);
      }
      const machOf = (path: string) => path.match(/mach:\d+:(\w+)(?!.*mach:)/)?.[1];
      // states such a transition opened or changed, on either side: upstream
      // may not see it or keeps their spans open for later activations
      const stateKey = (path: string) => {
        const last = path.slice(path.lastIndexOf(" > ") + 3);
        return `${machOf(path)}:${last.replace(/^\d+:/, "").replace(/ \[M\]$/, "")}`;
      };
      const affected = new Set<string>();
      for (const s of [...(out.spans ?? []), ...(other.spans ?? [])]) {
        const key = `${machOf(s.path)}:${s.attrs.tx_id}`;
        if (!notAccepted.has(key)) continue;
        if (isInstanceSpan(s.path)) affected.add(stateKey(s.path));
        if (isTxSpan(s.path)) {
          for (const d of s.attrs.states_diff?.split(" ") ?? []) {
            if (d) affected.add(`${machOf(s.path)}:${d.slice(1)}`);
          }
        }
      }
      // their instance spans, name groups, and links to them
      const isStateSpan = (path: string) =>
        isInstanceSpan(path) || path.split(" > ").at(-2)?.endsWith(":states");
      out.spans = out.spans?.filter((s) => !isStateSpan(s.path) || !affected.has(stateKey(s.path)));
      for (const s of out.spans ?? []) {
        if (!isTxSpan(s.path)) continue;
        const diff = s.attrs.states_diff?.split(" ") ?? [];
        if (diff.some((d) => d && affected.has(`${machOf(s.path)}:${d.slice(1)}`))) s.links = -1;
      }
      for (const s of out.spans ?? []) {
        if (!isTxSpan(s.path) || !notAccepted.has(`${machOf(s.path)}:${s.attrs.tx_id}`)) continue;
        for (const k of ["accepted", "auto", "time_after", "steps_count", "states_diff"]) {
          delete s.attrs[k];
        }
        s.links = -1;
      }
    },
  },
  {
    id: "panic-in-exception-tx",
    what: "a handler panicking in a transition which calls Exception: upstream's handler loop " +
      "isn't restarted (the next handler call deadlocks); ours carries on. The runners don't " +
      "throw there (both record `>nothrow`)",
    normalise() {},
  },
];

/** A state instance span: `… > n:states > n:Foo > n:Foo`. */
function isInstanceSpan(path: string): boolean {
  const parts = path.split(" > ");
  const n = parts.length;
  return n >= 3 && parts[n - 3].endsWith(":states") && parts[n - 1] === parts[n - 2];
}

/** A transition span: `… > n:transitions > n: [add] Foo`. */
function isTxSpan(path: string): boolean {
  const parts = path.split(" > ");
  return parts.length >= 2 && parts[parts.length - 2].endsWith(":transitions");
}

/** Gauges not compared: wall-clock time, and two known differences. */
const SKIP_PROM = ["am_tx_time_", "am_queue_size_", "am_tx_ticks_"];

/** Upstream's panic of the exit-cancel-panic known difference. */
const EXIT_CANCEL_PANIC = "runtime error: slice bounds out of range [-1::] at transition.go:561";

function eachLog(out: Out, fn: (line: string) => string): void {
  for (const m of out.muts) {
    m.log = m.log.map(fn);
    for (const tx of m.txs) {
      tx.log = tx.log.map(fn);
      tx.preLog = tx.preLog.map(fn);
    }
  }
  // dbg entries: without the level and id prefix
  for (const m of out.dbg ?? []) {
    for (const key of ["LogEntries", "PreLogEntries"]) {
      const entries = m.params[key] as { Level: number; Text: string }[] | undefined;
      for (const e of entries ?? []) {
        const prefix = `${e.Level} [x] `;
        e.Text = fn(prefix + e.Text).slice(prefix.length);
      }
    }
  }
}

/** Where two values first differ: a path and both values, or undefined. */
export interface Divergence {
  path: string;
  go: unknown;
  ts: unknown;
}

/** The first differing field of two JSON values, depth first in key order. */
export function firstDiff(go: unknown, ts: unknown, path = ""): Divergence | undefined {
  if (go === ts) return;
  if (
    typeof go !== "object" || typeof ts !== "object" || go === null || ts === null ||
    Array.isArray(go) !== Array.isArray(ts)
  ) {
    return { path, go, ts };
  }
  if (Array.isArray(go) && Array.isArray(ts)) {
    const n = Math.min(go.length, ts.length);
    for (let i = 0; i < n; i++) {
      const d = firstDiff(go[i], ts[i], `${path}[${i}]`);
      if (d) return d;
    }
    if (go.length !== ts.length) {
      return { path: `${path}.length`, go: go.slice(n), ts: ts.slice(n) };
    }
    return;
  }
  const a = go as Record<string, unknown>;
  const b = ts as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  for (const k of keys) {
    const d = firstDiff(a[k] ?? null, b[k] ?? null, path ? `${path}.${k}` : k);
    if (d) return d;
  }
}

/** The Go runner's pinned NewAutoMutation can't write to upstream's log
 * (its log method is unexported): level-5 `[auto:rel:remove]` lines are
 * dropped on both sides. Not a difference of the cores. */
function dropRunnerLines(out: Out): void {
  const keep = (l: string) => !l.includes("[auto:rel:remove] ");
  for (const m of out.muts) {
    m.log = m.log.filter(keep);
    for (const tx of m.txs) {
      tx.log = tx.log.filter(keep);
      tx.preLog = tx.preLog.filter(keep);
    }
  }
  for (const m of out.dbg ?? []) {
    for (const key of ["LogEntries", "PreLogEntries"]) {
      const entries = m.params[key] as { Text: string }[] | undefined;
      if (entries) m.params[key] = entries.filter((e) => keep(e.Text));
    }
  }
}

/** Drops zero values (gob never sends them; Go's JSON has nulls, ours
 * omits them). */
function dbgWire(v: unknown): unknown {
  if (Array.isArray(v)) {
    // zeros inside lists (clocks, indexes) stay
    return v.length ? v.map((x) => (x && typeof x === "object" ? dbgWire(x) ?? {} : x)) : undefined;
  }
  if (v && typeof v === "object") {
    const ret: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const val = dbgWire(x);
      if (val !== undefined) ret[k] = val;
    }
    return Object.keys(ret).length ? ret : undefined;
  }
  return v === 0 || v === "" || v === false || v === null ? undefined : v;
}

/** A schema message's states with lowercase fields (Go's JSON tags). */
function lowerStates(params: Record<string, unknown>): Record<string, unknown> {
  const states = params.States as Record<string, unknown> | undefined;
  if (states) {
    params.States = Object.fromEntries(
      Object.entries(states).map(([n, st]) => [n, lowerKeys(st)]),
    );
  }
  return params;
}

function lowerKeys(v: unknown): unknown {
  if (!v || typeof v !== "object" || Array.isArray(v)) return v;
  return Object.fromEntries(
    Object.entries(v).map(([k, x]) => [k[0].toLowerCase() + k.slice(1), x]),
  );
}

/** Normalises both records (JSON round trip + known differences) and compares. */
export function compareOuts(go: Out, ts: Out): Divergence | undefined {
  const g = JSON.parse(JSON.stringify(go)) as Out;
  const t = JSON.parse(JSON.stringify(ts)) as Out;
  dropRunnerLines(g);
  dropRunnerLines(t);
  const g0 = structuredClone(g);
  const t0 = structuredClone(t);
  for (const k of KNOWN) {
    k.normalise(g, t0);
    k.normalise(t, g0);
  }
  if (g.err === EXIT_CANCEL_PANIC) {
    // upstream crashed in this mutation: compare the ones before it
    t.muts = t.muts.slice(0, g.muts.length);
    for (const o of [g, t]) {
      delete o.spans;
      delete o.dbg;
    }
    delete g.err;
    delete t.err;
  }
  for (const o of [g, t]) {
    o.dbg = o.dbg?.map((m) => ({
      ...m,
      params: lowerStates((dbgWire(m.params) ?? {}) as Record<string, unknown>),
    }));
  }
  // spans end in different orders
  for (const o of [g, t]) {
    o.spans?.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  }
  // error texts differ by language; only their presence counts
  if (g.err !== undefined) g.err = "error";
  if (t.err !== undefined) t.err = "error";
  return firstDiff(g, t);
}
