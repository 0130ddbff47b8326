// OTel rows on an sdk-trace-base provider (newOtelProvider, batch
// processor): bursts of 100 pairs, each burst's spans serialised to OTLP
// JSON bytes by the exporter (forceFlush) before the next; the bare core
// runs the same bursts. Every span is checked to have been exported.

import { burstLoop } from "./dbg_fixtures.ts";
import { benchMachine } from "./fixtures.ts";
import { measure } from "./harness.ts";
import { flushedLoop, tracedMachine } from "./otel_fixtures.ts";
import { goal, info, PAIRS, type Row } from "./row.ts";

/** The section's rows. */
export default async function rows(): Promise<Row[]> {
  const bare = benchMachine();
  const full = tracedMachine(false);
  const states = tracedMachine(true);
  const [b, f, st] = await measure([
    { name: "core", ops: PAIRS, run: () => burstLoop(bare, PAIRS, 100) },
    { name: "full", ops: PAIRS, run: () => flushedLoop(full.mach, full.provider, PAIRS) },
    { name: "states", ops: PAIRS, run: () => flushedLoop(states.mach, states.provider, PAIRS) },
  ], 30);
  // per pair: Foo and Bar activate and deactivate (2 instance spans), +2 tx spans
  const rounds = 35;
  if (full.exporter.count < rounds * PAIRS * 4 || states.exporter.count < rounds * PAIRS * 2) {
    throw new Error(`spans lost: ${full.exporter.count}, ${states.exporter.count}`);
  }
  const fullPct = (f.opsPerSec / b.opsPerSec) * 100;
  const statesPct = (st.opsPerSec / b.opsPerSec) * 100;
  const spanBytes = full.exporter.bytes / full.exporter.count;
  return [
    goal(
      "otel (sdk), transitions traced, spans serialised (% of bare core)",
      fullPct,
      "%",
      ">= 50%",
      fullPct >= 50,
    ),
    goal(
      "otel (sdk), states only, spans serialised (% of bare core)",
      statesPct,
      "%",
      ">= 80%",
      statesPct >= 80,
    ),
    info("otel (sdk) spans/s exported (transitions traced)", f.opsPerSec * 4, "spans/s"),
    info("otel (sdk) OTLP JSON bytes per span", spanBytes, "bytes"),
  ];
}
