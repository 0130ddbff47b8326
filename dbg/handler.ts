/**
 * The dbg endpoint: JSON-RPC 2.0 over `POST /rpc` (ingest and queries) and a
 * live stream of hub events over WebSocket (`/stream`) and Server-Sent
 * Events (`/events`), for `Deno.serve` and `export default { fetch }`.
 *
 * @module
 */

import { type DbgHub, DbgHubError, type HubEvent } from "./hub.ts";
import { dbgWsRoute } from "./rpc.ts";
import { DBG_PAGE_HTML } from "./ui.ts";

/** Options of {@linkcode dbgHandler}. */
export interface DbgHandlerOptions {
  /** Require `Authorization: Bearer <token>` (or `?token=`) on every route. */
  token?: string;
  /** Largest request body; default 1 MiB (413 beyond). */
  maxBodyBytes?: number;
  /** Allow cross-origin requests: true for any origin, or one origin. */
  cors?: boolean | string;
  /** SSE events buffered per subscriber before it's cut off; default 10,000. */
  maxQueuedEvents?: number;
  /** WebSocket bytes buffered per subscriber before it's cut off; default 8 MiB. */
  maxBufferedBytes?: number;
  /** Requests per JSON-RPC batch at most; default 10,000. */
  maxBatch?: number;
  /** Serves other paths (e.g. `/dbg.ws`, `/`); 404 without. */
  fallback?: (req: Request) => Response | Promise<Response>;
}

/** JSON-RPC 2.0 error codes. */
export const RPC_ERRORS = {
  parse: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  server: -32000,
} as const;

interface RpcRequest {
  jsonrpc?: unknown;
  id?: unknown;
  method?: unknown;
  params?: unknown;
}

type RpcResponse =
  | { jsonrpc: "2.0"; id: unknown; result: unknown }
  | { jsonrpc: "2.0"; id: unknown; error: { code: number; message: string } };

function rpcError(id: unknown, code: number, message: string): RpcResponse {
  return { jsonrpc: "2.0", id: id ?? null, error: { code, message } };
}

function json(body: unknown, status = 200, headers: HeadersInit = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

function errorResponse(status: number, message: string, headers: HeadersInit = {}): Response {
  return json({ error: message }, status, headers);
}

/** Reads at most `max` bytes of the body; undefined when it's larger. */
async function readBody(req: Request, max: number): Promise<string | undefined> {
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (declared > max) {
    await req.body?.cancel();
    return undefined;
  }
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let off = 0;
  for (const c of chunks) {
    all.set(c, off);
    off += c.byteLength;
  }
  return new TextDecoder().decode(all);
}

/** One param object: by name, or the first positional. */
function paramsObject(params: unknown): Record<string, unknown> {
  const p = Array.isArray(params) ? params[0] : params;
  if (p === undefined || p === null) return {};
  if (typeof p !== "object" || Array.isArray(p)) throw new TypeError("params must be an object");
  return p as Record<string, unknown>;
}

function intParam(p: Record<string, unknown>, name: string, def: number): number {
  const v = p[name];
  if (v === undefined || v === null) return def;
  if (typeof v !== "number" || !Number.isInteger(v)) {
    throw new TypeError(`${name} must be an integer`);
  }
  return v;
}

function call(hub: DbgHub, req: RpcRequest): RpcResponse | undefined {
  const id = req.id;
  const isNotification = !("id" in req);
  if (
    req.jsonrpc !== "2.0" || typeof req.method !== "string" ||
    (id !== undefined && id !== null && typeof id !== "string" && typeof id !== "number")
  ) {
    return rpcError(
      id,
      RPC_ERRORS.invalidRequest,
      "invalid request: expected jsonrpc 2.0, a method and an id",
    );
  }
  let result: unknown;
  try {
    switch (req.method) {
      case "DbgMsgSchema":
        hub.addSchema(Array.isArray(req.params) ? req.params[0] : req.params);
        result = "";
        break;
      case "DbgMsgTx":
        hub.addTx(Array.isArray(req.params) ? req.params[0] : req.params);
        result = "";
        break;
      case "machines":
        result = hub.machines();
        break;
      case "schema": {
        const p = paramsObject(req.params);
        if (typeof p.id !== "string") throw new TypeError("id must be a string");
        const schema = hub.schema(p.id);
        if (!schema) throw new DbgHubError(`unknown machine ${p.id}`);
        result = schema;
        break;
      }
      case "txs": {
        const p = paramsObject(req.params);
        if (typeof p.id !== "string") throw new TypeError("id must be a string");
        result = hub.txs(p.id, intParam(p, "cursor", 0), intParam(p, "limit", 100));
        break;
      }
      default:
        return isNotification
          ? undefined
          : rpcError(id, RPC_ERRORS.methodNotFound, `method not found: ${req.method}`);
    }
  } catch (e) {
    if (isNotification) return undefined;
    const msg = e instanceof Error ? e.message : String(e);
    const code = e instanceof TypeError ? RPC_ERRORS.invalidParams : RPC_ERRORS.server;
    return rpcError(id, code, msg);
  }
  return isNotification ? undefined : { jsonrpc: "2.0", id, result };
}

/** Parses `?machines=a,b` into a filter. */
function machinesFilter(url: URL): string[] | undefined {
  const m = url.searchParams.get("machines");
  return m ? m.split(",").map((s) => s.trim()).filter(Boolean) : undefined;
}

function frame(e: HubEvent): string {
  return JSON.stringify(
    e.kind === "tx"
      ? { seq: e.seq, kind: e.kind, machineId: e.machineId, cursor: e.cursor, msg: e.msg }
      : { seq: e.seq, kind: e.kind, machineId: e.machineId, msg: e.msg },
  );
}

/**
 * The dbg endpoint for a hub. Routes: `POST /rpc` (JSON-RPC 2.0, single or
 * batch: `DbgMsgSchema`, `DbgMsgTx`, `machines`, `schema {id}`,
 * `txs {id, cursor?, limit?}`), `GET /stream` (WebSocket, JSON frames,
 * `?machines=a,b&since=<seq>`), `GET /events` (SSE, `Last-Event-ID`
 * resume), `GET /dbg.ws` (am-dbg's net/rpc + gob over WebSocket, for Go
 * machines) and `GET /`, a live debugger page ({@linkcode DBG_PAGE_HTML}).
 * Slow stream consumers are cut off past a bounded buffer.
 *
 * @example With Deno.serve
 * ```ts ignore
 * import { DbgHub, dbgHandler } from "@asyncmachine/telemetry/dbg";
 * const hub = new DbgHub();
 * Deno.serve({ port: 6832 }, dbgHandler(hub, { token: "s3cret" }));
 * ```
 */
export function dbgHandler(
  hub: DbgHub,
  opts: DbgHandlerOptions = {},
): (req: Request) => Promise<Response> {
  const maxBody = opts.maxBodyBytes ?? 1024 * 1024;
  const maxQueued = opts.maxQueuedEvents ?? 10_000;
  const maxBuffered = opts.maxBufferedBytes ?? 8 * 1024 * 1024;
  const maxBatch = opts.maxBatch ?? 10_000;
  const cors: Record<string, string> = opts.cors
    ? {
      "access-control-allow-origin": opts.cors === true ? "*" : opts.cors,
      "access-control-allow-headers": "authorization, content-type, last-event-id",
      "access-control-allow-methods": "GET, POST, OPTIONS",
    }
    : {};

  const dbgWs = dbgWsRoute(hub);

  const authorized = (req: Request, url: URL): boolean => {
    if (!opts.token) return true;
    const auth = req.headers.get("authorization");
    return auth === `Bearer ${opts.token}` || url.searchParams.get("token") === opts.token;
  };

  const rpc = async (req: Request): Promise<Response> => {
    if (req.method !== "POST") {
      return errorResponse(405, "POST JSON-RPC 2.0 requests to /rpc", { allow: "POST", ...cors });
    }
    const text = await readBody(req, maxBody);
    if (text === undefined) {
      return errorResponse(413, `request body over ${maxBody} bytes`, cors);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (e) {
      return json(
        rpcError(null, RPC_ERRORS.parse, `parse error: ${(e as Error).message}`),
        200,
        cors,
      );
    }
    if (Array.isArray(body)) {
      if (body.length === 0) {
        return json(rpcError(null, RPC_ERRORS.invalidRequest, "empty batch"), 200, cors);
      }
      if (body.length > maxBatch) {
        return json(
          rpcError(null, RPC_ERRORS.invalidRequest, `batch over ${maxBatch} requests`),
          200,
          cors,
        );
      }
      const out: RpcResponse[] = [];
      for (const item of body) {
        const r = typeof item === "object" && item !== null && !Array.isArray(item)
          ? call(hub, item as RpcRequest)
          : rpcError(null, RPC_ERRORS.invalidRequest, "invalid request: not an object");
        if (r) out.push(r);
      }
      return out.length ? json(out, 200, cors) : new Response(null, { status: 204, headers: cors });
    }
    if (typeof body !== "object" || body === null) {
      return json(
        rpcError(null, RPC_ERRORS.invalidRequest, "invalid request: not an object"),
        200,
        cors,
      );
    }
    const r = call(hub, body as RpcRequest);
    return r ? json(r, 200, cors) : new Response(null, { status: 204, headers: cors });
  };

  const websocket = (req: Request, url: URL): Response => {
    if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return errorResponse(426, "connect with a WebSocket", { upgrade: "websocket", ...cors });
    }
    const since = Number(url.searchParams.get("since") ?? -1);
    const machines = machinesFilter(url);
    const { socket, response } = Deno.upgradeWebSocket(req);
    let unsubscribe: (() => void) | undefined;
    const send = (e: HubEvent) => {
      if (socket.readyState !== WebSocket.OPEN) return;
      // a consumer that can't keep up is cut off, never buffered without bound
      if (socket.bufferedAmount > maxBuffered) {
        unsubscribe?.();
        socket.close(1013, "slow consumer");
        return;
      }
      socket.send(frame(e));
    };
    socket.onopen = () => {
      if (since >= 0) { for (const e of hub.since(since, machines && new Set(machines))) send(e); }
      unsubscribe = hub.subscribe(send, machines);
    };
    socket.onclose = () => unsubscribe?.();
    socket.onerror = () => unsubscribe?.();
    return response;
  };

  const sse = (req: Request, url: URL): Response => {
    const machines = machinesFilter(url);
    const lastId = Number(req.headers.get("last-event-id") ?? url.searchParams.get("since") ?? -1);
    const enc = new TextEncoder();
    let unsubscribe: (() => void) | undefined;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        const push = (e: HubEvent) => {
          // desiredSize goes negative as unread chunks pile up
          if ((controller.desiredSize ?? 0) < -maxQueued) {
            unsubscribe?.();
            try {
              controller.enqueue(enc.encode("event: error\ndata: slow consumer\n\n"));
              controller.close();
            } catch {
              // already closed
            }
            return;
          }
          controller.enqueue(enc.encode(`id: ${e.seq}\nevent: ${e.kind}\ndata: ${frame(e)}\n\n`));
        };
        controller.enqueue(enc.encode(": am-telemetry dbg stream\n\n"));
        if (Number.isFinite(lastId) && lastId >= 0) {
          for (const e of hub.since(lastId, machines && new Set(machines))) push(e);
        }
        unsubscribe = hub.subscribe(push, machines);
      },
      cancel() {
        unsubscribe?.();
      },
    }, { highWaterMark: 1 });
    return new Response(stream, {
      headers: {
        "content-type": "text/event-stream",
        "cache-control": "no-cache",
        ...cors,
      },
    });
  };

  return async (req) => {
    const url = new URL(req.url);
    if (req.method === "OPTIONS" && opts.cors) {
      return new Response(null, { status: 204, headers: cors });
    }
    if (!authorized(req, url)) {
      await req.body?.cancel();
      return errorResponse(401, "missing or wrong bearer token", {
        "www-authenticate": "Bearer",
        ...cors,
      });
    }
    switch (url.pathname) {
      case "/rpc":
        return await rpc(req);
      case "/stream":
        return websocket(req, url);
      case "/events":
        return sse(req, url);
      case "/":
      case "/index.html":
        if (req.method !== "GET" && req.method !== "HEAD") break;
        return new Response(req.method === "HEAD" ? null : DBG_PAGE_HTML, {
          headers: {
            "content-type": "text/html; charset=utf-8",
            // self-contained: nothing loads from elsewhere
            "content-security-policy":
              "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self' ws: wss:",
            ...cors,
          },
        });
      case "/dbg.ws":
        // am-dbg's own path: net/rpc + gob in binary WebSocket frames (Go machines)
        return await dbgWs(req);
    }
    if (opts.fallback) return await opts.fallback(req);
    await req.body?.cancel();
    return errorResponse(404, `no route ${url.pathname}`, cors);
  };
}
