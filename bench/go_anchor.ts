// The Go core as a bench anchor: the same add+remove workload (the 20-state
// bench schema, steps and an Ops-level log on) on upstream's Go core
// (asyncmachine-go v0.19.1, tests/go/diff's `bench` mode) and on ours, in
// the same run, with the same rounds: Go pairs/s and our ratio.
//
// Needs Go and --allow-run --allow-write (the Go runner is built once and
// cached). `deno run -A bench/go_anchor.ts` prints the rows as JSON.

import { LogLevel } from "../machine/mod.ts";
import { goRunner } from "../tests/differential/go.ts";
import { addRemoveLoop, BENCH_ACTIVE, benchMachine, benchSchema } from "./fixtures.ts";
import { measure } from "./harness.ts";

/** A summary row (bench/summary.ts's shape). */
export interface GoAnchorRow {
  metric: string;
  value: number;
  unit: string;
  target: string;
  ok: boolean;
}

const PAIRS = 2000;
const ROUNDS = 40;
const WARMUP = 5;

/** Pairs/s of the Go core on the bench workload: fastest and median round. */
export async function goPairsPerSec(): Promise<{ best: number; median: number }> {
  const bin = await goRunner();
  const spec = {
    schema: benchSchema(),
    active: BENCH_ACTIVE,
    state: "Foo",
    pairs: PAIRS,
    rounds: ROUNDS,
    warmup: WARMUP,
  };
  const child = new Deno.Command(bin, {
    args: ["bench"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(JSON.stringify(spec)));
  await w.close();
  const out = await child.output();
  if (!out.success) {
    throw new Error(`Go bench failed: ${new TextDecoder().decode(out.stderr).slice(0, 2000)}`);
  }
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** The anchor rows: Go pairs/s, ours (same workload) and the ratio. */
export async function goAnchorRows(): Promise<GoAnchorRow[]> {
  const go = await goPairsPerSec();
  const logged = benchMachine({ logLevel: LogLevel.Ops, logger: () => {} });
  const [ours] = await measure(
    [{ name: "core", ops: PAIRS, run: () => addRemoveLoop(logged, PAIRS) }],
    ROUNDS,
    WARMUP,
  );
  const ratio = ours.opsPerSec / go.best;
  return [
    {
      metric: "Go core v0.19.1 (steps + log) pairs/s",
      value: go.best,
      unit: "pairs/s",
      target: "",
      ok: true,
    },
    {
      metric: "core (steps + log) vs Go core v0.19.1",
      value: ratio,
      unit: "x",
      target: ">= 1.0x",
      ok: ratio >= 1,
    },
  ];
}

if (import.meta.main) {
  console.log(JSON.stringify(await goAnchorRows()));
}
