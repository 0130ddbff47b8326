// Differential test: our core (machine/) against upstream's Go core
// (asyncmachine-go v0.19.1 pkg/machine, tests/go/diff) on the same scenarios:
// upstream's relations playground, shrunk regressions and ≥2,000 seeded
// random ones. Per outside mutation it compares the result, active states,
// clocks, queue ticks, handler call order and nested results, the log at
// level 3, and per transition its mutation, queue fields, source, targets,
// times, steps (dbg Step records) and log/pre-log entries.
//
// DIFF_SEED (default 1) and DIFF_COUNT (default 2000) pick the random ones.

import { compareOuts, type Divergence, KNOWN } from "./differential/compare.ts";
import { generate } from "./differential/generate.ts";
import { goRunner, runGo } from "./differential/go.ts";
import { PLAYGROUND } from "./differential/playground.ts";
import { REGRESSIONS } from "./differential/regressions.ts";
import { runTs } from "./differential/runner.ts";
import type { Scenario } from "./differential/scenario.ts";
import { shrink } from "./differential/shrink.ts";
import { needs } from "./peers.ts";

function envInt(name: string, def: number): number {
  const v = Number(Deno.env.get(name) ?? def);
  return Number.isSafeInteger(v) && v >= 0 ? v : def;
}

Deno.test({
  name: "differential: our core against upstream's Go core",
  ...needs("go"),
  fn: async () => {
    const seed = envInt("DIFF_SEED", 1);
    const count = envInt("DIFF_COUNT", 2000);
    const scenarios: Scenario[] = [
      ...PLAYGROUND,
      ...REGRESSIONS,
      ...Array.from({ length: count }, (_, i) => generate(seed + i)),
    ];
    const bin = await goRunner();
    const goOuts = await runGo(bin, scenarios);
    let compared = 0;
    const failures: { sc: Scenario; div: Divergence }[] = [];
    for (let i = 0; i < scenarios.length; i++) {
      const go = goOuts[i];
      const div = compareOuts(go, await runTs(scenarios[i]));
      if (div) failures.push({ sc: scenarios[i], div });
      for (const m of go.muts) compared += m.txs.length;
    }
    if (failures.length > 0) {
      // shrink the shortest few, print the smallest
      failures.sort((a, b) => JSON.stringify(a.sc).length - JSON.stringify(b.sc).length);
      const shrunk = await Promise.all(failures.slice(0, 3).map((f) => shrink(bin, f.sc, f.div)));
      shrunk.sort((a, b) => JSON.stringify(a.scenario).length - JSON.stringify(b.scenario).length);
      const s = shrunk[0];
      throw new Error(
        `${failures.length}/${scenarios.length} scenarios diverge ` +
          `(first: ${failures.map((f) => f.sc.name).slice(0, 5).join(", ")}).\n` +
          `Shortest (shrunk from ${s.scenario.name}):\n${JSON.stringify(s.scenario)}\n` +
          `First differing field: ${s.divergence.path}\n` +
          `  go: ${JSON.stringify(s.divergence.go)}\n  ts: ${JSON.stringify(s.divergence.ts)}`,
      );
    }
    console.log(
      `differential: ${scenarios.length} scenarios, ${compared} mutations compared, ` +
        `${KNOWN.length} known differences`,
    );
  },
});
