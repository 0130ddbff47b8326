// Deno's real OpenTelemetry exporter: machines bound through
// machTelemetryEnv in a subprocess (OTEL_DENO=true, OTLP/HTTP JSON to a
// loopback sink) export spans, log records carrying those spans' trace
// ids, and am_* metrics with the machine ids. Plus the logger and metrics
// bindings on their own.

import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { trace } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { LogLevel, Machine } from "../machine/mod.ts";
import {
  bindOtelLogger,
  bindOtelMetrics,
  type OtelLogRecord,
  OtelMachTracer,
  type OtelMeter,
  type OtelObservableResult,
} from "../otel/mod.ts";

interface KeyValue {
  key: string;
  value: { stringValue?: string; intValue?: string; doubleValue?: number };
}

function attr(attrs: KeyValue[] | undefined, key: string): string | undefined {
  return attrs?.find((a) => a.key === key)?.value.stringValue;
}

Deno.test("otel env: spans, logs with the spans' trace ids, and am_* metrics through Deno's exporter", async () => {
  const bodies: Record<string, { [k: string]: unknown }[]> = {};
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = new URL(req.url).pathname;
    (bodies[path] ??= []).push(await req.json());
    return Response.json({});
  });
  try {
    const res = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-env", "--allow-net", "tests/fixtures/telemetry_env_script.ts"],
      env: {
        OTEL_DENO: "true",
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${server.addr.port}`,
        OTEL_METRIC_EXPORT_INTERVAL: "500",
        OTEL_SERVICE_NAME: "env-svc",
        AM_SERVICE: "env-svc",
        AM_OTEL_TRACE: "1",
        AM_OTEL_TRACE_TXS: "1",
        AM_LOG: "3",
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assertEquals(res.code, 0, new TextDecoder().decode(res.stderr));

    // spans
    type Span = { name: string; traceId: string; spanId: string };
    const spans: Span[] = (bodies["/v1/traces"] ?? []).flatMap((b) =>
      (b.resourceSpans as { scopeSpans: { spans: Span[] }[] }[]).flatMap((r) =>
        r.scopeSpans.flatMap((s) => s.spans)
      )
    );
    const names = spans.map((s) => s.name);
    assert(names.includes("mach:0:env-mach"), names.join());
    assert(names.includes("0: [add] Start"));
    assert(names.some((n) => /^mach:\d+:env-child$/.test(n)));
    const traceIds = new Set(spans.map((s) => s.traceId));

    // logs: machine lines, each carrying a machine span's trace id
    type Log = { body: { stringValue: string }; traceId: string; spanId: string };
    const logs: Log[] = (bodies["/v1/logs"] ?? []).flatMap((b) =>
      (b.resourceLogs as { scopeLogs: { logRecords: Log[] }[] }[]).flatMap((r) =>
        r.scopeLogs.flatMap((s) => s.logRecords)
      )
    );
    const machineLogs = logs.filter((l) => l.body.stringValue.startsWith("[env-mach]"));
    assert(machineLogs.length >= 5, `${machineLogs.length} machine log records`);
    const state = machineLogs.find((l) => l.body.stringValue.includes("[state] +Start"))!;
    assert(state, "the [state] +Start line");
    assert(traceIds.has(state.traceId), "the log record carries the machine's trace id");
    const txSpan = spans.find((s) => s.name === "0: [add] Start")!;
    assertEquals(state.spanId, txSpan.spanId, "inside the transition's span");
    assert(machineLogs.every((l) => traceIds.has(l.traceId)));

    // metrics
    type Metric = {
      name: string;
      sum?: { dataPoints: { attributes: KeyValue[] }[] };
      gauge?: { dataPoints: { attributes: KeyValue[] }[] };
    };
    const metrics: Metric[] = (bodies["/v1/metrics"] ?? []).flatMap((b) =>
      (b.resourceMetrics as { scopeMetrics: { metrics: Metric[] }[] }[]).flatMap((r) =>
        r.scopeMetrics.flatMap((s) => s.metrics)
      )
    );
    const transitions = metrics.filter((m) => m.name === "am_transitions");
    assert(transitions.length > 0, metrics.map((m) => m.name).join());
    const ids = new Set(
      transitions.flatMap((m) => m.sum!.dataPoints.map((p) => attr(p.attributes, "mach_id"))),
    );
    assert(ids.has("env-mach") && ids.has("env-child"), [...ids].join());
    assert(metrics.some((m) => m.name === "am_queue_size" && m.gauge));
  } finally {
    await server.shutdown();
  }
});

Deno.test("otel logger: records with upstream's severities, correlated with the tx span", () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const otel = new OtelMachTracer(provider.getTracer("t"));
  const records: OtelLogRecord[] = [];
  const mach = new Machine({ A: {}, B: { require: ["A"] } }, {
    id: "logm",
    tracers: [otel],
    logLevel: LogLevel.Decisions,
  });
  bindOtelLogger(mach, { logger: { emit: (r) => records.push(r) }, service: "svc" });
  const child = new Machine({ C: {} }, { id: "logc", parent: mach, logLevel: LogLevel.Ops });
  mach.add1("A");
  mach.addErr(new Error("boom"));
  child.add1("C");
  mach.log("[error] custom failure");
  otel.dispose();
  const state = records.find((r) => r.body === "[state] +A")!;
  assertEquals(state.severityNumber, 11);
  assertEquals(state.attributes?.["asyncmachine.id"], "logm");
  assertEquals(state.attributes?.["service.name"], "svc");
  const txSpan = exporter.getFinishedSpans().find((s) => s.name === "0: [add] A")!;
  assertEquals(
    trace.getSpan(state.context!)?.spanContext().spanId,
    txSpan.spanContext().spanId,
  );
  assertEquals(state.attributes?.["asyncmachine.tx_id"], txSpan.attributes.tx_id);
  assertEquals(records.find((r) => r.body === "[add] A")?.severityNumber, 9);
  assert(records.some((r) => r.body === "[exter] [error] custom failure"));
  assert(records.some((r) => r.attributes?.["asyncmachine.id"] === "logc"), "inherited");
  assertEquals(
    records.find((r) => String(r.body).startsWith("[add:auto]"))?.severityNumber,
    undefined,
  );
});

Deno.test("otel metrics: instruments fed per machine and submachine", () => {
  const counters: Record<string, { v: number; a?: unknown }[]> = {};
  const observed: { name: string; v: number; a?: Record<string, unknown> }[] = [];
  let callback: ((r: OtelObservableResult) => void) | undefined;
  // only what the binding uses of a Meter
  const meter = {
    createCounter: (name: string) => ({
      add: (v: number, a?: unknown) => void (counters[name] ??= []).push({ v, a }),
    }),
    createHistogram: (name: string) => ({
      record: (v: number, a?: unknown) => void (counters[name] ??= []).push({ v, a }),
    }),
    createObservableGauge: (name: string) => ({ name }),
    addBatchObservableCallback: (cb: (r: OtelObservableResult) => void) => void (callback = cb),
    removeBatchObservableCallback: () => void (callback = undefined),
  } as unknown as OtelMeter;
  const mach = new Machine({ A: {}, B: { require: ["A"] } }, { id: "mm" });
  const metrics = bindOtelMetrics(mach, meter);
  const child = new Machine({ C: {} }, { id: "mc", parent: mach });
  mach.add(["A", "B"]);
  child.add1("C");
  mach.addErr(new Error("x"));
  assertEquals(counters.am_transitions.length, 3);
  assertEquals(counters.am_exceptions.length, 1);
  assertEquals(counters.am_transition_duration.length, 3);
  callback!({
    observe: (o: unknown, v: number, a?: Record<string, unknown>) =>
      void observed.push({ name: (o as { name: string }).name, v, a }),
  } as unknown as OtelObservableResult);
  const steps = observed.find((o) => o.name === "am_steps" && o.a?.mach_id === "mm")!;
  assert(steps.v > 0);
  assertEquals(observed.find((o) => o.name === "am_states" && o.a?.mach_id === "mc")?.v, 2);
  metrics.dispose();
  assertEquals(callback, undefined);
  assertStringIncludes(JSON.stringify(counters.am_transitions[0].a), "mm");
});
