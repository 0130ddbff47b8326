/**
 * OpenTelemetry for machines, as asyncmachine-go's `pkg/telemetry/otel.go`:
 * {@linkcode OtelMachTracer} turns machines into a span tree (machine →
 * states → state instances; transitions; submachines), exported through
 * Deno's built-in OpenTelemetry (OTLP) or any sdk-trace provider, and as a
 * Jaeger UI import file; machine logs as OTel log records and machine
 * metrics as OTel instruments.
 *
 * @example
 * ```ts
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * import { JaegerJsonExporter, newOtelProvider, OtelMachTracer } from "@asyncmachine/telemetry/otel";
 * const exporter = new JaegerJsonExporter();
 * const { tracer, forceFlush } = newOtelProvider("my-service", { exporter });
 * {
 *   await using otel = new OtelMachTracer(tracer);
 *   const mach = new Machine({ Foo: {} }, { id: "m1", tracers: [otel] });
 *   mach.add(["Foo"]);
 * } // every span ended
 * await forceFlush();
 * exporter.toJSON().data[0].spans.length > 0; // true
 * ```
 *
 * @module
 */

export { OtelMachTracer, type OtelMachTracerOptions } from "./tracer.ts";
export {
  isDenoOtel,
  newOtelProvider,
  type OtelProvider,
  type OtelProviderOptions,
} from "./provider.ts";
export { bindOtelEnv, machBindOtelEnv, OtelEnvBinding } from "./env.ts";
export { bindOtelLogger, OtelLogger, type OtelLoggerOptions, otelSeverity } from "./logger.ts";
export { bindOtelMetrics, OtelMetrics } from "./metrics.ts";
export {
  type JaegerFile,
  JaegerJsonExporter,
  type JaegerSpan,
  type JaegerTag,
  type JaegerTrace,
  toJaegerFile,
} from "./jaeger.ts";
export { OtlpJsonExporter, type OtlpJsonExporterOptions, toOtlpJson } from "./otlp.ts";
export type {
  OtelAttributes,
  OtelAttributeValue,
  OtelContext,
  OtelExportResult,
  OtelFinishedSpan,
  OtelHrTime,
  OtelLogEmitter,
  OtelLogRecord,
  OtelLogSeverity,
  OtelMeter,
  OtelObservableResult,
  OtelSpan,
  OtelSpanContext,
  OtelSpanExporter,
  OtelTracer,
  OtelTracerProvider,
} from "./types.ts";
