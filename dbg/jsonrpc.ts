/**
 * JSON-RPC 2.0 dispatch over a method table: single calls and batches,
 * notifications, error codes, and a batch budget (calls, response bytes) so
 * a small request can't make a huge answer.
 *
 * @module
 */

/**
 * JSON-RPC 2.0 error codes (and the endpoint's own in the -32000 range).
 *
 * @example Usage
 * ```ts
 * import { RPC_ERRORS } from "./jsonrpc.ts";
 * RPC_ERRORS.invalidParams; // -32602
 * ```
 */
export const RPC_ERRORS = {
  parse: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  server: -32000,
  unauthorized: -32001,
  overBudget: -32002,
} as const;

/**
 * An error a method throws to answer with this code.
 *
 * @example Usage
 * ```ts
 * import { RPC_ERRORS, RpcError } from "./jsonrpc.ts";
 * throw new RpcError(RPC_ERRORS.invalidParams, "id must be a string");
 * ```
 */
export class RpcError extends Error {
  /** The JSON-RPC error code. */
  readonly code: number;

  /**
   * An error reply.
   *
   * @param code JSON-RPC error code.
   * @param message What's wrong.
   */
  constructor(code: number, message: string) {
    super(message);
    this.name = "RpcError";
    this.code = code;
  }
}

/**
 * One method: gets the params (as sent) and the caller's context. `ingest`
 * methods of a batch start in order without waiting for each other (a store
 * can batch them); the others run one by one within the batch budget.
 *
 * @example Usage
 * ```ts
 * import type { RpcMethod } from "./jsonrpc.ts";
 * const ping: RpcMethod<unknown> = { run: () => "pong" };
 * ```
 */
export interface RpcMethod<C> {
  /** Runs the call; throws RpcError (or TypeError: invalid params). */
  run(params: unknown, ctx: C): unknown;
  /** Starts without waiting for earlier calls of the batch. */
  ingest?: boolean;
}

/** Options of {@linkcode dispatchRpc}. */
export interface RpcDispatchOptions {
  /** Calls per batch at most; default 1000. */
  maxBatch?: number;
  /** Response bytes per request; calls past it get -32002 without running. Default 8 MiB. */
  maxResponseBytes?: number;
  /** Maps a thrown error to a code (undefined: the default mapping). */
  errorCode?: (e: unknown) => number | undefined;
}

type Reply = { jsonrpc: "2.0"; id: unknown; result: unknown } | {
  jsonrpc: "2.0";
  id: unknown;
  error: { code: number; message: string };
};

/**
 * An error reply object.
 *
 * @example Usage
 * ```ts
 * import { rpcErrorReply } from "./jsonrpc.ts";
 * rpcErrorReply(1, -32601, "method not found: x").error.code; // -32601
 * ```
 */
export function rpcErrorReply(
  id: unknown,
  code: number,
  message: string,
): { jsonrpc: "2.0"; id: unknown; error: { code: number; message: string } } {
  return { jsonrpc: "2.0", id: id ?? null, error: { code, message } };
}

function messageOf(e: unknown): string {
  try {
    return e instanceof Error ? e.message : String(e);
  } catch {
    return "internal error";
  }
}

/**
 * Answers a parsed JSON-RPC body (one call or a batch) from `methods`;
 * returns the encoded reply, or undefined when nothing is to be answered
 * (only notifications).
 *
 * @example Usage
 * ```ts
 * import { dispatchRpc } from "./jsonrpc.ts";
 * await dispatchRpc({ jsonrpc: "2.0", id: 1, method: "ping" }, { ping: { run: () => "pong" } }, {});
 * // '{"jsonrpc":"2.0","id":1,"result":"pong"}'
 * ```
 */
export async function dispatchRpc<C>(
  body: unknown,
  methods: Record<string, RpcMethod<C>>,
  ctx: C,
  opts?: RpcDispatchOptions,
): Promise<string | undefined> {
  opts ??= {};
  const maxBatch = opts.maxBatch ?? 1000;
  const budget = { bytes: opts.maxResponseBytes ?? 8 * 1024 * 1024 };
  const fail = (id: unknown, notification: boolean, e: unknown): Reply | undefined => {
    if (notification) return undefined;
    const code = e instanceof RpcError ? e.code : opts.errorCode?.(e) ??
      (e instanceof TypeError ? RPC_ERRORS.invalidParams : RPC_ERRORS.server);
    return rpcErrorReply(id, code, messageOf(e));
  };
  // ingest calls already started: queries wait for them
  const started: Promise<unknown>[] = [];
  /** Starts one call: a reply now, or a promise of one (no async wrapper per call). */
  const call = (item: unknown): Reply | undefined | Promise<Reply | undefined> => {
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      return rpcErrorReply(null, RPC_ERRORS.invalidRequest, "invalid request: not an object");
    }
    const req = item as { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown };
    const id = req.id;
    const notification = !("id" in req);
    if (
      req.jsonrpc !== "2.0" || typeof req.method !== "string" ||
      (id !== undefined && id !== null && typeof id !== "string" && typeof id !== "number")
    ) {
      return rpcErrorReply(
        id,
        RPC_ERRORS.invalidRequest,
        "invalid request: expected jsonrpc 2.0, a method and an id",
      );
    }
    const m = Object.hasOwn(methods, req.method) ? methods[req.method] : undefined;
    if (!m) {
      return notification
        ? undefined
        : rpcErrorReply(id, RPC_ERRORS.methodNotFound, `method not found: ${req.method}`);
    }
    if (budget.bytes <= 0) {
      return notification ? undefined : rpcErrorReply(
        id,
        RPC_ERRORS.overBudget,
        "over the response budget of this request: send fewer or smaller calls",
      );
    }
    const done = (result: unknown): Reply | undefined =>
      notification ? undefined : { jsonrpc: "2.0", id, result };
    const run = (): Reply | undefined | Promise<Reply | undefined> => {
      let r: unknown;
      try {
        r = m.run(req.params, ctx);
      } catch (e) {
        return fail(id, notification, e);
      }
      return r instanceof Promise ? r.then(done, (e) => fail(id, notification, e)) : done(r);
    };
    if (m.ingest) {
      const p = run();
      if (p instanceof Promise) started.push(p);
      return p;
    }
    return started.length ? Promise.all(started).then(run) : run();
  };
  const encode = (r: Reply): string => {
    let text: string;
    try {
      text = JSON.stringify(r);
    } catch (e) {
      text = JSON.stringify(
        rpcErrorReply(r.id, RPC_ERRORS.server, `unencodable result: ${messageOf(e)}`),
      );
    }
    budget.bytes -= text.length;
    return text;
  };
  if (!Array.isArray(body)) {
    const r = await call(body);
    return r && encode(r);
  }
  if (body.length === 0) {
    return JSON.stringify(rpcErrorReply(null, RPC_ERRORS.invalidRequest, "empty batch"));
  }
  if (body.length > maxBatch) {
    return JSON.stringify(
      rpcErrorReply(null, RPC_ERRORS.invalidRequest, `batch over ${maxBatch} requests`),
    );
  }
  const replies: (Reply | undefined | Promise<Reply | undefined> | string)[] = [];
  for (const item of body) {
    const method = (item as { method?: unknown } | null)?.method;
    const ingest = typeof method === "string" && Object.hasOwn(methods, method) &&
      methods[method].ingest;
    const r = call(item);
    // queries run one at a time, encoded at once, so the budget holds between them
    if (ingest) replies.push(r);
    else {
      const done = r instanceof Promise ? await r : r;
      replies.push(done && encode(done));
    }
  }
  const out: string[] = [];
  for (const p of replies) {
    const r = p instanceof Promise ? await p : p;
    if (r === undefined) continue;
    out.push(typeof r === "string" ? r : encode(r));
  }
  return out.length ? `[${out.join(",")}]` : undefined;
}
