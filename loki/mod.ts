/**
 * Machine logs to Grafana Loki, as asyncmachine-go's BindLokiLogger:
 * batched, bounded, retried with backoff, never blocking the machine.
 *
 * @example
 * ```ts
 * import { LogLevel, Machine } from "@asyncmachine/telemetry/machine";
 * import { bindLokiLogger } from "@asyncmachine/telemetry/loki";
 * const mach = new Machine({ Foo: {} }, { logLevel: LogLevel.Changes });
 * // a port nothing listens on: failures are counted, never thrown
 * await using loki = bindLokiLogger(mach, { url: "http://127.0.0.1:9", service: "svc", retries: 0 });
 * mach.add(["Foo"]);
 * loki.buffered; // 1 line waiting for the next push
 * ```
 *
 * @module
 */

export { bindLokiEnv, bindLokiLogger, lokiLevel, LokiLogger, type LokiOptions } from "./logger.ts";
