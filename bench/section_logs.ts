// Log rows at log level 3. CPU rows run bursts in microtask turns, so no
// push can happen: they measure building and buffering only (labelled so).
// I/O rows yield an event-loop turn between bursts, so the Loki logger
// pushes (to a down Loki, or a loopback one) within the timed runs.

import { burstLoop } from "./dbg_fixtures.ts";
import { measure } from "./harness.ts";
import { fastLoki, loggingMachine, lokiLogged, otelLogged } from "./logs_fixtures.ts";
import { goal, heap, info, PAIRS, type Row, STALL_SECONDS } from "./row.ts";

/** The section's rows. */
export default async function rows(): Promise<Row[]> {
  const base = loggingMachine("base");
  const otel = otelLogged();
  const down = lokiLogged();
  const loki = fastLoki();
  const fast = lokiLogged(loki.url);
  const cpu = await measure([
    { name: "base", ops: PAIRS, run: () => burstLoop(base, PAIRS, 100) },
    { name: "otel", ops: PAIRS, run: () => burstLoop(otel.mach, PAIRS, 100) },
    { name: "loki", ops: PAIRS, run: () => burstLoop(down.mach, PAIRS, 100) },
  ], 20);
  const io = await measure([
    { name: "base", ops: PAIRS, run: () => burstLoop(base, PAIRS, 200, undefined, true) },
    { name: "otel", ops: PAIRS, run: () => burstLoop(otel.mach, PAIRS, 200, undefined, true) },
    { name: "down", ops: PAIRS, run: () => burstLoop(down.mach, PAIRS, 200, undefined, true) },
    { name: "fast", ops: PAIRS, run: () => burstLoop(fast.mach, PAIRS, 200, undefined, true) },
  ], 20);
  const cost = (r: { opsPerSec: number }, b: { opsPerSec: number }) =>
    (1 - r.opsPerSec / b.opsPerSec) * 100;
  const row = (metric: string, value: number) => goal(metric, value, "%", "< 25%", value < 25);
  const out = [
    row(
      "OTel logger cost at log level 3 (CPU; records to a counting emitter)",
      cost(cpu[1], cpu[0]),
    ),
    row(
      "Loki logger cost at log level 3 (CPU; buffering only, lazy: no push in the run)",
      cost(cpu[2], cpu[0]),
    ),
    row("OTel logger cost at log level 3 (with I/O turns)", cost(io[1], io[0])),
    row("Loki logger cost, Loki down (with I/O turns)", cost(io[2], io[0])),
    row("Loki logger cost, loopback Loki, pushes in the run (with I/O turns)", cost(io[3], io[0])),
    info(`Loki lines pushed (loopback; ${fast.logger.dropped} dropped)`, fast.logger.sent, "lines"),
  ];
  // memory while Loki stays down: the buffer is bounded, the rest is dropped
  let warm = 0;
  const end = performance.now() + STALL_SECONDS * 1000;
  while (performance.now() < end) {
    await burstLoop(down.mach, 200, 200, undefined, true);
    if (!warm && down.logger.dropped > 20_000) warm = heap();
  }
  const lastHeap = heap();
  out.push(
    goal(
      `heap, Loki down for ${STALL_SECONDS}s (${down.logger.dropped} lines dropped, ` +
        `${down.logger.buffered} buffered)`,
      lastHeap,
      "MiB",
      "flat",
      lastHeap - warm < 8,
    ),
    info("heap once warm (Loki down)", warm, "MiB"),
  );
  await down.logger.dispose();
  await fast.logger.dispose();
  await loki.server.shutdown();
  return out;
}
