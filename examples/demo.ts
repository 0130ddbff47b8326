// The demo: the sim workload with every exporter on, on one port.
//
//   deno task demo [--port 6832] [--duration 5] [--traces am-traces.json]
//
// - http://127.0.0.1:6832/          the live debugger page
// - http://127.0.0.1:6832/metrics   Prometheus (text or OpenMetrics)
// - http://127.0.0.1:6832/rpc       dbg JSON-RPC (machines, schema, txs)
// - ws://127.0.0.1:6832/stream      live dbg stream; /events for SSE
// - ws://127.0.0.1:6832/dbg.ws      Go machines (am-dbg's wire)
// - OpenTelemetry: OTLP through Deno's built-in exporter with OTEL_DENO=true,
//   else a Jaeger UI import file (--traces)
// - AM_DBG_ADDR=1 also streams to a running am-dbg (localhost:6831)

import {
  dbgAddrOf,
  JaegerJsonExporter,
  newOtelProvider,
  readTelemetryConfig,
  transitionsToDbg,
} from "../mod.ts";
import { newApp } from "./app.ts";

function arg(name: string, def: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  if (i >= 0 && Deno.args[i + 1] !== undefined) return Deno.args[i + 1];
  const eq = Deno.args.find((a) => a.startsWith(`--${name}=`));
  return eq ? eq.slice(name.length + 3) : def;
}

const port = Number(arg("port", "6832"));
const duration = Number(arg("duration", "0")) * 1000;
const tracesFile = arg("traces", "am-traces.json");

const config = readTelemetryConfig();
const jaeger = new JaegerJsonExporter(200_000);
const otel = newOtelProvider("am-telemetry-demo", {
  exporter: config.otel.denoOtel ? undefined : jaeger,
  config,
});
const app = newApp({ tracer: otel.tracer });
const amDbg = config.dbgAddr && dbgAddrOf(config);
if (amDbg) transitionsToDbg(app.sim.root, amDbg, { stackTraces: config.dbgStackTraces });

const server = Deno.serve({ hostname: "127.0.0.1", port, onListen() {} }, app.fetch);
const base = `127.0.0.1:${server.addr.port}`;
console.log(`am-telemetry demo on http://${base}`);
console.log(`  debugger http://${base}/`);
console.log(`  metrics  http://${base}/metrics`);
console.log(`  dbg      http://${base}/rpc   ws://${base}/stream   http://${base}/events`);
console.log(`  am-dbg   ws://${base}/dbg.ws${amDbg ? `   streaming to ${amDbg}` : ""}`);
console.log(`  traces   ${otel.denoOtel ? "OTLP (Deno's built-in OpenTelemetry)" : tracesFile}`);

const started = performance.now();
let lastCount = 0;
let lastTime = started;
const work = setInterval(() => app.sim.step(), 10);
const progress = setInterval(() => {
  const now = performance.now();
  const rate = ((app.stats.transitions - lastCount) / (now - lastTime)) * 1000;
  lastCount = app.stats.transitions;
  lastTime = now;
  console.log(
    `machines ${app.sim.machines().length} | transitions ${app.stats.transitions} ` +
      `(${Math.round(rate)}/s) | exceptions ${app.stats.exceptions} | ` +
      `dbg msgs ${app.dbg.sent} | spans ${jaeger.spans.length}`,
  );
}, 1000);

async function writeTraces(): Promise<void> {
  if (otel.denoOtel) return;
  await otel.forceFlush();
  await Deno.writeTextFile(tracesFile, JSON.stringify(jaeger.toJSON()));
}
const saver = setInterval(() => void writeTraces(), 5000);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(work);
  clearInterval(progress);
  clearInterval(saver);
  app.sim.dispose();
  app.otel?.dispose();
  await app.dbg.flush();
  await writeTraces();
  await otel.shutdown();
  await server.shutdown();
  console.log(`stopped after ${((performance.now() - started) / 1000).toFixed(1)}s`);
  Deno.exit(0);
}

if (duration > 0) setTimeout(() => void stop(), duration);
Deno.addSignalListener("SIGINT", () => void stop());
