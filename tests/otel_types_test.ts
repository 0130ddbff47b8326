// otel/'s public signatures take and give the OpenTelemetry packages' own
// types (otel/types.ts aliases them): checked at compile time (a look-alike
// that differs from the real type fails `deno test`'s type check), then the
// API's values pass through those signatures without casts, and a real
// sdk-trace span processor reads the exporters' ExportResults.

import { assert, assertEquals } from "@std/assert";
import {
  type Attributes,
  type AttributeValue,
  type BatchObservableResult,
  type Context,
  type HrTime,
  type Meter,
  type Span,
  type SpanContext,
  trace,
  type Tracer,
} from "@opentelemetry/api";
import type { Logger, LogRecord, SeverityNumber } from "@opentelemetry/api-logs";
import type { ExportResult } from "@opentelemetry/core";
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
} from "@opentelemetry/sdk-logs";
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import { LogLevel, Machine } from "../machine/mod.ts";
import {
  bindOtelLogger,
  type bindOtelMetrics,
  JaegerJsonExporter,
  type OtelAttributes,
  type OtelAttributeValue,
  type OtelContext,
  type OtelExportResult,
  type OtelFinishedSpan,
  type OtelHrTime,
  type OtelLogEmitter,
  type OtelLoggerOptions,
  type OtelLogRecord,
  type OtelLogSeverity,
  OtelMachTracer,
  type OtelMachTracerOptions,
  type OtelMeter,
  type OtelMetrics,
  type OtelObservableResult,
  type OtelProvider,
  type OtelProviderOptions,
  otelSeverity,
  type OtelSpan,
  type OtelSpanContext,
  type OtelSpanExporter,
  type OtelTracer,
  type OtelTracerProvider,
  OtlpJsonExporter,
  toJaegerFile,
  toOtlpJson,
} from "../otel/mod.ts";

/** true when A and B are the same type (not merely assignable one way). */
type Exact<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true
  : false;

/** Compiles only when A and B are the same type. */
function exact<A, B>(same: Exact<A, B>): boolean {
  return same;
}

Deno.test("otel types: the aliases and the public signatures are the OTel packages' own types", () => {
  const checks = [
    exact<OtelAttributeValue, AttributeValue>(true),
    exact<OtelAttributes, Attributes>(true),
    exact<OtelHrTime, HrTime>(true),
    exact<OtelSpanContext, SpanContext>(true),
    exact<OtelContext, Context>(true),
    exact<OtelSpan, Span>(true),
    exact<OtelTracer, Tracer>(true),
    exact<OtelMeter, Meter>(true),
    exact<OtelObservableResult, BatchObservableResult>(true),
    exact<OtelFinishedSpan, ReadableSpan>(true),
    exact<OtelExportResult, ExportResult>(true),
    exact<OtelSpanExporter, SpanExporter>(true),
    exact<OtelTracerProvider, TracerProvider>(true),
    exact<OtelLogRecord, LogRecord>(true),
    exact<OtelLogSeverity, SeverityNumber>(true),
    exact<Parameters<OtelLogEmitter["emit"]>, Parameters<Logger["emit"]>>(true),
    // where the public API takes or gives them
    exact<ConstructorParameters<typeof OtelMachTracer>[0], Tracer>(true),
    exact<OtelMachTracer["tracer"], Tracer>(true),
    exact<OtelMachTracerOptions["rootSpan"], Span | undefined>(true),
    exact<ReturnType<OtelMachTracer["machineContext"]>, Context | undefined>(true),
    exact<ReturnType<OtelMachTracer["transitionContext"]>, Context | undefined>(true),
    exact<OtelLogRecord["context"], Context | undefined>(true),
    exact<ReturnType<typeof otelSeverity>, SeverityNumber>(true),
    exact<OtelLoggerOptions["logger"], OtelLogEmitter | undefined>(true),
    exact<ConstructorParameters<typeof OtelMetrics>[0], Meter | undefined>(true),
    exact<Parameters<typeof bindOtelMetrics>[1], Meter | undefined>(true),
    exact<OtelProviderOptions["exporter"], SpanExporter | undefined>(true),
    exact<OtelProvider["tracer"], Tracer>(true),
    exact<OtelProvider["provider"], TracerProvider | undefined>(true),
    exact<Parameters<typeof toJaegerFile>[0], readonly ReadableSpan[]>(true),
    exact<Parameters<typeof toOtlpJson>[0], readonly ReadableSpan[]>(true),
    exact<JaegerJsonExporter["spans"], ReadableSpan[]>(true),
    exact<Parameters<JaegerJsonExporter["export"]>, Parameters<SpanExporter["export"]>>(true),
    exact<Parameters<OtlpJsonExporter["export"]>, Parameters<SpanExporter["export"]>>(true),
  ];
  assertEquals(checks.length, 34);
  assert(checks.every((c) => c));
});

Deno.test("otel types: API values go in and come out of the public signatures without casts", async () => {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  });
  const apiTracer: Tracer = provider.getTracer("t");
  const root: Span = apiTracer.startSpan("root");
  const otel = new OtelMachTracer(apiTracer, { rootSpan: root });
  const back: Tracer = otel.tracer;
  assert(back === apiTracer);
  const mach = new Machine({ A: {} }, { id: "types", tracers: [otel] });
  let txSpan: Span | undefined;
  mach.bindHandlers({
    AState: () => {
      // an api Context in, an api Span out
      txSpan = trace.getSpan(otel.transitionContext("types")!);
    },
  });
  mach.add1("A");
  const machSpan: Span | undefined = trace.getSpan(otel.machineContext("types")!);
  otel.dispose();
  root.end();
  await provider.forceFlush();
  const finished: ReadableSpan[] = memory.getFinishedSpans();
  const byName = new Map(finished.map((s) => [s.name, s]));
  const machFinished = byName.get("mach:0:types")!;
  assertEquals(machSpan?.spanContext().spanId, machFinished.spanContext().spanId);
  assertEquals(machFinished.parentSpanContext?.spanId, root.spanContext().spanId);
  assertEquals(txSpan?.spanContext().spanId, byName.get("0: [add] A")?.spanContext().spanId);
  // the SDK's finished spans are what the converters take
  const ours: OtelFinishedSpan[] = finished;
  assertEquals(toJaegerFile(ours).data[0].spans.length, finished.length);
  assertEquals(toOtlpJson(ours).resourceSpans.length, 1);
  await provider.shutdown();
});

/** A span ended through a real SimpleSpanProcessor; resolves with its export's error, if any. */
async function exportThroughSdk(exporter: SpanExporter): Promise<Error | undefined> {
  const processor = new SimpleSpanProcessor({ exporter });
  const provider = new TracerProvider({ spanProcessors: [processor] });
  provider.getTracer("t").startSpan("s").end();
  try {
    // the processor rejects a pending export whose result code isn't SUCCESS
    await processor.forceFlush();
    return undefined;
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

Deno.test("otel types: a real span processor reads the exporters' results (ExportResultCode)", async () => {
  const jaeger = new JaegerJsonExporter();
  assertEquals(await exportThroughSdk(jaeger), undefined);
  assertEquals(jaeger.spans.map((s) => s.name), ["s"]);
  await jaeger.shutdown();
  assertEquals((await exportThroughSdk(jaeger))?.message, "exporter shut down");
  assertEquals(jaeger.spans.length, 1);

  let status = 200;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    await req.body?.cancel();
    return new Response(null, { status });
  });
  try {
    const url = `http://127.0.0.1:${server.addr.port}/v1/traces`;
    const otlp = new OtlpJsonExporter({ url });
    assertEquals(await exportThroughSdk(otlp), undefined);
    status = 503;
    assertEquals((await exportThroughSdk(otlp))?.message, `OTLP ${url}: 503`);
    assertEquals(otlp.failures, 1);
  } finally {
    await server.shutdown();
  }
});

Deno.test("otel types: an @opentelemetry/api-logs Logger from the logs SDK takes the machine's records", async () => {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
  const spans = new TracerProvider();
  const otel = new OtelMachTracer(spans.getTracer("logs"));
  const logger: Logger = provider.getLogger("am");
  const mach = new Machine({ Foo: {} }, {
    id: "logs1",
    logLevel: LogLevel.Changes,
    tracers: [otel],
  });
  await using _ = bindOtelLogger(mach, { logger, service: "svc" });
  mach.add(["Foo"]);
  const [rec] = exporter.getFinishedLogRecords().filter((r) => r.body === "[state] +Foo");
  assert(rec, "the SDK exported the record");
  assertEquals(rec.severityNumber, otelSeverity(LogLevel.Changes));
  assertEquals(rec.attributes["asyncmachine.id"], "logs1");
  // correlated: the record carries the transition span's ids
  assertEquals(
    rec.spanContext?.traceId,
    trace.getSpan(otel.machineContext("logs1")!)?.spanContext().traceId,
  );
  otel.dispose();
  await provider.shutdown();
});
