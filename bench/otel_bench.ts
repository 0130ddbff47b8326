// Transitions/s with OtelMachTracer bound (sdk provider, dropping exporter)
// vs the core baseline, with and without transition spans.

import { addRemoveLoop, benchMachine } from "./fixtures.ts";
import { tracedMachine } from "./otel_fixtures.ts";

const bare = benchMachine();
const full = tracedMachine(false);
const states = tracedMachine(true);

Deno.bench("core: 1000 add+remove pairs", { group: "otel", baseline: true }, () => {
  addRemoveLoop(bare, 1000);
});

Deno.bench("core + otel (transitions): 1000 pairs", { group: "otel" }, () => {
  addRemoveLoop(full.mach, 1000);
});

Deno.bench("core + otel (states only): 1000 pairs", { group: "otel" }, () => {
  addRemoveLoop(states.mach, 1000);
});
