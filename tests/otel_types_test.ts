// The public OTel types of otel/types.ts are documented subsets of the real
// ones: the real API and SDK objects must fit them, and our exporters must
// fit the SDK's SpanExporter. Type-checked (deno test checks), then run.

import { assertEquals } from "@std/assert";
import { type Meter, metrics, type Span, trace, type Tracer } from "@opentelemetry/api";
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import {
  JaegerJsonExporter,
  type OtelFinishedSpan,
  type OtelMeter,
  type OtelSpan,
  type OtelSpanExporter,
  type OtelTracer,
  OtlpJsonExporter,
} from "../otel/mod.ts";

Deno.test("otel types: the real API and SDK types fit the public subsets, both ways for exporters", async () => {
  const apiTracer: Tracer = trace.getTracer("t");
  const apiMeter: Meter = metrics.getMeter("m");
  const tracer: OtelTracer = apiTracer;
  const meter: OtelMeter = apiMeter;
  const apiSpan: Span = apiTracer.startSpan("s");
  const span: OtelSpan = apiSpan;
  span.end();
  const memory = new InMemorySpanExporter();
  const exporter: OtelSpanExporter = memory;
  const sdkExporters: SpanExporter[] = [new JaegerJsonExporter(), new OtlpJsonExporter()];
  const provider = new TracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  });
  provider.getTracer("x").startSpan("done").end();
  const finished: ReadableSpan[] = memory.getFinishedSpans();
  const ours: OtelFinishedSpan[] = finished;
  assertEquals(ours.map((s) => s.name), ["done"]);
  assertEquals([tracer, meter, exporter].every(Boolean), true);
  assertEquals(sdkExporters.length, 2);
  await provider.shutdown();
});
