/**
 * A small OTLP/HTTP JSON span exporter on fetch: spans to any OTLP
 * collector (Jaeger, the OpenTelemetry Collector, Grafana) where Deno's
 * built-in OpenTelemetry isn't on.
 *
 * @module
 */

import { ExportResultCode } from "@opentelemetry/core";
import type {
  OtelAttributes,
  OtelAttributeValue,
  OtelExportResult,
  OtelFinishedSpan,
  OtelHrTime,
  OtelSpanExporter,
} from "./types.ts";

/** Options of {@linkcode OtlpJsonExporter}. */
export interface OtlpJsonExporterOptions {
  /**
   * Traces URL; default http://127.0.0.1:4318/v1/traces (`newOtelProvider`
   * passes OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT
   * + /v1/traces from the config).
   */
  url?: string;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** Request timeout, ms; default 10 s. */
  timeoutMs?: number;
}

type AnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { arrayValue: { values: AnyValue[] } };

function scalar(v: string | number | boolean): AnyValue {
  if (typeof v === "boolean") return { boolValue: v };
  if (typeof v === "number") {
    return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  }
  return { stringValue: String(v) };
}

function anyValue(v: OtelAttributeValue): AnyValue {
  if (!Array.isArray(v)) return scalar(v);
  // OTLP arrays have no null; the API allows null/undefined holes
  const values: AnyValue[] = [];
  for (const x of v) if (x != null) values.push(scalar(x));
  return { arrayValue: { values } };
}

function attributes(attrs: OtelAttributes | undefined): { key: string; value: AnyValue }[] {
  const out: { key: string; value: AnyValue }[] = [];
  for (const [key, v] of Object.entries(attrs ?? {})) {
    if (v !== undefined && v !== null) out.push({ key, value: anyValue(v) });
  }
  return out;
}

function nanos(t: OtelHrTime): string {
  return (BigInt(t[0]) * 1_000_000_000n + BigInt(t[1])).toString();
}

/**
 * Spans as an OTLP/JSON `ExportTraceServiceRequest`.
 *
 * @example Usage
 * ```ts
 * import { toOtlpJson } from "@asyncmachine/telemetry/otel";
 * toOtlpJson([]); // { resourceSpans: [] }
 * ```
 */
export function toOtlpJson(spans: readonly OtelFinishedSpan[]): { resourceSpans: unknown[] } {
  const byResource = new Map<OtelFinishedSpan["resource"], Map<string, OtelFinishedSpan[]>>();
  for (const span of spans) {
    let scopes = byResource.get(span.resource);
    if (!scopes) byResource.set(span.resource, scopes = new Map());
    const scope = span.instrumentationScope.name;
    let list = scopes.get(scope);
    if (!list) scopes.set(scope, list = []);
    list.push(span);
  }
  const resourceSpans = [];
  for (const [resource, scopes] of byResource) {
    resourceSpans.push({
      resource: {
        attributes: attributes(resource.attributes),
      },
      scopeSpans: [...scopes].map(([name, list]) => ({
        scope: { name },
        spans: list.map((s) => ({
          traceId: s.spanContext().traceId,
          spanId: s.spanContext().spanId,
          ...(s.parentSpanContext?.spanId ? { parentSpanId: s.parentSpanContext.spanId } : {}),
          name: s.name,
          kind: s.kind + 1,
          startTimeUnixNano: nanos(s.startTime),
          endTimeUnixNano: nanos(s.endTime),
          attributes: attributes(s.attributes),
          events: s.events.map((e) => ({
            timeUnixNano: nanos(e.time),
            name: e.name,
            attributes: attributes(e.attributes),
          })),
          links: s.links.map((l) => ({
            traceId: l.context.traceId,
            spanId: l.context.spanId,
            attributes: attributes(l.attributes),
          })),
          status: {
            code: s.status.code,
            ...(s.status.message ? { message: s.status.message } : {}),
          },
        })),
      })),
    });
  }
  return { resourceSpans };
}

/**
 * Exports spans as OTLP/HTTP JSON with fetch. Failed batches are counted
 * and dropped (never retried forever, never thrown).
 *
 * @example Usage
 * ```ts
 * import { newOtelProvider, OtlpJsonExporter } from "@asyncmachine/telemetry/otel";
 * const exporter = new OtlpJsonExporter({ url: "http://127.0.0.1:4318/v1/traces" });
 * const { tracer } = newOtelProvider("svc", { exporter });
 * ```
 */
export class OtlpJsonExporter implements OtelSpanExporter {
  /** The traces endpoint. */
  readonly url: string;
  /** Batches that failed. */
  failures = 0;
  /** The last failure. */
  lastError: Error | undefined;
  #opts: OtlpJsonExporterOptions;
  #pending = new Set<Promise<void>>();

  /**
   * An exporter for one endpoint.
   *
   * @param opts Endpoint, headers, timeout.
   */
  constructor(opts?: OtlpJsonExporterOptions) {
    opts ??= {};
    this.#opts = opts;
    // the OTEL_EXPORTER_OTLP_* endpoint comes in opts (newOtelProvider passes the config's)
    this.url = opts.url ?? "http://127.0.0.1:4318/v1/traces";
  }

  /** Sends one batch (SpanExporter). */
  export(spans: OtelFinishedSpan[], done: (result: OtelExportResult) => void): void {
    const p = (async () => {
      try {
        const res = await fetch(this.url, {
          method: "POST",
          headers: { "content-type": "application/json", ...this.#opts.headers },
          body: JSON.stringify(toOtlpJson(spans)),
          signal: AbortSignal.timeout(this.#opts.timeoutMs ?? 10_000),
        });
        await res.body?.cancel();
        if (!res.ok) throw new Error(`OTLP ${this.url}: ${res.status}`);
        done({ code: ExportResultCode.SUCCESS });
      } catch (e) {
        this.failures++;
        this.lastError = e instanceof Error ? e : new Error(String(e));
        done({ code: ExportResultCode.FAILED, error: this.lastError });
      }
    })();
    this.#pending.add(p);
    p.finally(() => this.#pending.delete(p));
  }

  /** Waits for batches in flight (SpanExporter). */
  async forceFlush(): Promise<void> {
    await Promise.all([...this.#pending]);
  }

  /** Waits for batches in flight (SpanExporter). */
  async shutdown(): Promise<void> {
    await this.forceFlush();
  }
}
