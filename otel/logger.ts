/**
 * Machine log entries as OpenTelemetry log records, correlated with the
 * transition's span (asyncmachine-go's BindOtelLogger).
 *
 * @module
 */

import { context as otelContext } from "@opentelemetry/api";
import { SeverityNumber } from "@opentelemetry/api-logs";
import { type Api, LogLevel, type Tracer } from "../machine/mod.ts";
import { OtelMachTracer } from "./tracer.ts";
import type { OtelContext, OtelLogEmitter, OtelLogSeverity } from "./types.ts";

/** Options of {@linkcode bindOtelLogger}. */
export interface OtelLoggerOptions {
  /** Where records go; default Deno's built-in OpenTelemetry (console, in the span's context). */
  logger?: OtelLogEmitter;
  /** `service.name` attribute. */
  service?: string;
  /** The tracer whose spans the records correlate with; default the machine's OtelMachTracer. */
  tracer?: OtelMachTracer;
}

const LEVEL_NAMES = ["nothing", "external", "changes", "ops", "decisions", "everything"];

/**
 * The OTel severity of a log entry, from its level (upstream's mapping):
 * External INFO4, Changes INFO3, Ops INFO, Decisions TRACE4, Everything
 * TRACE. (Upstream also maps `[error…` lines to ERROR; the core logs no
 * such line: an error is the Exception state, on the transition's span.)
 *
 * @example Usage
 * ```ts
 * import { LogLevel } from "@asyncmachine/telemetry/machine";
 * import { otelSeverity } from "@asyncmachine/telemetry/otel";
 * otelSeverity(LogLevel.Ops); // 9
 * ```
 */
export function otelSeverity(level: LogLevel): OtelLogSeverity {
  switch (level) {
    case LogLevel.External:
      return SeverityNumber.INFO4;
    case LogLevel.Changes:
      return SeverityNumber.INFO3;
    case LogLevel.Ops:
      return SeverityNumber.INFO;
    case LogLevel.Decisions:
      return SeverityNumber.TRACE4;
    default:
      return SeverityNumber.TRACE;
  }
}

/**
 * Emits a machine's log lines as OTel log records; inheritable. Dispose
 * (`await using`) stops listening and detaches.
 *
 * @example Usage
 * ```ts
 * import { LogLevel, Machine } from "@asyncmachine/telemetry/machine";
 * import { OtelLogger } from "@asyncmachine/telemetry/otel";
 * const records: unknown[] = [];
 * await using logger = new OtelLogger({ logger: { emit: (r) => records.push(r) } });
 * new Machine({ Foo: {} }, { logLevel: LogLevel.Changes, tracers: [logger] }).add(["Foo"]);
 * records.length; // 1
 * ```
 */
export class OtelLogger implements Tracer, AsyncDisposable {
  /** "otel-logger". */
  readonly id = "otel-logger";
  /** Bound to submachines automatically. */
  readonly inheritable = true;
  /** Records emitted. */
  emitted = 0;
  #opts: OtelLoggerOptions;
  #offs = new Map<string, () => void>();
  #machines = new Map<string, Api>();

  /**
   * A logger.
   *
   * @param opts Destination, service name and tracer.
   */
  constructor(opts?: OtelLoggerOptions) {
    opts ??= {};
    this.#opts = opts;
  }

  /** Starts listening to the machine's log. */
  machineInit(mach: Api): void {
    if (this.#offs.has(mach.id)) return;
    this.#machines.set(mach.id, mach);
    const emit = this.#opts.logger ? this.#emitTo(this.#opts.logger) : this.#emitConsole();
    this.#offs.set(
      mach.id,
      mach.onLog((level, _text, body) => {
        emit(mach, level, body);
        this.emitted++;
      }),
    );
  }

  #tracer(mach: Api): OtelMachTracer | undefined {
    return this.#opts.tracer ??
      mach.tracers().find((t): t is OtelMachTracer => t instanceof OtelMachTracer);
  }

  #context(mach: Api): OtelContext | undefined {
    const tracer = this.#tracer(mach);
    return tracer?.transitionContext(mach.id) ?? tracer?.machineContext(mach.id);
  }

  #emitTo(logger: OtelLogEmitter) {
    return (mach: Api, level: LogLevel, body: string) => {
      const attributes: Record<string, string | number> = {
        "asyncmachine.id": mach.id,
        "asyncmachine.level": LEVEL_NAMES[level] ?? String(level),
      };
      const tx = mach.transition;
      if (tx) attributes["asyncmachine.tx_id"] = tx.id;
      if (this.#opts.service) attributes["service.name"] = this.#opts.service;
      logger.emit({
        timestamp: Date.now(),
        severityNumber: otelSeverity(level),
        severityText: LEVEL_NAMES[level] ?? "",
        body,
        attributes,
        context: this.#context(mach),
      });
    };
  }

  /** Deno exports console output as log records carrying the active span's ids. */
  #emitConsole() {
    return (mach: Api, level: LogLevel, body: string) => {
      const line = `[${mach.id}] ${body}`;
      const write = otelSeverity(level) >= SeverityNumber.INFO ? console.info : console.debug;
      const ctx = this.#context(mach);
      if (ctx) otelContext.with(ctx, () => write(line));
      else write(line);
    };
  }

  /** Stops listening to the machine. */
  machineDispose(id: string): void {
    this.#offs.get(id)?.();
    this.#offs.delete(id);
    this.#machines.delete(id);
  }

  /**
   * Stops listening to every machine and detaches from them (records are
   * emitted synchronously: nothing is pending).
   */
  [Symbol.asyncDispose](): Promise<void> {
    this.dispose();
    return Promise.resolve();
  }

  /** {@linkcode OtelLogger[Symbol.asyncDispose]}: the same, without waiting. */
  dispose(): void {
    for (const off of this.#offs.values()) off();
    this.#offs.clear();
    for (const mach of this.#machines.values()) mach.detachTracer(this.id);
    this.#machines.clear();
  }
}

/**
 * Sends a machine's log (and its submachines') as OpenTelemetry log records
 * at or below the machine's log level, correlated with the transition's
 * span when an {@linkcode OtelMachTracer} is bound. With Deno's built-in
 * OpenTelemetry, records go out through the console inside the span's
 * context (no logs SDK needed); otherwise to `opts.logger`.
 *
 * @example Usage
 * ```ts
 * import { LogLevel, Machine } from "@asyncmachine/telemetry/machine";
 * import { bindOtelLogger } from "@asyncmachine/telemetry/otel";
 * const records: unknown[] = [];
 * const mach = new Machine({ Foo: {} }, { logLevel: LogLevel.Changes });
 * bindOtelLogger(mach, { logger: { emit: (r) => records.push(r) } });
 * mach.add(["Foo"]); // a record with body "[state] +Foo"
 * ```
 */
export function bindOtelLogger(mach: Api, opts?: OtelLoggerOptions): OtelLogger {
  opts ??= {};
  const logger = new OtelLogger(opts);
  mach.bindTracer(logger);
  return logger;
}
