// One row of the summary table, and the helpers every section shares.

/** A summary row: a measured value and, when there is one, its target. */
export interface Row {
  metric: string;
  value: number;
  unit: string;
  /** "" when the row is informational. */
  target: string;
  ok: boolean;
}

/** An informational row (no target). */
export function info(metric: string, value: number, unit: string): Row {
  return { metric, value, unit, target: "", ok: true };
}

/** A row with a target and whether it was met. */
export function goal(
  metric: string,
  value: number,
  unit: string,
  target: string,
  ok: boolean,
): Row {
  return { metric, value, unit, target, ok };
}

/** Heap in use after a full GC (needs --v8-flags=--expose-gc), MiB. */
export function heap(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return Deno.memoryUsage().heapUsed / 1024 / 1024;
}

/** The bench's add/remove pairs per timed run. */
export const PAIRS = 2000;

/** `--stall-seconds=N` (10 by default): how long the memory rows stream. */
export const STALL_SECONDS = Number(
  Deno.args.find((a) => a.startsWith("--stall-seconds="))?.split("=")[1] ?? 10,
);
