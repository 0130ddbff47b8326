/**
 * The OpenTelemetry types in this module's public signatures. They ARE the
 * types of `@opentelemetry/api` (Tracer, Span, Meter…), of
 * `@opentelemetry/sdk-trace` (ReadableSpan, SpanExporter, TracerProvider)
 * of `@opentelemetry/core` (ExportResult) and of `@opentelemetry/api-logs`
 * (LogRecord, SeverityNumber, Logger's emit), under documented aliases:
 * `deno doc --lint` rejects an npm type used directly in a public signature
 * (private-type-ref) and a re-export of it (the packages' declarations lack
 * JSDoc), while an exported alias is accepted and linked in the docs. Any
 * value of the real type is a value of the alias and the other way round.
 *
 * @example The aliases are the real types
 * ```ts
 * import { trace } from "@opentelemetry/api";
 * import type { Tracer } from "@opentelemetry/api";
 * import type { OtelTracer } from "@asyncmachine/telemetry/otel";
 * const tracer: OtelTracer = trace.getTracer("am");
 * const same: Tracer = tracer;
 * same.startSpan("x").end();
 * ```
 *
 * @module
 */

import type * as api from "@opentelemetry/api";
import type * as logs from "@opentelemetry/api-logs";
import type * as core from "@opentelemetry/core";
import type * as sdk from "@opentelemetry/sdk-trace";

/** An `@opentelemetry/api` AttributeValue: a scalar or an array of one scalar type. */
export type OtelAttributeValue = api.AttributeValue;

/** `@opentelemetry/api` Attributes: attribute values by key. */
export type OtelAttributes = api.Attributes;

/** An `@opentelemetry/api` HrTime: [seconds, nanoseconds] since the epoch. */
export type OtelHrTime = api.HrTime;

/** An `@opentelemetry/api` SpanContext: trace id, span id, trace flags. */
export type OtelSpanContext = api.SpanContext;

/** An `@opentelemetry/api` Context: what a span's children and log records attach to. */
export type OtelContext = api.Context;

/** An `@opentelemetry/api` Span (an open span). */
export type OtelSpan = api.Span;

/** An `@opentelemetry/api` Tracer: where spans come from. */
export type OtelTracer = api.Tracer;

/** An `@opentelemetry/api` Meter: where instruments come from. */
export type OtelMeter = api.Meter;

/** An `@opentelemetry/api` BatchObservableResult: observes values of observable instruments. */
export type OtelObservableResult = api.BatchObservableResult;

/** An `@opentelemetry/sdk-trace` ReadableSpan: a finished span, as exporters get it. */
export type OtelFinishedSpan = sdk.ReadableSpan;

/** An `@opentelemetry/core` ExportResult: `code` is ExportResultCode (SUCCESS 0, FAILED 1). */
export type OtelExportResult = core.ExportResult;

/** An `@opentelemetry/sdk-trace` SpanExporter: where a span processor sends finished spans. */
export type OtelSpanExporter = sdk.SpanExporter;

/** An `@opentelemetry/sdk-trace` TracerProvider (the SDK's, with forceFlush and shutdown). */
export type OtelTracerProvider = sdk.TracerProvider;

/** An `@opentelemetry/api-logs` LogRecord: what {@linkcode OtelLogEmitter} receives. */
export type OtelLogRecord = logs.LogRecord;

/** An `@opentelemetry/api-logs` SeverityNumber (TRACE 1 … FATAL4 24). */
export type OtelLogSeverity = logs.SeverityNumber;

/**
 * What the OTel logger emits to: anything with an `@opentelemetry/api-logs`
 * Logger's `emit(record)`, so any api-logs Logger fits (tests/otel_types_test.ts
 * checks one from the logs SDK), and so does a bare `{ emit }`.
 */
export interface OtelLogEmitter {
  /** Emits one record. */
  emit(record: OtelLogRecord): void;
}
