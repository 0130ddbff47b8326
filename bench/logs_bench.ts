// Transitions/s at log level 3 with the OTel logger and the Loki logger
// (unreachable, and a fast loopback one) vs the core at the same level.
// CPU only: bursts run in microtask turns, so no Loki push happens inside a
// run (lines are buffered; the summary's I/O rows include the pushes).

import { burstLoop } from "./dbg_fixtures.ts";
import { fastLoki, loggingMachine, lokiLogged, otelLogged } from "./logs_fixtures.ts";

const base = loggingMachine("base");
const otel = otelLogged();
const down = lokiLogged();
const loki = fastLoki();
const fast = lokiLogged(loki.url);

Deno.bench("core, log level 3: 1000 pairs", { group: "logs", baseline: true }, async () => {
  await burstLoop(base, 1000, 100);
});
Deno.bench("+ OTel logger", { group: "logs" }, async () => {
  await burstLoop(otel.mach, 1000, 100);
});
Deno.bench(
  "+ Loki logger, Loki down (buffered, no push in the run)",
  { group: "logs" },
  async () => {
    await burstLoop(down.mach, 1000, 100);
  },
);
Deno.bench(
  "+ Loki logger, loopback Loki (buffered, no push in the run)",
  { group: "logs" },
  async () => {
    await burstLoop(fast.mach, 1000, 100);
  },
);

globalThis.addEventListener("unload", () => {
  void down.logger.dispose();
  void fast.logger.dispose();
  void loki.server.shutdown();
});
