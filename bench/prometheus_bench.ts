// Render time of 1,000 machines x all metrics (ours vs prom-client, same
// series, values changed before every render), and transitions/s with the
// metrics tracer bound vs the core baseline.

import { bindMach, Registry } from "../prometheus/mod.ts";
import { addRemoveLoop, benchMachine } from "./fixtures.ts";
import { oursSet, promClientSet } from "./prometheus_fixtures.ts";

const ours = oursSet(1000);
const theirs = promClientSet(ours.registry);
let round = 0;

// values change before every render; only the render is timed
Deno.bench("render 1,000 machines: ours", { group: "render", baseline: true }, (b) => {
  ours.update(round++);
  b.start();
  ours.registry.render("text");
  b.end();
});

Deno.bench("render 1,000 machines: prom-client", { group: "render" }, async (b) => {
  theirs.update(round++);
  b.start();
  await theirs.registry.metrics();
  b.end();
});

const bare = benchMachine();
const metered = benchMachine();
bindMach(metered, { registry: new Registry() });

Deno.bench("core: 1000 add+remove pairs", { group: "tracer", baseline: true }, () => {
  addRemoveLoop(bare, 1000);
});

Deno.bench("core + metrics tracer: 1000 pairs", { group: "tracer" }, () => {
  addRemoveLoop(metered, 1000);
});
