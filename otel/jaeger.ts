/**
 * A span exporter collecting finished spans as a Jaeger UI import file
 * (`{data: [{traceID, spans, processes}]}`), so traces open in Jaeger
 * without a collector.
 *
 * @module
 */

import { SpanStatusCode } from "@opentelemetry/api";
import { ExportResultCode } from "@opentelemetry/core";
import type {
  OtelAttributes,
  OtelAttributeValue,
  OtelExportResult,
  OtelFinishedSpan,
  OtelHrTime,
  OtelSpanExporter,
} from "./types.ts";

/** A Jaeger tag (or log field). */
export interface JaegerTag {
  /** Attribute name. */
  key: string;
  /** string, bool, int64 or float64. */
  type: "string" | "bool" | "int64" | "float64";
  /** The value. */
  value: string | boolean | number;
}

/** A span in Jaeger's JSON. */
export interface JaegerSpan {
  /** 32 hex. */
  traceID: string;
  /** 16 hex. */
  spanID: string;
  /** The span name. */
  operationName: string;
  /** Parent (CHILD_OF) and links (FOLLOWS_FROM). */
  references: { refType: "CHILD_OF" | "FOLLOWS_FROM"; traceID: string; spanID: string }[];
  /** Start, µs since the epoch. */
  startTime: number;
  /** Duration, µs. */
  duration: number;
  /** Attributes and span metadata. */
  tags: JaegerTag[];
  /** Span events. */
  logs: { timestamp: number; fields: JaegerTag[] }[];
  /** Key into the trace's processes. */
  processID: string;
  /** Always null. */
  warnings: null;
}

/** One trace in Jaeger's JSON. */
export interface JaegerTrace {
  /** 32 hex. */
  traceID: string;
  /** The trace's spans. */
  spans: JaegerSpan[];
  /** Services by process id. */
  processes: Record<string, { serviceName: string; tags: JaegerTag[] }>;
  /** Always null. */
  warnings: null;
}

/** The Jaeger UI import file. */
export interface JaegerFile {
  /** Traces. */
  data: JaegerTrace[];
  /** 0. */
  total: number;
  /** 0. */
  limit: number;
  /** 0. */
  offset: number;
  /** null. */
  errors: null;
}

function micros(t: OtelHrTime): number {
  return t[0] * 1_000_000 + Math.floor(t[1] / 1000);
}

function tag(key: string, value: OtelAttributeValue | undefined): JaegerTag | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "boolean") return { key, type: "bool", value };
  if (typeof value === "number") {
    return Number.isInteger(value)
      ? { key, type: "int64", value }
      : { key, type: "float64", value };
  }
  if (Array.isArray(value)) return { key, type: "string", value: JSON.stringify(value) };
  return { key, type: "string", value: String(value) };
}

function tags(attrs: OtelAttributes | undefined): JaegerTag[] {
  const out: JaegerTag[] = [];
  for (const [k, v] of Object.entries(attrs ?? {})) {
    const t = tag(k, v);
    if (t) out.push(t);
  }
  return out;
}

const KINDS = ["internal", "server", "client", "producer", "consumer"];

/**
 * Converts finished spans to a Jaeger UI import file.
 *
 * @example Usage
 * ```ts
 * import { toJaegerFile } from "@asyncmachine/telemetry/otel";
 * toJaegerFile([]); // { data: [], total: 0, limit: 0, offset: 0, errors: null }
 * ```
 */
export function toJaegerFile(spans: readonly OtelFinishedSpan[]): JaegerFile {
  const traces = new Map<string, JaegerTrace>();
  const processIds = new Map<string, Map<string, string>>();
  for (const span of spans) {
    const ctx = span.spanContext();
    let t = traces.get(ctx.traceId);
    if (!t) {
      t = { traceID: ctx.traceId, spans: [], processes: {}, warnings: null };
      traces.set(ctx.traceId, t);
      processIds.set(ctx.traceId, new Map());
    }
    const service = String(span.resource.attributes["service.name"] ?? "unknown_service");
    const procs = processIds.get(ctx.traceId)!;
    let pid = procs.get(service);
    if (!pid) {
      pid = "p" + (procs.size + 1);
      procs.set(service, pid);
      t.processes[pid] = { serviceName: service, tags: [] };
    }
    const refs: JaegerSpan["references"] = [];
    const parent = span.parentSpanContext;
    if (parent?.spanId) {
      refs.push({ refType: "CHILD_OF", traceID: parent.traceId, spanID: parent.spanId });
    }
    for (const link of span.links) {
      refs.push({
        refType: "FOLLOWS_FROM",
        traceID: link.context.traceId,
        spanID: link.context.spanId,
      });
    }
    const spanTags = tags(span.attributes);
    spanTags.push({
      key: "otel.scope.name",
      type: "string",
      value: span.instrumentationScope.name,
    });
    spanTags.push({ key: "span.kind", type: "string", value: KINDS[span.kind] ?? "internal" });
    if (span.status.code === SpanStatusCode.ERROR) {
      spanTags.push({ key: "otel.status_code", type: "string", value: "ERROR" });
      spanTags.push({ key: "error", type: "bool", value: true });
      if (span.status.message) {
        spanTags.push({
          key: "otel.status_description",
          type: "string",
          value: span.status.message,
        });
      }
    }
    t.spans.push({
      traceID: ctx.traceId,
      spanID: ctx.spanId,
      operationName: span.name,
      references: refs,
      startTime: micros(span.startTime),
      duration: Math.max(0, micros(span.endTime) - micros(span.startTime)),
      tags: spanTags,
      logs: span.events.map((e) => ({
        timestamp: micros(e.time),
        fields: [{ key: "event", type: "string", value: e.name }, ...tags(e.attributes)],
      })),
      processID: pid,
      warnings: null,
    });
  }
  return { data: [...traces.values()], total: 0, limit: 0, offset: 0, errors: null };
}

/**
 * A SpanExporter keeping finished spans (bounded, oldest dropped) for
 * {@linkcode toJaegerFile}.
 *
 * @example Usage
 * ```ts
 * import { JaegerJsonExporter, newOtelProvider } from "@asyncmachine/telemetry/otel";
 * const exporter = new JaegerJsonExporter();
 * const { tracer } = newOtelProvider("my-service", { exporter, simple: true });
 * tracer.startSpan("x").end();
 * JSON.stringify(exporter.toJSON()).includes('"operationName":"x"'); // true
 * ```
 */
export class JaegerJsonExporter implements OtelSpanExporter {
  /** Finished spans, oldest first. */
  readonly spans: OtelFinishedSpan[] = [];
  /** Spans dropped over `maxSpans`. */
  dropped = 0;
  #max: number;
  #stopped = false;

  /**
   * An exporter keeping at most `maxSpans` spans.
   *
   * @param maxSpans Spans kept at most; default 100,000.
   */
  constructor(maxSpans?: number) {
    maxSpans ??= 100_000;
    this.#max = maxSpans;
  }

  /** Collects spans (SpanExporter). */
  export(spans: OtelFinishedSpan[], done: (result: OtelExportResult) => void): void {
    if (this.#stopped) {
      return done({ code: ExportResultCode.FAILED, error: new Error("exporter shut down") });
    }
    for (const span of spans) this.spans.push(span);
    const over = this.spans.length - this.#max;
    if (over > 0) {
      this.spans.splice(0, over);
      this.dropped += over;
    }
    done({ code: ExportResultCode.SUCCESS });
  }

  /** Stops collecting (SpanExporter). */
  shutdown(): Promise<void> {
    this.#stopped = true;
    return Promise.resolve();
  }

  /** Nothing buffered (SpanExporter). */
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  /** The collected spans as a Jaeger UI import file. */
  toJSON(): JaegerFile {
    return toJaegerFile(this.spans);
  }

  /** Forgets the collected spans. */
  clear(): void {
    this.spans.length = 0;
  }
}
