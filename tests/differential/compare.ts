// Compares the Go and TS records of a scenario: the first differing field,
// after the known (listed) differences are normalised away.

import type { Out } from "./scenario.ts";

/** A listed, accepted difference between upstream and our core. */
export interface KnownDifference {
  id: string;
  what: string;
  /** Rewrites both records so the difference doesn't count. */
  normalise(out: Out): void;
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
    },
  },
  {
    id: "exception-args",
    what: "Exception args: upstream v0.19.1 passes the error inside one typed-args entry, " +
      "which its default LogArgs mapper doesn't see; ours passes `err`, logged as (err=…)",
    normalise(out) {
      eachLog(out, (l) => l.replace(/ \(err=[^)]*\)$/, "").replace(/ err=[^ )]*/, ""));
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
    id: "exit-cancel-panic",
    what: "an auto state's Exit handler canceling in an auto transition: upstream panics " +
      "(slices.Delete with index -1, transition.go:561) in the mutating goroutine; ours " +
      "ignores the cancel (the state isn't a target); compared up to that mutation",
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
    id: "panic-in-exception-tx",
    what: "a handler panicking in a transition which calls Exception: upstream's handler loop " +
      "isn't restarted (the next handler call deadlocks); ours carries on. The runners don't " +
      "throw there (both record `>nothrow`)",
    normalise() {},
  },
];

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
  const keep = (l: string) => !l.includes("] [auto:rel:remove] ");
  for (const m of out.muts) {
    m.log = m.log.filter(keep);
    for (const tx of m.txs) {
      tx.log = tx.log.filter(keep);
      tx.preLog = tx.preLog.filter(keep);
    }
  }
}

/** Normalises both records (JSON round trip + known differences) and compares. */
export function compareOuts(go: Out, ts: Out): Divergence | undefined {
  const g = JSON.parse(JSON.stringify(go)) as Out;
  const t = JSON.parse(JSON.stringify(ts)) as Out;
  dropRunnerLines(g);
  dropRunnerLines(t);
  for (const k of KNOWN) {
    k.normalise(g);
    k.normalise(t);
  }
  if (g.err === EXIT_CANCEL_PANIC) {
    // upstream crashed in this mutation: compare the ones before it
    t.muts = t.muts.slice(0, g.muts.length);
    delete g.err;
    delete t.err;
  }
  // error texts differ by language; only their presence counts
  if (g.err !== undefined) g.err = "error";
  if (t.err !== undefined) t.err = "error";
  return firstDiff(g, t);
}
