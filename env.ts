/**
 * Every exporter switched on from asyncmachine-go's AM_* variables, in one
 * call, and torn down in one `await using`.
 *
 * @example
 * ```ts
 * import { Machine, machTelemetryEnv } from "@asyncmachine/telemetry";
 * const mach = new Machine({ Foo: {} }, { id: "mach1" });
 * await using telemetry = machTelemetryEnv(mach); // binds what AM_* asks for
 * mach.add(["Foo"]);
 * await telemetry.flush();
 * ```
 *
 * @module
 */

import { dbgAddrOf, readTelemetryConfig, type TelemetryConfig } from "./internal/config.ts";
import { transitionsToDbg } from "./dbg/mod.ts";
import { bindLokiEnv } from "./loki/mod.ts";
import type { Api, LogLevel } from "./machine/mod.ts";
import { bindOtelEnv, bindOtelLogger, bindOtelMetrics } from "./otel/mod.ts";
import { bindGrafanaEnv, bindPrometheusEnv } from "./prometheus/mod.ts";

export { dbgAddrOf, readTelemetryConfig };
export type {
  DbgEndpointConfig,
  EnvSource,
  OtelConfig,
  TelemetryConfig,
} from "./internal/config.ts";

/** A bound exporter: disposable, maybe flushable. */
type Binding = AsyncDisposable & { flush?: () => Promise<void> };

/**
 * What {@linkcode machTelemetryEnv} bound: every exporter, flushed and
 * disposed together (the last bound first: loggers before the tracers they
 * read). One exporter failing never stops the others.
 *
 * @example Usage
 * ```ts
 * import { Machine, machTelemetryEnv } from "@asyncmachine/telemetry";
 * const telemetry = machTelemetryEnv(new Machine({ Foo: {} }));
 * telemetry.bindings.length; // 0 without AM_* variables
 * await telemetry[Symbol.asyncDispose]();
 * ```
 */
export class TelemetryEnv implements AsyncDisposable {
  /** The settings it was bound with. */
  readonly config: TelemetryConfig;
  /** The bound exporters, in binding order. */
  readonly bindings: readonly AsyncDisposable[];
  /** Bind errors (e.g. an address with no transport); the rest still bound. */
  readonly errors: readonly Error[];
  #disposed: Promise<void> | undefined;

  /**
   * Use {@linkcode machTelemetryEnv}.
   *
   * @param config The settings.
   * @param bindings The bound exporters.
   * @param errors Bind errors.
   */
  constructor(config: TelemetryConfig, bindings: Binding[], errors: Error[]) {
    this.config = config;
    this.bindings = bindings;
    this.errors = errors;
  }

  /** Flushes every exporter that buffers (dbg outbox, pushes, Loki, spans, Grafana). */
  async flush(): Promise<void> {
    await Promise.all(
      (this.bindings as Binding[]).map(async (b) => {
        try {
          await b.flush?.();
        } catch {
          // one exporter failing to flush doesn't stop the others
        }
      }),
    );
  }

  /** Flushes and detaches everything, the last bound first; once. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.#disposed ??= (async () => {
      for (const b of [...this.bindings].reverse()) {
        try {
          await b[Symbol.asyncDispose]();
        } catch {
          // one exporter failing to dispose doesn't stop the others
        }
      }
    })();
  }
}

function logPrinter(mach: Api): Binding {
  const off = mach.onLog((_level, text) => console.log(text));
  return { [Symbol.asyncDispose]: () => Promise.resolve(off()) };
}

/**
 * Reads the telemetry variables of upstream's env-configs (through
 * {@linkcode readTelemetryConfig}) and binds what they ask for to a
 * top-level machine (submachines follow through the exporters'
 * inheritance):
 *
 * - `AM_LOG` (0-5) sets the log level, `AM_LOG_PRINT` prints the log;
 * - `AM_DBG_ADDR` (`1` = localhost:6831) streams to am-dbg or a dbg
 *   endpoint (`AM_DBG_NO_TRACE` / `AM_DBG_TRACE` for stack traces);
 * - `AM_PROM_PUSH_URL` + `AM_SERVICE` push Prometheus metrics;
 * - `AM_GRAFANA_URL` + `AM_GRAFANA_TOKEN` + `AM_SERVICE` sync a dashboard;
 * - `AM_OTEL_TRACE` (+ `_TXS`, `_ARGS`, `_NOAUTO`, `_ALLOW|SKIP_STATES(_RE)`,
 *   `AM_OTEL_TRACE_ID`/`AM_OTEL_SPAN_ID`) + `AM_SERVICE` trace; with Deno's
 *   OpenTelemetry on, also OTel logs (when `AM_LOG` > 0) and OTel metrics;
 * - `AM_LOKI_ADDR` + `AM_SERVICE` push logs to Loki (`AM_HOSTNAME` labels).
 *
 * Returns a {@linkcode TelemetryEnv}: `await using` it (or call
 * `[Symbol.asyncDispose]()`) to flush and detach everything; the machine's
 * dispose does it too. Without env permission, or with no variables, it
 * binds nothing and doesn't throw; a bind error (e.g. a bad regular
 * expression) is warned about and in `errors`, and the rest still binds.
 *
 * @param mach A top-level machine (submachines get an empty result).
 * @param config The settings; default read from the env.
 *
 * @example Usage
 * ```ts
 * import { Machine, machTelemetryEnv, readTelemetryConfig } from "@asyncmachine/telemetry";
 * const mach = new Machine({ Foo: {} }, { id: "mach1" });
 * const config = readTelemetryConfig((name) => ({ AM_LOG: "2" })[name]);
 * await using telemetry = machTelemetryEnv(mach, config);
 * mach.logLevel; // 2
 * ```
 */
export function machTelemetryEnv(
  mach: Api,
  config?: TelemetryConfig,
): TelemetryEnv {
  config ??= readTelemetryConfig();
  const bindings: Binding[] = [];
  const errors: Error[] = [];
  if (mach.parentId !== "") return new TelemetryEnv(config, bindings, errors);
  const bind = (name: string, fn: () => Binding | undefined) => {
    try {
      const b = fn();
      if (b) bindings.push(b);
    } catch (e) {
      const err = new Error(`${name}: ${e instanceof Error ? e.message : e}`);
      errors.push(err);
      console.warn(`[am-telemetry] ${err.message}`);
    }
  };

  if (config.logLevel !== undefined) mach.logLevel = config.logLevel as LogLevel;
  if (config.logPrint) bindings.push(logPrinter(mach));
  if (config.dbgAddr) {
    bind("AM_DBG_ADDR", () =>
      transitionsToDbg(mach, dbgAddrOf(config), {
        stackTraces: config.dbgStackTraces,
      }));
  }
  bind("AM_PROM_PUSH_URL", () => bindPrometheusEnv(mach, config));
  bind("AM_GRAFANA_URL", () => bindGrafanaEnv(mach, config));
  if (config.otel.trace && config.service) {
    bind("AM_OTEL_TRACE", () => bindOtelEnv(mach, config));
    if (config.otel.denoOtel) {
      if (mach.logLevel > 0) {
        bind("OTel logs", () => bindOtelLogger(mach, { service: config.service }));
      }
      bind("OTel metrics", () => bindOtelMetrics(mach));
    }
  }
  bind("AM_LOKI_ADDR", () => bindLokiEnv(mach, config));

  const env = new TelemetryEnv(config, bindings, errors);
  mach.onDispose(() => void env[Symbol.asyncDispose]());
  return env;
}
