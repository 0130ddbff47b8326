/**
 * The parts of OpenTelemetry's API and SDK this module's public API uses,
 * as small structural types: any `@opentelemetry/api` Tracer, Span or
 * Meter and any sdk-trace ReadableSpan or SpanExporter fits them
 * (tests/otel_types_test.ts checks it against the real types, so they
 * can't drift). Runtime code uses the API's own types; only the public
 * signatures use these, because `deno doc --lint` counts any type from an
 * npm package as private (and `@opentelemetry/api`'s declarations lack
 * the JSDoc it requires), so the real types can't appear in a
 * lint-clean public API.
 *
 * @module
 */

/** An attribute value. */
export type OtelAttributeValue =
  | string
  | number
  | boolean
  | (string | null | undefined)[]
  | (number | null | undefined)[]
  | (boolean | null | undefined)[];

/** Attributes. */
export type OtelAttributes = Record<string, OtelAttributeValue | undefined>;

/** High-resolution time: [seconds, nanoseconds]. */
export type OtelHrTime = [number, number];

/** A span's identity. */
export interface OtelSpanContext {
  /** 32 hex. */
  traceId: string;
  /** 16 hex. */
  spanId: string;
  /** W3C trace flags. */
  traceFlags: number;
  /** Propagated from another process. */
  isRemote?: boolean;
}

/** An open span (`@opentelemetry/api` Span). */
export interface OtelSpan {
  /** Its identity. */
  spanContext(): OtelSpanContext;
  /** Sets attributes. */
  setAttributes(attributes: OtelAttributes): unknown;
  /** Adds an event. */
  addEvent(name: string, attributes?: OtelAttributes): unknown;
  /** Adds a link. */
  addLink(link: { context: OtelSpanContext; attributes?: OtelAttributes }): unknown;
  /** Sets the status (2 = error). */
  setStatus(status: { code: number; message?: string }): unknown;
  /** Ends the span. */
  end(): void;
}

/** An `@opentelemetry/api` Tracer (the context argument is an api Context). */
export interface OtelTracer {
  /** Starts a span under the given context. */
  // deno-lint-ignore no-explicit-any
  startSpan(name: string, options?: { attributes?: OtelAttributes }, context?: any): OtelSpan;
}

/** A finished span, as sdk-trace-base's ReadableSpan. */
export interface OtelFinishedSpan {
  /** Name. */
  readonly name: string;
  /** SpanKind (0 internal … 4 consumer). */
  readonly kind: number;
  /** Its identity. */
  spanContext(): OtelSpanContext;
  /** The parent's identity. */
  readonly parentSpanContext?: OtelSpanContext;
  /** Start. */
  readonly startTime: OtelHrTime;
  /** End. */
  readonly endTime: OtelHrTime;
  /** Status (2 = error). */
  readonly status: { code: number; message?: string };
  /** Attributes. */
  readonly attributes: OtelAttributes;
  /** Links. */
  readonly links: readonly { context: OtelSpanContext; attributes?: OtelAttributes }[];
  /** Events. */
  readonly events: readonly { name: string; time: OtelHrTime; attributes?: OtelAttributes }[];
  /** The resource (service.name…). */
  readonly resource: { attributes: OtelAttributes };
  /** The instrumentation scope. */
  readonly instrumentationScope: { name: string };
}

/** An export result: code 0 = success, 1 = failure. */
export interface OtelExportResult {
  /** 0 success, 1 failure. */
  code: number;
  /** The failure. */
  error?: Error;
}

/** A span exporter, as sdk-trace-base's SpanExporter. */
export interface OtelSpanExporter {
  /** Exports a batch, then calls `done`. */
  export(spans: OtelFinishedSpan[], done: (result: OtelExportResult) => void): void;
  /** Stops the exporter. */
  shutdown(): Promise<void>;
  /** Exports anything pending. */
  forceFlush?(): Promise<void>;
}

/** An instrument callback's result: observes values of observable instruments. */
export interface OtelObservableResult {
  /** Records `value` for `observable` with these attributes. */
  observe(observable: object, value: number, attributes?: OtelAttributes): void;
}

/** The parts of an `@opentelemetry/api` Meter the metrics binding uses. */
export interface OtelMeter {
  /** A monotonic counter. */
  createCounter(
    name: string,
    options?: { description?: string; unit?: string },
  ): { add(value: number, attributes?: OtelAttributes): void };
  /** A histogram. */
  createHistogram(
    name: string,
    options?: { description?: string; unit?: string },
  ): { record(value: number, attributes?: OtelAttributes): void };
  /** An observable gauge. */
  createObservableGauge(name: string, options?: { description?: string; unit?: string }): object;
  /** Observes several instruments in one callback. */
  addBatchObservableCallback(
    callback: (result: OtelObservableResult) => void,
    observables: object[],
  ): void;
  /** Removes a batch callback. */
  removeBatchObservableCallback(
    callback: (result: OtelObservableResult) => void,
    observables: object[],
  ): void;
}
