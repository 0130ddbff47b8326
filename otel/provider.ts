/**
 * Tracer providers: Deno's built-in OpenTelemetry (OTLP, no exporter code)
 * when `OTEL_DENO=true`, else an sdk-trace(-base) provider with a batch
 * processor and a `service.name` resource, needing no env access.
 *
 * @module
 */

import { trace } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
// sdk-trace-base 2.x is a shim over sdk-trace that reads OTEL_* variables
// (failing without env access); the core package takes explicit config
import { BatchSpanProcessor, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { readTelemetryConfig, type TelemetryConfig } from "../internal/config.ts";
import { randId } from "../machine/utils.ts";
import { OtlpJsonExporter } from "./otlp.ts";
import type { OtelSpanExporter, OtelTracer, OtelTracerProvider } from "./types.ts";

/** Options of {@linkcode newOtelProvider}. */
export interface OtelProviderOptions {
  /** Where spans go; default OTLP/HTTP JSON to the config's OTEL_EXPORTER_OTLP_* endpoint. */
  exporter?: OtelSpanExporter;
  /** Settings (OTEL_DENO, the OTLP endpoint); default read from the env. */
  config?: TelemetryConfig;
  /** Export each span as it ends (tests); default: batches (50 spans or 100 ms). */
  simple?: boolean;
  /** Use Deno's built-in OpenTelemetry; default: when the config says OTEL_DENO=true. */
  denoOtel?: boolean;
  /** Instrumentation scope name; default "asyncmachine". */
  scope?: string;
}

/** A tracer and what flushes it. */
export interface OtelProvider {
  /** The tracer to give `OtelMachTracer` (an `@opentelemetry/api` Tracer). */
  tracer: OtelTracer;
  /** The sdk-trace provider, or undefined with Deno's built-in OpenTelemetry. */
  provider: OtelTracerProvider | undefined;
  /** Whether Deno's built-in OpenTelemetry exports the spans. */
  denoOtel: boolean;
  /** Exports pending spans. */
  forceFlush(): Promise<void>;
  /** Flushes and stops the provider. */
  shutdown(): Promise<void>;
}

/**
 * Whether Deno's built-in OpenTelemetry is on (`OTEL_DENO=true`).
 *
 * @example Usage
 * ```ts
 * import { isDenoOtel } from "@asyncmachine/telemetry/otel";
 * isDenoOtel(); // false unless OTEL_DENO=true (and env access)
 * ```
 */
export function isDenoOtel(config?: TelemetryConfig): boolean {
  config ??= readTelemetryConfig();
  return config.otel.denoOtel;
}

/**
 * Upstream's NewOtelProvider: a tracer for `service`. With Deno's built-in
 * OpenTelemetry on, the global provider (Deno exports OTLP itself, and takes
 * the service name from `OTEL_SERVICE_NAME`, not from `service`).
 *
 * @example Usage
 * ```ts
 * import { JaegerJsonExporter, newOtelProvider } from "@asyncmachine/telemetry/otel";
 * const { tracer, shutdown } = newOtelProvider("my-service", {
 *   exporter: new JaegerJsonExporter(),
 * });
 * tracer.startSpan("hello").end();
 * await shutdown();
 * ```
 */
export function newOtelProvider(service: string, opts?: OtelProviderOptions): OtelProvider {
  opts ??= {};
  const scope = opts.scope ?? "asyncmachine";
  const config = opts.config ?? readTelemetryConfig();
  if (opts.denoOtel ?? (config.otel.denoOtel && !opts.exporter)) {
    return {
      tracer: trace.getTracer(scope),
      provider: undefined,
      denoOtel: true,
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    };
  }
  const exporter = opts.exporter ?? new OtlpJsonExporter({ url: config.otel.tracesEndpoint });
  const processor = opts.simple ? new SimpleSpanProcessor({ exporter }) : new BatchSpanProcessor({
    exporter,
    maxExportBatchSize: 50,
    scheduledDelayMillis: 100,
    maxQueueSize: 2048,
    exportTimeoutMillis: 30_000,
  });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ "service.name": service }),
    spanProcessors: [processor],
    // the SDK's default goes through Node's Buffer; a pooled crypto source is faster
    idGenerator: { generateTraceId: () => randId(32), generateSpanId: () => randId(16) },
  });
  return {
    tracer: provider.getTracer(scope),
    provider,
    denoOtel: false,
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
