// Transitions/s with OtelMachTracer bound (sdk provider, spans serialised
// to OTLP JSON bytes, flushed every 100 pairs) vs the core baseline in the
// same bursts, with and without transition spans.

import { burstLoop } from "./dbg_fixtures.ts";
import { benchMachine } from "./fixtures.ts";
import { flushedLoop, tracedMachine } from "./otel_fixtures.ts";

const bare = benchMachine();
const full = tracedMachine(false);
const states = tracedMachine(true);

Deno.bench("core: 1000 pairs in bursts of 100", { group: "otel", baseline: true }, async () => {
  await burstLoop(bare, 1000, 100);
});

Deno.bench("core + otel (transitions), spans exported: 1000 pairs", { group: "otel" }, async () => {
  await flushedLoop(full.mach, full.provider, 1000);
});

Deno.bench("core + otel (states only), spans exported: 1000 pairs", { group: "otel" }, async () => {
  await flushedLoop(states.mach, states.provider, 1000);
});
