// OTel rows through Deno's built-in tracer (OTEL_DENO=true, as on Deno
// Deploy): its OTLP/HTTP protobuf exporter sends to a loopback sink in the
// parent process. Each timed run (bursts of 100 pairs, a microtask turn
// between bursts) ends when the sink has counted every span the run ended:
// export and delivery are inside the figure. The section re-runs itself in
// a child process, since OTEL_DENO is read at startup.

import { burstLoop } from "./dbg_fixtures.ts";
import { benchMachine } from "./fixtures.ts";
import { measure } from "./harness.ts";
import { otlpSink } from "./otlp_sink.ts";
import { denoTracedMachine, flushedLoop } from "./otel_fixtures.ts";
import { goal, info, type Row } from "./row.ts";

// long runs: the batch processor's delay (10 ms) and the last batch's trip
// are spread over a run, as in a steady stream
const PAIRS = 20_000;

async function measureInChild(sinkUrl: string): Promise<Row[]> {
  const count = async () => (await (await fetch(sinkUrl + "/count")).json()).spans as number;
  const bare = benchMachine();
  const full = denoTracedMachine(false);
  const states = denoTracedMachine(true);
  // spans ended once (first activations) arrive before the count starts
  await flushedLoop(full, undefined, 100);
  await flushedLoop(states, undefined, 100);
  await new Promise((r) => setTimeout(r, 300));
  let expected = await count();
  // a stalled count means Deno's exporter dropped spans: fail, don't hang
  const delivered = async () => {
    let last = -1;
    let since = Date.now();
    for (let got = await count(); got < expected; got = await count()) {
      if (got !== last) [last, since] = [got, Date.now()];
      else if (Date.now() - since > 10_000) {
        throw new Error(`sink stalled at ${got} of ${expected} spans: the exporter dropped some`);
      }
      await new Promise((r) => setTimeout(r, 1));
    }
  };
  // per pair: Foo and Bar activate and deactivate (2 instance spans), +2 tx spans
  const run = (mach: typeof bare, perPair: number) => async () => {
    await flushedLoop(mach, undefined, PAIRS);
    expected += PAIRS * perPair;
    await delivered();
  };
  const [b, f, st] = await measure(
    [
      { name: "core", ops: PAIRS, run: () => burstLoop(bare, PAIRS, 100) },
      { name: "full", ops: PAIRS, run: run(full, 4) },
      { name: "states", ops: PAIRS, run: run(states, 2) },
    ],
    6,
    1,
  );
  // the machine's thread alone: spans handed to Deno's exporter, not waited for
  const [b2, f2, st2] = await measure(
    [
      { name: "core", ops: PAIRS, run: () => burstLoop(bare, PAIRS, 100) },
      { name: "full", ops: PAIRS, run: () => flushedLoop(full, undefined, PAIRS) },
      { name: "states", ops: PAIRS, run: () => flushedLoop(states, undefined, PAIRS) },
    ],
    6,
    1,
  );
  expected += 7 * PAIRS * 6;
  await delivered();
  // settled: every run's spans arrived; more would mean other spans counted
  await new Promise((r) => setTimeout(r, 200));
  const got = await count();
  if (got !== expected) throw new Error(`sink counted ${got} spans, runs ended ${expected}`);
  const fullPct = (f.opsPerSec / b.opsPerSec) * 100;
  const statesPct = (st.opsPerSec / b.opsPerSec) * 100;
  return [
    goal(
      "otel (Deno built-in, OTLP protobuf to a loopback sink), transitions traced, delivered (% of bare core)",
      fullPct,
      "%",
      ">= 50%",
      fullPct >= 50,
    ),
    goal(
      "otel (Deno built-in, OTLP protobuf to a loopback sink), states only, delivered (% of bare core)",
      statesPct,
      "%",
      ">= 80%",
      statesPct >= 80,
    ),
    info("otel (Deno built-in) spans/s delivered (transitions traced)", f.opsPerSec * 4, "spans/s"),
    info(
      "otel (Deno built-in), transitions traced, spans handed to the exporter, not awaited (% of bare)",
      (f2.opsPerSec / b2.opsPerSec) * 100,
      "%",
    ),
    info(
      "otel (Deno built-in), states only, spans handed to the exporter, not awaited (% of bare)",
      (st2.opsPerSec / b2.opsPerSec) * 100,
      "%",
    ),
  ];
}

/** The section's rows: a sink here, the measuring in a child with OTEL_DENO=true. */
export default async function rows(): Promise<Row[]> {
  const sink = otlpSink();
  try {
    const res = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net",
        "--allow-env",
        "--allow-read",
        new URL(import.meta.url).pathname,
        sink.url,
      ],
      env: {
        OTEL_DENO: "true",
        OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
        OTEL_SERVICE_NAME: "bench",
        // the Rust batch processor: 5 s between exports by default, 2048 queued
        OTEL_BSP_SCHEDULE_DELAY: "10",
        OTEL_BSP_MAX_QUEUE_SIZE: "65536",
      },
      stdout: "piped",
      stderr: "inherit",
    }).output();
    if (res.code !== 0) throw new Error("otel-deno child failed");
    const lines = new TextDecoder().decode(res.stdout).trim().split("\n");
    return JSON.parse(lines[lines.length - 1]);
  } finally {
    await sink.server.shutdown();
  }
}

if (import.meta.main && Deno.args[0]) {
  console.log(JSON.stringify(await measureInChild(Deno.args[0])));
  Deno.exit(0);
}
