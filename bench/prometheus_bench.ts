// /metrics response bytes for 1,000 machines x all metrics (ours through
// metricsHandler, prom-client through the same Response path; values
// changed before every scrape, the body read to its last byte), and
// transitions/s with the metrics tracer bound vs the core baseline.

import { bindPrometheusMetrics, metricsHandler, Registry } from "../prometheus/mod.ts";
import { addRemoveLoop, benchMachine } from "./fixtures.ts";
import { oursSet, promClientSet } from "./prometheus_fixtures.ts";

const ours = oursSet(1000);
const theirs = promClientSet(ours.registry);
const handler = metricsHandler(ours.registry);
let round = 0;

Deno.bench(
  "/metrics bytes, 1,000 machines: ours",
  { group: "scrape", baseline: true },
  async (b) => {
    ours.update(round++);
    b.start();
    await (await handler(new Request("http://127.0.0.1/metrics"))).arrayBuffer();
    b.end();
  },
);

Deno.bench("/metrics bytes, 1,000 machines: prom-client", { group: "scrape" }, async (b) => {
  theirs.update(round++);
  b.start();
  await new Response(await theirs.registry.metrics()).arrayBuffer();
  b.end();
});

const bare = benchMachine();
const metered = benchMachine();
bindPrometheusMetrics(metered, { registry: new Registry() });

Deno.bench("core: 1000 add+remove pairs", { group: "tracer", baseline: true }, () => {
  addRemoveLoop(bare, 1000);
});

Deno.bench("core + metrics tracer: 1000 pairs", { group: "tracer" }, () => {
  addRemoveLoop(metered, 1000);
});
