/**
 * Which transport an address means: `http(s)://…` is a dbg endpoint
 * ({@linkcode HttpDbgTransport}), `host:port` and `ws://…` am-dbg's
 * net/rpc + gob ({@linkcode GobRpcTransport}); others register theirs. And
 * the default address, from AM_DBG_ADDR.
 *
 * @module
 */

import { dbgAddrOf, readTelemetryConfig } from "../internal/config.ts";
import { GOB_ADDRESS, GobRpcTransport } from "./gob_transport.ts";
import { type DbgTransport, HttpDbgTransport } from "./transport.ts";

/** Builds a transport for an address: `http(s)://…` is a dbg endpoint. */
export type DbgTransportFactory = (address: string) => DbgTransport;

const factories: { match: RegExp; create: DbgTransportFactory }[] = [
  { match: /^https?:\/\//, create: (addr) => new HttpDbgTransport(addr) },
  // am-dbg's own wire, built in (no registration by import side effect)
  { match: GOB_ADDRESS, create: (addr) => new GobRpcTransport(addr) },
];

/**
 * Registers a transport for addresses matching `match` (ahead of the
 * built-in HTTP and gob ones).
 *
 * @example Usage
 * ```ts
 * import { HttpDbgTransport, registerDbgTransport } from "@asyncmachine/telemetry/dbg";
 * registerDbgTransport(/^collector:/, (a) => new HttpDbgTransport(a.replace("collector:", "https://")));
 * ```
 */
export function registerDbgTransport(match: RegExp, create: DbgTransportFactory): void {
  factories.unshift({ match, create });
}

/**
 * The default am-dbg address: AM_DBG_ADDR ("1" means localhost:6831), else
 * localhost:6831.
 *
 * @example Usage
 * ```ts
 * import { dbgAddrFromEnv } from "./transport_registry.ts";
 * dbgAddrFromEnv(); // "localhost:6831" unless AM_DBG_ADDR says otherwise
 * ```
 */
export function dbgAddrFromEnv(): string {
  return dbgAddrOf(readTelemetryConfig());
}

/**
 * The transport for an address, or undefined when none matches.
 *
 * @example Usage
 * ```ts
 * import { dbgTransportFor } from "./transport_registry.ts";
 * dbgTransportFor("http://127.0.0.1:6832/")?.address; // "http://127.0.0.1:6832/rpc"
 * ```
 */
export function dbgTransportFor(address: string): DbgTransport | undefined {
  return factories.find((f) => f.match.test(address))?.create(address);
}

/**
 * Whether some registered transport takes the address.
 *
 * @example Usage
 * ```ts
 * import { hasDbgTransport } from "./transport_registry.ts";
 * hasDbgTransport("https://collector.example/"); // true
 * ```
 */
export function hasDbgTransport(address: string): boolean {
  return factories.some((f) => f.match.test(address));
}
