/**
 * Machine logs to Grafana Loki, as asyncmachine-go's BindLokiLogger.
 *
 * @example
 * ```ts ignore
 * import { LogLevel, Machine } from "@asyncmachine/telemetry/machine";
 * import { bindLokiLogger } from "@asyncmachine/telemetry/loki";
 * const mach = new Machine({ Foo: {} }, { logLevel: LogLevel.Ops });
 * bindLokiLogger(mach, { url: "http://localhost:3100", service: "svc" });
 * ```
 *
 * @module
 */

export * from "./logger.ts";
