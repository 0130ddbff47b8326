/**
 * Upstream's TransitionsToDbg: binds a {@linkcode DbgTracer} to a machine,
 * once per destination.
 *
 * @module
 */

import { dbgAddrOf, readTelemetryConfig } from "../internal/config.ts";
import type { Api } from "../machine/mod.ts";
import { DbgTracer, type DbgTracerOptions } from "./tracer.ts";
import type { DbgTransport } from "./transport.ts";
import { dbgTransportFor, hasDbgTransport } from "./transport_registry.ts";

/**
 * Upstream's TransitionsToDbg: binds a {@linkcode DbgTracer} sending to an
 * address (`http(s)://` endpoint, or am-dbg's `host:port` / `ws://` once a
 * gob transport is registered) or a transport. Binding the same address
 * twice returns the bound tracer.
 *
 * It uses its arguments only: `opts` go to the tracer as given (stack
 * traces stay off unless `stackTraces: true`). Without an address it
 * sends where `AM_DBG_ADDR` says (read through `readTelemetryConfig()`;
 * `1` or unset = am-dbg's `localhost:6831`). `machTelemetryEnv` is what
 * applies the rest of the environment (`AM_DBG_TRACE` / `AM_DBG_NO_TRACE`).
 *
 * @param mach The machine; its submachines report too.
 * @param addrOrTransport An address or a transport; default `AM_DBG_ADDR`.
 * @param opts The tracer's options.
 *
 * @example Usage
 * ```ts
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * import { DbgHub, HubTransport, transitionsToDbg } from "@asyncmachine/telemetry/dbg";
 * const tracer = transitionsToDbg(new Machine({ Foo: {} }), new HubTransport(new DbgHub()));
 * ```
 */
export function transitionsToDbg(
  mach: Api,
  addrOrTransport?: string | DbgTransport,
  opts?: DbgTracerOptions,
): DbgTracer {
  let transport: DbgTransport;
  if (typeof addrOrTransport === "object") {
    transport = addrOrTransport;
  } else {
    // the environment only fills in what the caller left out
    const addr = addrOrTransport || dbgAddrOf(readTelemetryConfig());
    if (!hasDbgTransport(addr)) {
      throw new Error(
        `dbg: no transport for ${addr} (use http(s)://host/ for a dbg endpoint, or import the ` +
          `gob transport for am-dbg's host:port)`,
      );
    }
    const existing = mach.tracers().find((t) =>
      t instanceof DbgTracer && t.transport.address.includes(addr)
    );
    if (existing) return existing as DbgTracer;
    transport = dbgTransportFor(addr)!;
  }
  const existing = mach.tracers().find((t) => t instanceof DbgTracer && t.transport === transport);
  if (existing) return existing as DbgTracer;
  const tracer = new DbgTracer(transport, opts);
  mach.bindTracer(tracer);
  return tracer;
}
