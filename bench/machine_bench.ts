// Core throughput: add/remove pairs on a 20-state schema, bare, with a
// no-op tracer (the baseline every exporter's overhead is measured
// against), with steps and log on, and the peers (bench/peers.ts).

import { LogLevel } from "../machine/mod.ts";
import { addRemoveLoop, benchMachine, noopTracer } from "./fixtures.ts";
import { asyncmachineLoop, xstateLoop } from "./peers.ts";

const PAIRS = 1000;
const bare = benchMachine();
const traced = benchMachine({ tracers: [noopTracer] });
const logged = benchMachine({ logLevel: LogLevel.Ops });
// the log goes to a listener, as a logger would take it (no console I/O)
logged.onLog(() => {});
const js = asyncmachineLoop();
const xs = xstateLoop();

Deno.bench(`core: ${PAIRS} add+remove pairs`, { group: "core", baseline: true }, () => {
  addRemoveLoop(bare, PAIRS);
});

Deno.bench(`core + no-op tracer: ${PAIRS} pairs`, { group: "core" }, () => {
  addRemoveLoop(traced, PAIRS);
});

Deno.bench(`core, steps + log (Ops): ${PAIRS} pairs`, { group: "peers", baseline: true }, () => {
  addRemoveLoop(logged, PAIRS);
});

Deno.bench(`asyncmachine 3.4.1: ${PAIRS} pairs`, { group: "peers" }, () => js(PAIRS));

Deno.bench(`xstate 5: ${PAIRS} toggle pairs`, { group: "peers" }, () => xs(PAIRS));
