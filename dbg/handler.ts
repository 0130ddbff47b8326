/**
 * The dbg endpoint, composed of small parts: CORS and access middleware
 * ({@linkcode withCors}, {@linkcode withAccess}), JSON-RPC 2.0 over
 * `POST /rpc` ({@linkcode dbgRpcRoute}), the
 * live stream over WebSocket `/stream` and SSE `/events`
 * ({@linkcode wsStream}, {@linkcode sseStream}), am-dbg's `/dbg.ws` and the
 * page at `/`. For `Deno.serve` and `export default { fetch }`.
 *
 * @module
 */

import type { DbgHub } from "./hub.ts";
import {
  type BodyLimit,
  type DbgAccess,
  type DbgContext,
  type DbgRoute,
  errorResponse,
  unauthorized,
  withAccess,
  withCors,
} from "./http.ts";
import { dbgRpcRoute } from "./http_rpc.ts";
import { type DbgStreamOptions, sseStream, wsStream } from "./stream.ts";
import { dbgWsRoute } from "./rpc.ts";
import { DBG_PAGE_HTML } from "./ui.ts";
import { type DbgMcpOptions, dbgMcpRoute } from "./mcp.ts";
import { dbgUiRoutes } from "./ui/routes.ts";

export { RPC_ERRORS } from "./jsonrpc.ts";

/** Options of {@linkcode dbgHandler}. */
export interface DbgHandlerOptions extends DbgStreamOptions {
  /** The bearer token (`Authorization: Bearer <token>` or `?token=`). */
  token?: string;
  /** Who may read (page, queries, streams); default "token" with a token, else "public". */
  read?: DbgAccess;
  /** Who may ingest (`DbgMsg*` calls, `/dbg.ws`); default "token" with a token, else "public". */
  ingest?: DbgAccess;
  /** Largest request body; default 1 MiB (413 beyond). */
  maxBodyBytes?: number;
  /** Largest recording `POST /import` takes; default 32 MiB. */
  maxImportBytes?: number;
  /** Time to receive a request body; default 10 s (408 beyond). */
  bodyTimeoutMs?: number;
  /** Allow cross-origin requests: true for any origin, or one origin. Off by default. */
  cors?: boolean | string;
  /** Calls per JSON-RPC batch at most; default 1000. */
  maxBatch?: number;
  /** Response bytes per JSON-RPC request; later calls get -32002. Default 8 MiB. */
  maxResponseBytes?: number;
  /**
   * The MCP endpoint at `/mcp` for coding agents (read-only tools; mutating
   * tools only with `machine` and a token); `false` turns it off.
   */
  mcp?: DbgMcpOptions | false;
  /** More routes by path, behind the same CORS and access checks. */
  routes?: Record<string, DbgRoute>;
  /** Serves other paths; 404 without. */
  fallback?: (req: Request) => Response | Promise<Response>;
}

const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  // self-contained: nothing loads from elsewhere
  "content-security-policy":
    "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self' ws: wss:",
};

/**
 * The dbg endpoint for a hub. Routes: `POST /rpc` (JSON-RPC 2.0, single or
 * batch: `DbgMsgSchema`, `DbgMsgTx`, `DbgMsgGone`, `machines`,
 * `schema {id}`, `txs {id, cursor?, limit?, dir?}`,
 * `since {seq, limit?, machines?}`, `head`), `GET /stream` (WebSocket) and
 * `GET /events` (SSE) with `?since=<seq>&machines=a,b` (hello, bounded
 * replay, gap, live tail), `GET /dbg.ws` (am-dbg's net/rpc + gob over
 * WebSocket, for Go machines) and `GET /`, the debugger page
 * ({@linkcode DBG_PAGE_HTML}). Without a token everything is open (an
 * embedded, local endpoint); with one, reads and ingest need it unless
 * `read`/`ingest` say otherwise.
 *
 * @example With Deno.serve
 * ```ts ignore
 * import { DbgHub, dbgHandler } from "@asyncmachine/telemetry/dbg";
 * const hub = new DbgHub();
 * Deno.serve({ port: 6832 }, dbgHandler(hub, { token: "s3cret", read: "public" }));
 * ```
 */
export function dbgHandler(
  hub: DbgHub,
  opts?: DbgHandlerOptions,
): (req: Request) => Promise<Response> {
  opts ??= {};
  const body: BodyLimit = {
    maxBytes: opts.maxBodyBytes ?? 1024 * 1024,
    timeoutMs: opts.bodyTimeoutMs ?? 10_000,
  };
  const dbgWs = dbgWsRoute(hub);
  const ws = wsStream(hub, opts);
  const sse = sseStream(hub, opts);

  const routes: Record<string, DbgRoute> = {
    "/rpc": dbgRpcRoute(hub, {
      body,
      maxBatch: opts.maxBatch,
      maxResponseBytes: opts.maxResponseBytes,
    }),
    "/stream": (req, ctx) => ctx.canRead ? ws(req, ctx.url, ctx.headers) : unauthorized(req, ctx),
    "/events": (req, ctx) => ctx.canRead ? sse(req, ctx.url, ctx.headers) : unauthorized(req, ctx),
    // am-dbg's own path: net/rpc + gob in binary WebSocket frames (Go machines)
    "/dbg.ws": (req, ctx) => ctx.canIngest ? dbgWs(req) : unauthorized(req, ctx),
    "/": (req, ctx) => {
      if (!ctx.canRead) return unauthorized(req, ctx);
      if (req.method !== "GET" && req.method !== "HEAD") {
        return errorResponse(405, "GET the page", { allow: "GET, HEAD", ...ctx.headers });
      }
      return new Response(req.method === "HEAD" ? null : DBG_PAGE_HTML, {
        headers: { ...PAGE_HEADERS, ...ctx.headers },
      });
    },
    ...(opts.mcp === false ? {} : {
      "/mcp": dbgMcpRoute(hub, {
        ...opts.mcp,
        body,
        tokenConfigured: !!opts.token,
      }),
    }),
    // the page's export (read) and import (ingest) of recordings
    ...dbgUiRoutes(hub, { maxImportBytes: opts.maxImportBytes }),
    ...opts.routes,
  };
  routes["/index.html"] ??= routes["/"];

  const route: DbgRoute = async (req, ctx) => {
    const r = Object.hasOwn(routes, ctx.url.pathname) ? routes[ctx.url.pathname] : undefined;
    if (r) return await r(req, ctx);
    if (opts.fallback) return await opts.fallback(req);
    await req.body?.cancel().catch(() => {});
    return errorResponse(404, `no route ${ctx.url.pathname}`, ctx.headers);
  };
  const app = withCors(
    opts.cors,
    withAccess({ token: opts.token, read: opts.read, ingest: opts.ingest }, route),
  );
  return async (req) => {
    const ctx: DbgContext = {
      url: new URL(req.url),
      canRead: false,
      canIngest: false,
      headers: {},
    };
    return await app(req, ctx);
  };
}
