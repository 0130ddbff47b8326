/**
 * Where Go machines connect: am-dbg's TCP listener (`listenDbgTcp`,
 * localhost:6831) and its `/dbg.ws` WebSocket route, both serving net/rpc +
 * gob into a hub within a {@linkcode NetRpcServer}'s limits.
 *
 * @module
 */

import { tcpByteConn, wsByteConn } from "./byte_conn.ts";
import type { DbgHub } from "./hub.ts";
import { NET_RPC_DEFAULTS, NetRpcServer, type NetRpcServerOptions } from "./rpc_server.ts";

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
export function listenDbgTcp(hub: DbgHub, opts?: ListenDbgTcpOptions): Deno.Listener {
  opts ??= {};
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
 * import { DbgHub, dbgHandler } from "@asyncmachine/telemetry/dbg";
 * import { dbgWsRoute } from "./rpc.ts";
 * const hub = new DbgHub();
 * Deno.serve(dbgHandler(hub, { fallback: dbgWsRoute(hub) }));
 * ```
 */
export function dbgWsRoute(
  hub: DbgHub,
  next?: (req: Request) => Response | Promise<Response>,
  opts?: NetRpcServerOptions,
): (req: Request) => Response | Promise<Response> {
  opts ??= {};
  const server = new NetRpcServer(hub, opts);
  const queue = { maxQueuedBytes: opts.maxMessageBytes ?? NET_RPC_DEFAULTS.maxMessageBytes };
  const readTimeoutMs = opts.readTimeoutMs ?? NET_RPC_DEFAULTS.readTimeoutMs;
  return (req) => {
    if (new URL(req.url).pathname !== "/dbg.ws") {
      return next ? next(req) : Response.json({ error: "not found" }, { status: 404 });
    }
    if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return Response.json({ error: "connect with a WebSocket" }, { status: 426 });
    }
    // the slot is held from the upgrade on: upgrades not yet open count too
    if (!server.reserve()) {
      return Response.json({ error: "too many net/rpc connections" }, {
        status: 503,
        headers: { "retry-after": "5" },
      });
    }
    let settled = false;
    let response: Response;
    let socket: WebSocket;
    try {
      ({ socket, response } = Deno.upgradeWebSocket(req));
    } catch (e) {
      server.release();
      throw e;
    }
    // the slot goes to the connection on open, or back if it never opens
    const giveBack = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      server.release();
    };
    const timer = setTimeout(() => {
      giveBack();
      try {
        socket.close();
      } catch {
        // not open
      }
    }, readTimeoutMs);
    socket.addEventListener("open", () => {
      if (settled) return socket.close();
      settled = true;
      clearTimeout(timer);
      void server.serve(wsByteConn(socket, queue), { token: false, reserved: true });
    });
    socket.addEventListener("close", giveBack);
    socket.addEventListener("error", giveBack);
    return response;
  };
}
