// Core rows: add/remove pairs bare, with a no-op tracer, with steps and
// log on, and the peers (asyncmachine 3.4.1, xstate 5) on the same loop.
// Everything is synchronous: nothing is left pending after a timed run.

import { LogLevel } from "../machine/mod.ts";
import { addRemoveLoop, benchMachine, noopTracer } from "./fixtures.ts";
import { type Case, measure } from "./harness.ts";
import { asyncmachineLoop, xstateLoop } from "./peers.ts";
import { goal, info, PAIRS, type Row } from "./row.ts";

/** The section's rows. */
export default async function rows(): Promise<Row[]> {
  const bare = benchMachine();
  const traced = benchMachine({ tracers: [noopTracer] });
  const logged = benchMachine({ logLevel: LogLevel.Ops });
  // the log goes to a listener, as a logger would take it (no console I/O)
  let lines = 0;
  logged.onLog(() => void lines++);
  const js = asyncmachineLoop();
  const xs = xstateLoop();
  // overhead first and alone: peers in the same rounds skew the JIT and GC
  const [core, noop] = (await measure([
    { name: "core", ops: PAIRS, run: () => addRemoveLoop(bare, PAIRS) },
    { name: "noop", ops: PAIRS, run: () => addRemoveLoop(traced, PAIRS) },
  ])).map((m) => m.opsPerSec);
  const peers: Case[] = [
    { name: "logged", ops: PAIRS, run: () => addRemoveLoop(logged, PAIRS) },
    { name: "asyncmachine", ops: PAIRS, run: () => js(PAIRS) },
    { name: "xstate", ops: PAIRS, run: () => xs(PAIRS) },
  ];
  const [logs, am, x] = (await measure(peers)).map((m) => m.opsPerSec);
  if (lines === 0) throw new Error("the logged machine logged nothing");
  const overhead = (1 - noop / core) * 100;
  return [
    info("core add+remove pairs/s", core, "pairs/s"),
    goal("no-op tracer overhead", overhead, "%", "< 5%", overhead < 5),
    info("core, steps + log pairs/s", logs, "pairs/s"),
    info("asyncmachine 3.4.1 pairs/s", am, "pairs/s"),
    goal("core (steps + log) vs asyncmachine 3.4.1", logs / am, "x", ">= 4x", logs / am >= 4),
    info("xstate 5 toggle pairs/s", x, "pairs/s"),
  ];
}
