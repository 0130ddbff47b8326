/**
 * `POST /rpc`: the hub's JSON-RPC 2.0 methods ({@linkcode hubRpcMethods})
 * over HTTP, single or batch. The body is read within a limit
 * ({@linkcode withBodyLimit}); a retried request (same `Idempotency-Key`)
 * gets the first answer instead of a second ingest.
 *
 * @module
 */

import type { DbgHub } from "./hub.ts";
import { type BodyLimit, type DbgRoute, errorResponse, jsonText, withBodyLimit } from "./http.ts";
import { dispatchRpc, RPC_ERRORS, rpcErrorReply } from "./jsonrpc.ts";
import { IdempotencyCache } from "./idempotency.ts";
import { hubErrorCode, hubRpcMethods } from "./hub_rpc.ts";

/** Options of {@linkcode dbgRpcRoute}. */
export interface DbgRpcRouteOptions {
  /** The request body's limits. */
  body: BodyLimit;
  /** Calls per batch at most; default 1000. */
  maxBatch?: number;
  /** Response bytes per request; later calls get -32002. Default 8 MiB. */
  maxResponseBytes?: number;
}

/** Idempotency keys longer than this aren't remembered (the cache stays small). */
const MAX_KEY_LENGTH = 200;

/**
 * The `/rpc` route of a hub: POST only (405 with `allow` otherwise); a body
 * that isn't JSON gets a JSON-RPC parse error; notifications only, 204.
 * Each call checks the right it needs (`ctx.canRead`, `ctx.canIngest`).
 *
 * @example Usage
 * ```ts
 * import { DbgHub } from "./hub.ts";
 * import { dbgRpcRoute } from "./http_rpc.ts";
 * const route = dbgRpcRoute(new DbgHub(), { body: { maxBytes: 1 << 20, timeoutMs: 10_000 } });
 * const url = new URL("http://x/rpc");
 * const res = await route(
 *   new Request(url, { method: "POST", body: '{"jsonrpc":"2.0","id":1,"method":"head"}' }),
 *   { url, canRead: true, canIngest: false, headers: {} },
 * );
 * (await res.json()).result; // { seq: 0 }
 * ```
 */
export function dbgRpcRoute(hub: DbgHub, opts: DbgRpcRouteOptions): DbgRoute {
  const methods = hubRpcMethods(hub);
  const retries = new IdempotencyCache();
  const post = withBodyLimit(opts.body, async (req, ctx, bytes) => {
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder().decode(bytes));
    } catch (e) {
      const reply = rpcErrorReply(null, RPC_ERRORS.parse, `parse error: ${(e as Error).message}`);
      return jsonText(JSON.stringify(reply), 200, ctx.headers);
    }
    const dispatch = () =>
      dispatchRpc(body, methods, ctx, {
        maxBatch: opts.maxBatch,
        maxResponseBytes: opts.maxResponseBytes,
        errorCode: hubErrorCode,
      });
    const key = req.headers.get("idempotency-key");
    const reply = key && key.length <= MAX_KEY_LENGTH
      ? await retries.once(key, dispatch)
      : await dispatch();
    return reply === undefined
      ? new Response(null, { status: 204, headers: ctx.headers })
      : jsonText(reply, 200, ctx.headers);
  });
  return async (req, ctx) => {
    if (req.method === "POST") return await post(req, ctx);
    await req.body?.cancel().catch(() => {});
    return errorResponse(405, "POST JSON-RPC 2.0 requests to /rpc", {
      allow: "POST",
      ...ctx.headers,
    });
  };
}
