/**
 * Upstream's MachBindOtelEnv: an {@linkcode OtelMachTracer} switched on
 * from the AM_OTEL_* settings of a {@linkcode TelemetryConfig}.
 *
 * @module
 */

import { type TelemetryConfig, topLevelConfig } from "../internal/config.ts";
import type { Api } from "../machine/mod.ts";
import { newOtelProvider, type OtelProvider } from "./provider.ts";
import { OtelMachTracer, type OtelMachTracerOptions } from "./tracer.ts";

let shared: OtelProvider | undefined;

function regexp(name: string, v: string | undefined): RegExp | undefined {
  if (!v) return undefined;
  try {
    return new RegExp(v);
  } catch (e) {
    throw new Error(`${name}: invalid regular expression: ${(e as Error).message}`);
  }
}

/**
 * What {@linkcode bindOtelEnv} bound: the tracer and its provider. Dispose
 * (`await using`) ends every span, detaches and flushes.
 *
 * @example Usage
 * ```ts
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * import { bindOtelEnv } from "@asyncmachine/telemetry/otel";
 * const mach = new Machine({ Foo: {} });
 * await using otel = bindOtelEnv(mach); // undefined unless AM_OTEL_TRACE and AM_SERVICE are set
 * ```
 */
export class OtelEnvBinding implements AsyncDisposable {
  /** The bound tracer. */
  readonly tracer: OtelMachTracer;
  /** The provider spans go through (one per process). */
  readonly provider: OtelProvider;
  /**
   * Variables that make a child process's machines children of this trace
   * (upstream exports them to its own env; this module never writes the
   * env: pass them to `new Deno.Command(cmd, { env })`). Empty with a
   * remote parent already given.
   */
  readonly childEnv: Readonly<Record<string, string>>;
  #disposed: Promise<void> | undefined;

  /**
   * Use {@linkcode bindOtelEnv}.
   *
   * @param tracer The bound tracer.
   * @param provider Its provider.
   * @param childEnv AM_OTEL_TRACE_ID and AM_OTEL_SPAN_ID of the root span.
   */
  constructor(
    tracer: OtelMachTracer,
    provider: OtelProvider,
    childEnv: Record<string, string>,
  ) {
    this.tracer = tracer;
    this.provider = provider;
    this.childEnv = childEnv;
  }

  /** Exports pending spans (never rejects: a failed flush is the exporter's to report). */
  async flush(): Promise<void> {
    try {
      await this.provider.forceFlush();
    } catch {
      // reported by the exporter
    }
  }

  /** Ends every span, detaches, flushes; once. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.#disposed ??= (async () => {
      this.tracer.dispose();
      await this.flush();
    })();
  }
}

/**
 * Traces a top-level machine (and its submachines) when AM_OTEL_TRACE and
 * AM_SERVICE are set: transitions with AM_OTEL_TRACE_TXS, logged args with
 * AM_OTEL_TRACE_ARGS, no auto transitions with AM_OTEL_TRACE_NOAUTO,
 * AM_OTEL_TRACE_(ALLOW|SKIP)_STATES(_RE) filters, and an
 * AM_OTEL_TRACE_ID + AM_OTEL_SPAN_ID parent (else a "root" span, whose ids
 * are in {@linkcode OtelEnvBinding.childEnv}). Spans go to Deno's built-in
 * OpenTelemetry with OTEL_DENO=true, else OTLP/HTTP JSON.
 *
 * Returns undefined (binding nothing) for submachines, without env access
 * or without the variables. Disposed with the machine too.
 *
 * @param mach A top-level machine.
 * @param config The settings; default read from the env.
 *
 * @example Usage
 * ```ts
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * import { bindOtelEnv } from "@asyncmachine/telemetry/otel";
 * import { readTelemetryConfig } from "@asyncmachine/telemetry";
 * const env: Record<string, string> = { AM_OTEL_TRACE: "1", AM_SERVICE: "svc" };
 * const mach = new Machine({ Foo: {} });
 * await using otel = bindOtelEnv(mach, readTelemetryConfig((name) => env[name]));
 * mach.add(["Foo"]);
 * otel?.childEnv.AM_OTEL_TRACE_ID; // 32 hex digits
 * ```
 */
export function bindOtelEnv(
  mach: Api,
  config?: TelemetryConfig,
): OtelEnvBinding | undefined {
  config = topLevelConfig(mach, config);
  if (!config?.otel.trace || !config.service) return undefined;
  const { service, otel } = config;
  shared ??= newOtelProvider(service, { config });
  const provider = shared;
  const opts: OtelMachTracerOptions = {
    skipTransitions: !otel.traceTxs,
    skipLogArgs: !otel.traceArgs,
    skipAuto: otel.noAuto,
    allowStates: otel.allowStates,
    skipStates: otel.skipStates,
    allowStatesRe: regexp("AM_OTEL_TRACE_ALLOW_STATES_RE", otel.allowStatesRe),
    skipStatesRe: regexp("AM_OTEL_TRACE_SKIP_STATES_RE", otel.skipStatesRe),
    remoteParent: otel.parent,
    rpcDbg: config.rpcDbg,
  };
  const childEnv: Record<string, string> = {};
  if (!otel.parent) {
    const root = provider.tracer.startSpan("root");
    root.end();
    opts.rootSpan = root;
    childEnv.AM_OTEL_TRACE_ID = root.spanContext().traceId;
    childEnv.AM_OTEL_SPAN_ID = root.spanContext().spanId;
  }
  const tracer = new OtelMachTracer(provider.tracer, opts);
  const binding = new OtelEnvBinding(tracer, provider, childEnv);
  mach.onDispose(() => void binding[Symbol.asyncDispose]());
  mach.bindTracer(tracer);
  return binding;
}

/**
 * Upstream's name for {@linkcode bindOtelEnv}, returning a disposer.
 *
 * @deprecated Use {@linkcode bindOtelEnv} (`await using`).
 *
 * @example Usage
 * ```ts
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * import { machBindOtelEnv } from "@asyncmachine/telemetry/otel";
 * await machBindOtelEnv(new Machine({ Foo: {} }))();
 * ```
 */
export function machBindOtelEnv(mach: Api): () => Promise<void> {
  const binding = bindOtelEnv(mach);
  return () => binding ? binding[Symbol.asyncDispose]() : Promise.resolve();
}
