/**
 * Which transport an address means: `http(s)://…` is a dbg endpoint
 * ({@linkcode HttpDbgTransport}); others register theirs (the gob/net/rpc
 * transport for am-dbg registers `host:port` and `ws://`). And the default
 * address, from AM_DBG_ADDR.
 *
 * @module
 */

import { getEnv } from "../internal/env.ts";
import { type DbgTransport, HttpDbgTransport } from "./transport.ts";

/** Builds a transport for an address: `http(s)://…` is a dbg endpoint. */
export type DbgTransportFactory = (address: string) => DbgTransport;

const factories: { match: RegExp; create: DbgTransportFactory }[] = [
  { match: /^https?:\/\//, create: (addr) => new HttpDbgTransport(addr) },
];

/**
 * Registers a transport for addresses matching `match` (the gob/net/rpc
 * transports for am-dbg register `host:port` and `ws://`).
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
 * import { dbgAddrFromEnv } from "@asyncmachine/telemetry/dbg";
 * dbgAddrFromEnv(); // "localhost:6831" unless AM_DBG_ADDR says otherwise
 * ```
 */
export function dbgAddrFromEnv(): string {
  const addr = getEnv("AM_DBG_ADDR");
  return !addr || addr === "1" ? "localhost:6831" : addr;
}

/**
 * The transport for an address, or undefined when none matches.
 *
 * @example Usage
 * ```ts
 * import { dbgTransportFor } from "@asyncmachine/telemetry/dbg";
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
 * import { hasDbgTransport } from "@asyncmachine/telemetry/dbg";
 * hasDbgTransport("https://collector.example/"); // true
 * ```
 */
export function hasDbgTransport(address: string): boolean {
  return factories.some((f) => f.match.test(address));
}
