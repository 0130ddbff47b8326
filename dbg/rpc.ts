/**
 * Where Go machines connect: am-dbg's TCP listener (`listenDbgTcp`,
 * localhost:6831) and its `/dbg.ws` WebSocket route, both serving net/rpc +
 * gob into a hub within a {@linkcode NetRpcServer}'s limits.
 *
 * @module
 */

import { tcpByteConn, wsByteConn } from "./byte_conn.ts";
import type { DbgHub } from "./hub.ts";
import { NetRpcServer, type NetRpcServerOptions } from "./rpc_server.ts";

/** Options of {@linkcode listenDbgTcp}: the address and the server's limits. */
export interface ListenDbgTcpOptions extends NetRpcServerOptions {
  /** Default 127.0.0.1. */
  hostname?: string;
  /** Default 6831 (am-dbg's). */
  port?: number;
}

/**
 * A TCP listener accepting Go machines (am-dbg's address, default
 * localhost:6831) into a hub. Not for Deno Deploy (no raw sockets there:
 * use `/dbg.ws` on the endpoint).
 *
 * @example Usage
 * ```ts ignore
 * import { DbgHub, listenDbgTcp } from "@asyncmachine/telemetry/dbg";
 * const listener = listenDbgTcp(new DbgHub(), { port: 6831, maxConnections: 32 });
 * ```
 */
export function listenDbgTcp(hub: DbgHub, opts: ListenDbgTcpOptions = {}): Deno.Listener {
  const { hostname, port, ...limits } = opts;
  const server = new NetRpcServer(hub, limits);
  const listener = Deno.listen({ hostname: hostname ?? "127.0.0.1", port: port ?? 6831 });
  (async () => {
    try {
      for await (const conn of listener) void server.serve(tcpByteConn(conn));
    } catch {
      // listener closed
    }
  })();
  return listener;
}

/**
 * A `/dbg.ws` route for {@linkcode dbgHandler}'s `fallback`: upgrades to a
 * WebSocket carrying net/rpc + gob, as am-dbg's own `/dbg.ws`. Over
 * `maxConnections`, answers 503 instead of upgrading. The token option
 * doesn't apply here: the endpoint's own auth guards the route.
 *
 * @example Usage
 * ```ts ignore
 * import { DbgHub, dbgHandler, dbgWsRoute } from "@asyncmachine/telemetry/dbg";
 * const hub = new DbgHub();
 * Deno.serve(dbgHandler(hub, { fallback: dbgWsRoute(hub) }));
 * ```
 */
export function dbgWsRoute(
  hub: DbgHub,
  next?: (req: Request) => Response | Promise<Response>,
  opts: NetRpcServerOptions = {},
): (req: Request) => Response | Promise<Response> {
  const server = new NetRpcServer(hub, opts);
  const queue = { maxQueuedBytes: opts.maxMessageBytes ?? 16 * 1024 * 1024 };
  return (req) => {
    if (new URL(req.url).pathname !== "/dbg.ws") {
      return next ? next(req) : Response.json({ error: "not found" }, { status: 404 });
    }
    if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return Response.json({ error: "connect with a WebSocket" }, { status: 426 });
    }
    if (server.full) {
      return Response.json({ error: "too many net/rpc connections" }, {
        status: 503,
        headers: { "retry-after": "5" },
      });
    }
    const { socket, response } = Deno.upgradeWebSocket(req);
    socket.addEventListener(
      "open",
      () => void server.serve(wsByteConn(socket, queue), { token: false }),
    );
    return response;
  };
}
