// machTelemetryEnv: the variables matrix, every exporter against loopback
// peers, and running with no --allow-env at all.

import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import {
  dbgHandler,
  DbgHub,
  type DbgTracer,
  LogLevel,
  Machine,
  machTelemetryEnv,
  readTelemetryConfig,
} from "../mod.ts";
import { withEnv } from "./helpers.ts";

Deno.test("env: without --allow-env nothing is bound and nothing throws", async () => {
  const res = await new Deno.Command(Deno.execPath(), {
    // no permissions at all, and no prompts
    args: ["run", "--no-prompt", "tests/fixtures/noenv_script.ts"],
    env: { AM_SERVICE: "x", AM_LOG: "5", AM_DBG_ADDR: "1", AM_OTEL_TRACE: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(res.code, 0, new TextDecoder().decode(res.stderr));
  assertEquals(JSON.parse(new TextDecoder().decode(res.stdout)), { tracers: 0, level: 0 });
});

Deno.test("env: no variables bind nothing; submachines are left to inheritance", async () => {
  const m = new Machine({ A: {} });
  const telemetry = machTelemetryEnv(m, readTelemetryConfig(() => undefined));
  assertEquals(m.tracers().length, 0);
  assertEquals(telemetry.bindings.length, 0);
  await telemetry[Symbol.asyncDispose]();
  const child = new Machine({ B: {} }, { parent: m });
  const env = { AM_DBG_ADDR: "1", AM_LOG_PRINT: "1" } as Record<string, string>;
  await using _ = machTelemetryEnv(child, readTelemetryConfig((name) => env[name]));
  assertEquals(child.tracers().length, 0);
});

Deno.test("env: AM_DBG_ADDR=1 is am-dbg's default address", async () => {
  await withEnv({ AM_DBG_ADDR: "1" }, async () => {
    const m = new Machine({ A: {} }, { id: "env-dbg1" });
    await using _ = machTelemetryEnv(m);
    const tracer = m.tracers().find((t) => t.id.startsWith("dbg"));
    assert(tracer, `dbg bound: ${m.tracers().map((t) => t.id).join()}`);
    assertEquals((tracer as DbgTracer).transport.address, "localhost:6831");
  });
});

Deno.test("env: every exporter its variables ask for, flushed and detached by the disposer", async () => {
  const seen: Record<string, number> = {};
  const hub = new DbgHub();
  const dbg = dbgHandler(hub);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = new URL(req.url).pathname;
    const key = path.startsWith("/metrics/job/") ? "pushgateway" : path;
    seen[key] = (seen[key] ?? 0) + 1;
    if (path === "/rpc") return dbg(req);
    await req.body?.cancel();
    if (path === "/api/folders") return Response.json(req.method === "GET" ? [] : { uid: "f1" });
    if (path === "/api/dashboards/db") return Response.json({ uid: "d", url: "/d", version: 1 });
    return new Response(null, { status: path === "/v1/traces" ? 200 : 204 });
  });
  const base = `http://127.0.0.1:${server.addr.port}`;
  const vars: Record<string, string> = {
    AM_SERVICE: "env-matrix",
    AM_LOG: "3",
    AM_DBG_ADDR: base,
    AM_PROM_PUSH_URL: base,
    AM_GRAFANA_URL: base,
    AM_GRAFANA_TOKEN: "tok",
    AM_OTEL_TRACE: "1",
    AM_OTEL_TRACE_TXS: "1",
    OTEL_EXPORTER_OTLP_ENDPOINT: base,
    AM_LOKI_ADDR: `127.0.0.1:${server.addr.port}`,
    AM_HOSTNAME: "host-1",
  };
  for (const [k, v] of Object.entries(vars)) Deno.env.set(k, v);
  try {
    const m = new Machine({ A: {}, B: {} }, { id: "env-m" });
    const telemetry = machTelemetryEnv(m);
    assertEquals(telemetry.bindings.length, 5);
    assertEquals(m.logLevel, LogLevel.Ops);
    const ids = m.tracers().map((t) => t.id);
    for (const id of ["dbg", "prom-", "grafanasync", "otel-", "loki"]) {
      assert(ids.some((t) => t.startsWith(id)), `${id} bound: ${ids.join()}`);
    }
    m.add1("A");
    m.add1("B");
    await telemetry.flush();
    await telemetry[Symbol.asyncDispose]();
    assertEquals(m.tracers().length, 0, "all detached");
    for (
      const key of ["/rpc", "pushgateway", "/api/dashboards/db", "/v1/traces", "/loki/api/v1/push"]
    ) {
      assert((seen[key] ?? 0) > 0, `${key} reached: ${JSON.stringify(seen)}`);
    }
    assertStringIncludes((await hub.txs("env-m")).txs.map((t) => t.msg.ID).join(), "-0");
  } finally {
    for (const k of [...Object.keys(vars), "AM_OTEL_TRACE_ID", "AM_OTEL_SPAN_ID"]) {
      Deno.env.delete(k);
    }
    await server.shutdown();
  }
});
