// One lifecycle: every binder returns an AsyncDisposable; after `await
// using` the machine (and its submachines) have no tracer of it left, and
// flush() exists where something is buffered.

import { assert, assertEquals } from "@std/assert";
import { trace } from "@opentelemetry/api";
import {
  bindOtelLogger,
  bindOtelMetrics,
  bindPrometheusMetrics,
  DbgHub,
  HubTransport,
  LogLevel,
  Machine,
  machTelemetryEnv,
  OtelMachTracer,
  readTelemetryConfig,
  Registry,
  transitionsToDbg,
} from "../mod.ts";
import { bindLokiLogger } from "../loki/mod.ts";
import { GrafanaSyncTracer, Pusher } from "../prometheus/mod.ts";

function family(): { mach: Machine; child: Machine } {
  const mach = new Machine({ A: {} }, { id: "life", logLevel: LogLevel.Changes });
  const child = new Machine({ B: {} }, { id: "life-child", parent: mach });
  return { mach, child };
}

const binders: Record<string, (mach: Machine) => AsyncDisposable> = {
  prometheus: (m) => bindPrometheusMetrics(m, { registry: new Registry() }),
  otelTracer: (m) => {
    const t = new OtelMachTracer(trace.getTracer("t"));
    m.bindTracer(t);
    return t;
  },
  otelLogger: (m) => bindOtelLogger(m, { logger: { emit() {} } }),
  otelMetrics: (m) => bindOtelMetrics(m),
  dbg: (m) => transitionsToDbg(m, new HubTransport(new DbgHub())),
  // nothing listens on port 9: failures are counted, never thrown
  loki: (m) =>
    bindLokiLogger(m, { url: "http://127.0.0.1:9", inherit: true, retries: 0, timeoutMs: 200 }),
  grafana: (m) => {
    const g = new GrafanaSyncTracer({ url: "http://127.0.0.1:9", token: "t", timeoutMs: 200 });
    m.bindTracer(g);
    return g;
  },
};

for (const [name, bind] of Object.entries(binders)) {
  Deno.test(`lifecycle: ${name} is AsyncDisposable; await using detaches it everywhere`, async () => {
    const { mach } = family();
    let late: Machine;
    {
      await using binding = bind(mach);
      const flush = (binding as { flush?: () => Promise<void> }).flush;
      if (flush) await flush.call(binding);
      // a submachine created while bound gets the inherited tracers
      late = new Machine({ C: {} }, { id: "life-late", parent: mach });
      late.add1("C");
      mach.add1("A");
      assert(mach.tracers().length > 0, "bound");
    }
    assertEquals(mach.tracers().map((t) => t.id), []);
    assertEquals(late.tracers().map((t) => t.id), [], "submachines detached too");
  });
}

Deno.test("lifecycle: a Pusher stops with a last push on dispose", async () => {
  let pushes = 0;
  await using server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (r) => {
    await r.body?.cancel();
    pushes++;
    return new Response(null, { status: 200 });
  });
  {
    await using pusher = new Pusher({
      url: `http://127.0.0.1:${server.addr.port}`,
      job: "j",
      registry: new Registry(),
    });
    pusher.start();
    await pusher.flush();
  }
  assertEquals(pushes, 2);
});

Deno.test("lifecycle: machTelemetryEnv composes: one flush, one dispose, every exporter detached", async () => {
  const hub = new DbgHub();
  const seen: string[] = [];
  await using server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (r) => {
    const path = new URL(r.url).pathname;
    seen.push(path.startsWith("/metrics/") ? "push" : path);
    await r.body?.cancel();
    return new Response(null, { status: path.startsWith("/loki") ? 204 : 200 });
  });
  const base = `http://127.0.0.1:${server.addr.port}`;
  // a Pushgateway and Loki on one loopback server
  const env: Record<string, string> = { AM_SERVICE: "svc", AM_LOG: "2" };
  env.AM_PROM_PUSH_URL = env.AM_LOKI_ADDR = base;
  const { mach, child } = family();
  const telemetry = machTelemetryEnv(mach, readTelemetryConfig((n) => env[n]));
  const dbg = transitionsToDbg(mach, new HubTransport(hub));
  assertEquals(telemetry.bindings.length, 2);
  mach.add1("A");
  child.add1("B");
  await telemetry.flush();
  assert(seen.includes("push") && seen.includes("/loki/api/v1/push"), seen.join());
  await telemetry[Symbol.asyncDispose]();
  await dbg[Symbol.asyncDispose]();
  assertEquals(mach.tracers().length, 0);
  assertEquals(mach.logLevel, LogLevel.Changes);
  // disposing twice is a no-op
  await telemetry[Symbol.asyncDispose]();
});
