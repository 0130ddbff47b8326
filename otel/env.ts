/**
 * Upstream's MachBindOtelEnv: an OtelMachTracer switched on from AM_*
 * variables.
 *
 * @module
 */

import { getEnv } from "../internal/env.ts";
import type { Machine } from "../machine/mod.ts";
import { newOtelProvider, type OtelProvider } from "./provider.ts";
import { OtelMachTracer, type OtelMachTracerOptions, otelTraceIdFromEnv } from "./tracer.ts";

let shared: OtelProvider | undefined;

function setEnv(name: string, value: string): void {
  try {
    if (Deno.permissions.querySync?.({ name: "env", variable: name }).state === "granted") {
      Deno.env.set(name, value);
    }
  } catch {
    // no env access: child processes won't inherit the ids
  }
}

function list(name: string): string[] | undefined {
  const v = getEnv(name);
  return v ? v.split(",").map((s) => s.trim()).filter(Boolean) : undefined;
}

function regexp(name: string): RegExp | undefined {
  const v = getEnv(name);
  if (!v) return undefined;
  try {
    return new RegExp(v);
  } catch (e) {
    throw new Error(`${name}: invalid regular expression: ${(e as Error).message}`);
  }
}

/**
 * Traces a top-level machine (and its submachines) when AM_OTEL_TRACE and
 * AM_SERVICE are set: transitions with AM_OTEL_TRACE_TXS, logged args with
 * AM_OTEL_TRACE_ARGS, no auto transitions with AM_OTEL_TRACE_NOAUTO,
 * AM_OTEL_TRACE_(ALLOW|SKIP)_STATES(_RE) filters, and an
 * AM_OTEL_TRACE_ID + AM_OTEL_SPAN_ID parent (else a "root" span whose ids
 * it exports to the env for child processes). Spans go to Deno's built-in
 * OpenTelemetry with OTEL_DENO=true, else OTLP/HTTP JSON.
 *
 * Returns a disposer ending every span, detaching and flushing (also run
 * on the machine's dispose); a no-op without env access or the variables.
 *
 * @example Usage
 * ```ts
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * import { machBindOtelEnv } from "@asyncmachine/telemetry/otel";
 * const mach = new Machine({ Foo: {} });
 * const dispose = machBindOtelEnv(mach);
 * await dispose();
 * ```
 */
export function machBindOtelEnv(mach: Machine): () => Promise<void> {
  const noop = () => Promise.resolve();
  if (mach.parentId !== "") return noop;
  const service = getEnv("AM_SERVICE");
  if (!getEnv("AM_OTEL_TRACE") || !service) return noop;
  shared ??= newOtelProvider(service);
  const provider = shared;
  const opts: OtelMachTracerOptions = {
    skipTransitions: !getEnv("AM_OTEL_TRACE_TXS"),
    skipLogArgs: !getEnv("AM_OTEL_TRACE_ARGS"),
    skipAuto: !!getEnv("AM_OTEL_TRACE_NOAUTO"),
    allowStates: list("AM_OTEL_TRACE_ALLOW_STATES"),
    skipStates: list("AM_OTEL_TRACE_SKIP_STATES"),
    allowStatesRe: regexp("AM_OTEL_TRACE_ALLOW_STATES_RE"),
    skipStatesRe: regexp("AM_OTEL_TRACE_SKIP_STATES_RE"),
  };
  if (!otelTraceIdFromEnv()) {
    const root = provider.tracer.startSpan("root");
    root.end();
    opts.rootSpan = root;
    setEnv("AM_OTEL_TRACE_ID", root.spanContext().traceId);
    setEnv("AM_OTEL_SPAN_ID", root.spanContext().spanId);
  }
  const tracer = new OtelMachTracer(provider.tracer, opts);
  let disposed: Promise<void> | undefined;
  const dispose = () =>
    disposed ??= (async () => {
      tracer.dispose();
      mach.detachTracer(tracer.id);
      try {
        await provider.forceFlush();
      } catch {
        // a failed flush is the exporter's to report
      }
    })();
  mach.onDispose(() => void dispose());
  mach.bindTracer(tracer);
  return dispose;
}
