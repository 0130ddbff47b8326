// Interleaved A/B measurement: every round runs each case once, in rotating
// order; per case the fastest round is kept (the code's own cost, least
// disturbed by GC pauses and other load), with the median alongside.
// Deno.bench averages swing by more than the few percent an overhead target
// allows.

/** One measured case: `run` does `ops` operations per call. */
export interface Case {
  name: string;
  ops: number;
  /** Untimed work before each timed run (e.g. changing values). */
  prepare?: () => void;
  run: () => unknown;
}

/** A case's result. */
export interface Measured {
  name: string;
  /** Operations per second, from the fastest round. */
  opsPerSec: number;
  /** Operations per second, from the median round. */
  medianOpsPerSec: number;
  /** Fastest milliseconds per call. */
  bestMs: number;
  /** Median milliseconds per call. */
  medianMs: number;
}

/** Runs `cases` for `rounds` interleaved rounds (after `warmup` rounds). */
export async function measure(cases: Case[], rounds = 40, warmup = 5): Promise<Measured[]> {
  const samples: number[][] = cases.map(() => []);
  for (let r = 0; r < rounds + warmup; r++) {
    for (let k = 0; k < cases.length; k++) {
      const i = (k + r) % cases.length;
      cases[i].prepare?.();
      const t0 = performance.now();
      const p = cases[i].run();
      if (p instanceof Promise) await p;
      const dt = performance.now() - t0;
      if (r >= warmup) samples[i].push(dt);
    }
  }
  return cases.map((c, i) => {
    const sorted = samples[i].sort((a, b) => a - b);
    const medianMs = sorted[Math.floor(sorted.length / 2)];
    return {
      name: c.name,
      bestMs: sorted[0],
      medianMs,
      opsPerSec: c.ops / (sorted[0] / 1000),
      medianOpsPerSec: c.ops / (medianMs / 1000),
    };
  });
}
