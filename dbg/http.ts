/**
 * Small HTTP building blocks of the dbg endpoint, Hono-style: JSON
 * responses, a bounded and timed body reader, and middleware wrapping a
 * handler (CORS, bearer-token access, body limits: {@linkcode withBodyLimit}).
 *
 * @module
 */

/**
 * A route handler: a Request in, a Response out, with what the middleware
 * found (access rights, the read body).
 *
 * @example Usage
 * ```ts
 * import type { DbgRoute } from "@asyncmachine/telemetry/dbg";
 * const hello: DbgRoute = () => new Response("hi");
 * ```
 */
export type DbgRoute = (req: Request, ctx: DbgContext) => Response | Promise<Response>;

/**
 * Per-request facts the middleware establishes.
 *
 * @example Usage
 * ```ts
 * import type { DbgContext } from "@asyncmachine/telemetry/dbg";
 * const ctx: DbgContext = { url: new URL("http://x/rpc"), canRead: true, canIngest: false, headers: {} };
 * ```
 */
export interface DbgContext {
  /** The parsed request URL. */
  url: URL;
  /** Reads (page, queries, streams) allowed. */
  canRead: boolean;
  /** Ingest (JSON-RPC DbgMsg*, `/dbg.ws`) allowed. */
  canIngest: boolean;
  /** Headers every response carries (CORS). */
  headers: Record<string, string>;
}

/**
 * Who may do something: anyone, bearers of the token, or no one.
 *
 * @example Usage
 * ```ts
 * import type { DbgAccess } from "@asyncmachine/telemetry/dbg";
 * const read: DbgAccess = "public";
 * ```
 */
export type DbgAccess = "public" | "token" | "none";

/**
 * A JSON response.
 *
 * @example Usage
 * ```ts
 * import { jsonResponse } from "./http.ts";
 * jsonResponse({ ok: true }).headers.get("content-type"); // "application/json"
 * ```
 */
export function jsonResponse(body: unknown, status?: number, headers?: HeadersInit): Response {
  status ??= 200;
  headers ??= {};
  return jsonText(JSON.stringify(body), status, headers);
}

/** A response of already encoded JSON. */
export function jsonText(text: string, status?: number, headers?: HeadersInit): Response {
  status ??= 200;
  headers ??= {};
  return new Response(text, {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** `{ error }` with a status. */
export function errorResponse(
  status: number,
  message: string,
  headers?: HeadersInit,
): Response {
  headers ??= {};
  return jsonResponse({ error: message }, status, headers);
}

/** Why a body couldn't be read. */
type BodyFailure = "too large" | "timeout";

/**
 * Reads at most `max` bytes of the body within `timeoutMs`: the bytes, or
 * why not; a failure cancels the body. A slow sender can't hold the handler
 * longer than the timeout.
 */
async function readBytesLimited(
  req: Request,
  max: number,
  timeoutMs: number,
): Promise<Uint8Array | BodyFailure> {
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (declared > max) {
    await req.body?.cancel().catch(() => {});
    return "too large";
  }
  if (!req.body) return new Uint8Array();
  const reader = req.body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const r = await Promise.race([reader.read(), timeout]);
      if (r === "timeout") {
        reader.cancel().catch(() => {});
        return "timeout";
      }
      if (r.done) break;
      size += r.value.byteLength;
      if (size > max) {
        reader.cancel().catch(() => {});
        return "too large";
      }
      chunks.push(r.value);
    }
  } finally {
    clearTimeout(timer);
  }
  const all = new Uint8Array(size);
  let off = 0;
  for (const c of chunks) {
    all.set(c, off);
    off += c.byteLength;
  }
  return all;
}

/** Options of {@linkcode withBodyLimit}. */
export interface BodyLimit {
  /** Largest body in bytes (413 beyond, declared or streamed). */
  maxBytes: number;
  /** Time to receive the whole body (408 beyond, and the connection closed). */
  timeoutMs: number;
}

/**
 * A route that gets the request's body already read (within a
 * {@linkcode BodyLimit}).
 *
 * @example Usage
 * ```ts
 * import type { BodyRoute } from "./http.ts";
 * const echo: BodyRoute = (_req, _ctx, body) => new Response(body.slice());
 * ```
 */
export type BodyRoute = (
  req: Request,
  ctx: DbgContext,
  body: Uint8Array,
) => Response | Promise<Response>;

/**
 * Reads the body within a limit, then hands it to `next`: a body over
 * `maxBytes` (declared or streamed) gets 413, one not received within
 * `timeoutMs` 408 (`connection: close`: the slow sender isn't kept), and the
 * route never runs. Wrap the part of a route that takes a body, after its
 * access and method checks (those answer without reading it).
 *
 * @example Usage
 * ```ts
 * import { withBodyLimit } from "./http.ts";
 * const route = withBodyLimit({ maxBytes: 1024, timeoutMs: 1000 }, (_req, _ctx, body) =>
 *   new Response(`${body.length} bytes`));
 * const url = new URL("http://x/");
 * const res = await route(new Request(url, { method: "POST", body: "x".repeat(2000) }), {
 *   url, canRead: true, canIngest: true, headers: {},
 * });
 * res.status; // 413
 * ```
 */
export function withBodyLimit(limit: BodyLimit, next: BodyRoute): DbgRoute {
  return async (req, ctx) => {
    const body = await readBytesLimited(req, limit.maxBytes, limit.timeoutMs);
    if (body === "too large") {
      return errorResponse(413, `request body over ${limit.maxBytes} bytes`, ctx.headers);
    }
    if (body === "timeout") {
      return errorResponse(408, `request body not received within ${limit.timeoutMs} ms`, {
        connection: "close",
        ...ctx.headers,
      });
    }
    return await next(req, ctx, body);
  };
}

/**
 * CORS: off unless asked; `true` allows any origin, a string one origin.
 * Answers preflights itself.
 *
 * @example Usage
 * ```ts
 * import { withCors } from "./http.ts";
 * const route = withCors("https://app.example", () => new Response("ok"));
 * ```
 */
export function withCors(cors: boolean | string | undefined, next: DbgRoute): DbgRoute {
  if (!cors) return next;
  const headers = {
    "access-control-allow-origin": cors === true ? "*" : cors,
    "access-control-allow-headers": "authorization, content-type, last-event-id",
    "access-control-allow-methods": "GET, POST, OPTIONS",
    ...(cors === true ? {} : { vary: "origin" }),
  };
  return (req, ctx) => {
    if (req.method === "OPTIONS") return new Response(null, { status: 204, headers });
    Object.assign(ctx.headers, headers);
    return next(req, ctx);
  };
}

/** Options of {@linkcode withAccess}. */
export interface AccessOptions {
  /** The bearer token (`Authorization: Bearer …` or `?token=`). */
  token?: string;
  /** Who may read; default "token" with a token, else "public". */
  read?: DbgAccess;
  /** Who may ingest; default "token" with a token, else "public". */
  ingest?: DbgAccess;
}

function allowed(access: DbgAccess, token: string | undefined, tokenOk: boolean): boolean {
  return access === "public" || (access === "token" && !!token && tokenOk);
}

/** Constant-time string comparison: a token isn't guessed byte by byte from timings. */
function sameToken(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a), y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ (y[i % (y.length || 1)] ?? 0);
  return diff === 0;
}

/**
 * Sets `ctx.canRead`/`ctx.canIngest` from the token; a request allowed
 * neither gets 401 here. Routes check the right they need.
 *
 * @example Usage
 * ```ts
 * import { withAccess } from "./http.ts";
 * const route = withAccess({ token: "s3cret", read: "public" }, (_req, ctx) =>
 *   new Response(ctx.canIngest ? "rw" : "r"));
 * ```
 */
export function withAccess(opts: AccessOptions, next: DbgRoute): DbgRoute {
  const token = opts.token || undefined;
  const read = opts.read ?? (token ? "token" : "public");
  const ingest = opts.ingest ?? (token ? "token" : "public");
  return async (req, ctx) => {
    let tokenOk = false;
    if (token) {
      const auth = req.headers.get("authorization") ?? "";
      const given = auth.startsWith("Bearer ")
        ? auth.slice(7)
        : ctx.url.searchParams.get("token") ?? "";
      tokenOk = sameToken(given, token);
    }
    ctx.canRead = allowed(read, token, tokenOk);
    ctx.canIngest = allowed(ingest, token, tokenOk);
    if (!ctx.canRead && !ctx.canIngest) return await unauthorized(req, ctx);
    return await next(req, ctx);
  };
}

/** 401 with the challenge; drains the body. */
export async function unauthorized(req: Request, ctx: DbgContext): Promise<Response> {
  await req.body?.cancel().catch(() => {});
  return errorResponse(401, "missing or wrong bearer token", {
    "www-authenticate": "Bearer",
    ...ctx.headers,
  });
}
