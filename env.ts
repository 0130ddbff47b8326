/**
 * Every exporter switched on from asyncmachine-go's AM_* variables, in one
 * call.
 *
 * @module
 */

import { getEnv } from "./internal/env.ts";
import { dbgAddrFromEnv, type DbgTracer, transitionsToDbg } from "./dbg/mod.ts";
import { bindLokiEnv } from "./loki/mod.ts";
import type { LogLevel, Machine } from "./machine/mod.ts";
import { bindOtelLogger, bindOtelMetrics, isDenoOtel, machBindOtelEnv } from "./otel/mod.ts";
import { machDashboardEnv, machMetricsEnv } from "./prometheus/mod.ts";

/**
 * Reads the telemetry variables of upstream's env-configs and binds what
 * they ask for to a top-level machine (submachines follow through the
 * exporters' inheritance):
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
 * Returns one disposer that flushes and detaches everything. Without env
 * permission, or with no variables, it binds nothing and doesn't throw.
 *
 * @example Usage
 * ```ts
 * import { Machine, machTelemetryEnv } from "@asyncmachine/telemetry";
 * const mach = new Machine({ Foo: {} }, { id: "mach1" });
 * const dispose = machTelemetryEnv(mach);
 * mach.add(["Foo"]);
 * await dispose();
 * ```
 */
export function machTelemetryEnv(mach: Machine): () => Promise<void> {
  const disposers: (() => void | Promise<void>)[] = [];
  if (mach.parentId !== "") return () => Promise.resolve();

  const level = Number(getEnv("AM_LOG"));
  if (Number.isInteger(level) && level >= 0 && level <= 5) mach.logLevel = level as LogLevel;
  if (getEnv("AM_LOG_PRINT")) {
    disposers.push(mach.onLog((_level, text) => console.log(text)));
  }

  if (getEnv("AM_DBG_ADDR")) {
    try {
      // "1" is am-dbg's default address: one rule, dbgAddrFromEnv's
      const tracer: DbgTracer = transitionsToDbg(mach, dbgAddrFromEnv());
      disposers.push(async () => {
        await tracer.flushed();
        mach.detachTracer(tracer.id);
        await tracer.transport.close?.();
      });
    } catch (e) {
      console.warn(`[am-telemetry] AM_DBG_ADDR: ${(e as Error).message}`);
    }
  }

  const prom = machMetricsEnv(mach);
  if (prom) {
    disposers.push(async () => {
      await prom.pusher.stop();
      mach.detachTracer(prom.metrics.tracer.id);
    });
  }

  const grafana = machDashboardEnv(mach);
  if (grafana) {
    disposers.push(async () => {
      await grafana.flushed();
      grafana.dispose();
      mach.detachTracer(grafana.id);
    });
  }

  if (getEnv("AM_OTEL_TRACE") && getEnv("AM_SERVICE")) {
    try {
      disposers.push(machBindOtelEnv(mach));
      if (isDenoOtel()) {
        if (mach.logLevel > 0) {
          const logger = bindOtelLogger(mach, { service: getEnv("AM_SERVICE") });
          disposers.push(() => {
            logger.dispose();
            mach.detachTracer(logger.id);
          });
        }
        const metrics = bindOtelMetrics(mach);
        disposers.push(() => {
          metrics.dispose();
          mach.detachTracer(metrics.id);
        });
      }
    } catch (e) {
      console.warn(`[am-telemetry] AM_OTEL_TRACE: ${(e as Error).message}`);
    }
  }

  const loki = bindLokiEnv(mach);
  if (loki) {
    disposers.push(async () => {
      await loki.dispose();
      mach.detachTracer(loki.id);
    });
  }

  let done: Promise<void> | undefined;
  const dispose = () =>
    done ??= (async () => {
      // the last bound first: loggers flush before the tracers they read
      for (const d of disposers.reverse()) {
        try {
          await d();
        } catch {
          // one exporter failing to flush doesn't stop the others
        }
      }
    })();
  mach.onDispose(() => void dispose());
  return dispose;
}
