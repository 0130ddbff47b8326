/**
 * The hub's JSON-RPC methods: am-dbg's ingest (`DbgMsgSchema`, `DbgMsgTx`)
 * plus the `DbgMsgGone` extension, and the queries (`machines`, `schema`,
 * `txs`, `since`, `head`).
 *
 * @module
 */

import { type DbgHub, DbgHubError } from "./hub.ts";
import { RPC_ERRORS, RpcError, type RpcMethod } from "./jsonrpc.ts";

/**
 * What a call may do (set by the endpoint's access middleware).
 *
 * @example Usage
 * ```ts
 * import type { HubRpcContext } from "./hub_rpc.ts";
 * const ctx: HubRpcContext = { canRead: true, canIngest: false };
 * ```
 */
export interface HubRpcContext {
  /** Queries allowed. */
  canRead: boolean;
  /** Ingest allowed. */
  canIngest: boolean;
}

/** One param object: by name, or the first positional. */
function paramsObject(params: unknown): Record<string, unknown> {
  const p = Array.isArray(params) ? params[0] : params;
  if (p === undefined || p === null) return {};
  if (typeof p !== "object" || Array.isArray(p)) throw new TypeError("params must be an object");
  return p as Record<string, unknown>;
}

function optInt(p: Record<string, unknown>, name: string): number | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v)) {
    throw new TypeError(`${name} must be an integer`);
  }
  return v;
}

function idParam(p: Record<string, unknown>): string {
  if (typeof p.id !== "string") throw new TypeError("id must be a string");
  return p.id;
}

function ingest(
  run: (hub: DbgHub, msg: unknown) => Promise<unknown>,
  hub: DbgHub,
): RpcMethod<HubRpcContext> {
  return {
    ingest: true,
    run(params, ctx) {
      if (!ctx.canIngest) {
        throw new RpcError(RPC_ERRORS.unauthorized, "ingest needs the endpoint's bearer token");
      }
      return run(hub, Array.isArray(params) ? params[0] : params).then(() => "");
    },
  };
}

function query(run: (p: Record<string, unknown>) => Promise<unknown>): RpcMethod<HubRpcContext> {
  return {
    run(params, ctx) {
      if (!ctx.canRead) {
        throw new RpcError(RPC_ERRORS.unauthorized, "queries need the endpoint's bearer token");
      }
      return run(paramsObject(params));
    },
  };
}

/**
 * The method table of a hub.
 *
 * @example Usage
 * ```ts
 * import { DbgHub } from "@asyncmachine/telemetry/dbg";
 * import { dispatchRpc } from "./jsonrpc.ts";
 * import { hubRpcMethods } from "./hub_rpc.ts";
 * const methods = hubRpcMethods(new DbgHub());
 * await dispatchRpc({ jsonrpc: "2.0", id: 1, method: "head" }, methods, { canRead: true, canIngest: false });
 * ```
 */
export function hubRpcMethods(hub: DbgHub): Record<string, RpcMethod<HubRpcContext>> {
  return {
    DbgMsgSchema: ingest((h, m) => h.addSchema(m), hub),
    DbgMsgTx: ingest((h, m) => h.addTx(m), hub),
    DbgMsgGone: ingest((h, m) => h.markGone(m ?? {}), hub),
    machines: query(() => hub.machines()),
    schema: query(async (p) => {
      const id = idParam(p);
      const schema = await hub.schema(id);
      if (!schema) throw new DbgHubError(`unknown machine ${id}`);
      return schema;
    }),
    txs: query((p) => {
      const dir = p.dir ?? undefined;
      if (dir !== undefined && dir !== "older" && dir !== "newer") {
        throw new TypeError('dir must be "older" or "newer"');
      }
      return hub.txs(idParam(p), {
        cursor: optInt(p, "cursor"),
        limit: optInt(p, "limit"),
        dir: dir as "older" | "newer" | undefined,
      });
    }),
    since: query((p) => {
      const machines = p.machines;
      if (
        machines !== undefined && machines !== null &&
        (!Array.isArray(machines) || machines.some((m) => typeof m !== "string"))
      ) throw new TypeError("machines must be a list of ids");
      return hub.since(optInt(p, "seq") ?? 0, {
        limit: optInt(p, "limit"),
        machines: (machines ?? undefined) as string[] | undefined,
      });
    }),
    head: query(async () => ({ seq: await hub.head() })),
  };
}

/** -32602 for a hub error naming a param, -32000 for other hub errors. */
export function hubErrorCode(e: unknown): number | undefined {
  if (e instanceof DbgHubError) return e.param ? RPC_ERRORS.invalidParams : RPC_ERRORS.server;
  return undefined;
}
