/**
 * The debugger page's server routes: `GET /export` (machines as an am-dbg
 * recording or JSON) and `POST /import` (a recording or JSON export into
 * the hub, as read-only machines). {@linkcode dbgHandler} mounts them.
 *
 * @module
 */

import { DbgHub } from "../hub.ts";
import type { DbgMsgSchema, DbgMsgTx } from "../messages.ts";
import { exportDbgRecording, importDbgRecording } from "../recording.ts";
import { parseDbgMsgSchema, parseDbgMsgTx } from "../validate.ts";
import {
  type DbgRoute,
  errorResponse,
  jsonResponse,
  unauthorized,
  withBodyLimit,
} from "../http.ts";

/** Options of {@linkcode dbgUiRoutes}. */
export interface DbgUiRoutesOptions {
  /** Largest import body; default 32 MiB (413 beyond). */
  maxImportBytes?: number;
  /** Time to receive an import body; default 60 s (408 beyond). */
  importTimeoutMs?: number;
}

/** One machine of an export: am-dbg's `Exportable` shape. */
export interface DbgExportable {
  /** The schema. */
  MsgStruct: DbgMsgSchema;
  /** Its transitions, oldest first. */
  MsgTxs: DbgMsgTx[];
  /** Writer. */
  Version?: string;
}

/**
 * Reads machines (all, or these ids) out of a hub, oldest transition first.
 *
 * @example Usage
 * ```ts
 * import { DbgHub } from "@asyncmachine/telemetry/dbg";
 * import { dbgExportables } from "./routes.ts";
 * const hub = new DbgHub();
 * await hub.addSchema({ ID: "m1", StatesIndex: ["A"], States: { A: {} } });
 * (await dbgExportables(hub)).length; // 1
 * ```
 */
export async function dbgExportables(hub: DbgHub, ids?: string[]): Promise<DbgExportable[]> {
  const infos = await hub.machines();
  const want = ids?.length ? new Set(ids) : undefined;
  const out: DbgExportable[] = [];
  for (const m of infos) {
    if (want && !want.has(m.id)) continue;
    const schema = await hub.schema(m.id);
    if (!schema) continue;
    const txs: DbgMsgTx[] = [];
    for (let cursor = 0;;) {
      const page = await hub.txs(m.id, { cursor, limit: 1000, dir: "newer" });
      for (const t of page.txs) txs.push(t.msg);
      if (!page.more || !page.txs.length) break;
      cursor = page.cursor;
    }
    out.push({ MsgStruct: schema, MsgTxs: txs, Version: "am-telemetry" });
  }
  return out;
}

/**
 * Adds exported machines to a hub as read-only sessions: tagged
 * `imported` and marked gone once loaded. Returns their ids.
 *
 * @example Usage
 * ```ts
 * import { DbgHub } from "@asyncmachine/telemetry/dbg";
 * import { dbgImportExportables } from "./routes.ts";
 * const hub = new DbgHub();
 * await dbgImportExportables(hub, [{ MsgStruct: { ID: "m1", StatesIndex: ["A"], States: { A: {} } }, MsgTxs: [] }]);
 * ```
 */
export async function dbgImportExportables(
  hub: DbgHub,
  list: { MsgStruct?: unknown; MsgTxs?: unknown[] }[],
): Promise<{ machines: string[]; txs: number }> {
  // everything is validated before anything is added: a bad entry imports nothing
  const parsed = list.map((e, i) => {
    if (!e || typeof e !== "object" || !e.MsgStruct || typeof e.MsgStruct !== "object") {
      throw new TypeError(`entry ${i}: needs a MsgStruct (a DbgMsgSchema)`);
    }
    const schema = parseDbgMsgSchema(e.MsgStruct);
    if (!schema.ID) throw new TypeError(`entry ${i}: MsgStruct.ID cannot be empty`);
    schema.Tags = [...(schema.Tags ?? []).filter((t) => t !== "imported"), "imported"];
    if (e.MsgTxs !== undefined && e.MsgTxs !== null && !Array.isArray(e.MsgTxs)) {
      throw new TypeError(`entry ${i}: MsgTxs must be a list`);
    }
    const txs = (e.MsgTxs ?? []).map((t, j) => {
      const tx = parseDbgMsgTx(t);
      if (tx.MachineID !== schema.ID) {
        throw new TypeError(
          `entry ${i} tx ${j}: MachineID ${tx.MachineID} is not its machine ${schema.ID}`,
        );
      }
      return tx;
    });
    return { schema, txs };
  });
  const machines: string[] = [];
  let txs = 0;
  for (const { schema, txs: list } of parsed) {
    await hub.addSchema(schema);
    machines.push(schema.ID);
    for (const tx of list) {
      await hub.addTx(tx);
      txs++;
    }
    await hub.markGone(schema.ID);
  }
  return { machines, txs };
}

/**
 * The page's routes for a hub, to spread into {@linkcode dbgHandler}'s
 * route table: `/export` needs read access, `/import` ingest access.
 *
 * @example Usage
 * ```ts
 * import { DbgHub } from "@asyncmachine/telemetry/dbg";
 * import { dbgUiRoutes } from "./routes.ts";
 * const routes = dbgUiRoutes(new DbgHub());
 * const url = new URL("http://localhost/export?format=json");
 * const res = await routes["/export"](new Request(url), { url, canRead: true, canIngest: false, headers: {} });
 * ```
 */
export function dbgUiRoutes(
  hub: DbgHub,
  opts?: DbgUiRoutesOptions,
): Record<string, DbgRoute> {
  const exportRoute: DbgRoute = async (req, ctx) => {
    if (!ctx.canRead) return await unauthorized(req, ctx);
    if (req.method !== "GET") return errorResponse(405, "GET /export", ctx.headers);
    const ids = ctx.url.searchParams.get("machines")?.split(",").filter(Boolean);
    const list = await dbgExportables(hub, ids);
    if (ctx.url.searchParams.get("format") === "json") {
      return new Response(JSON.stringify(list), {
        headers: {
          "content-type": "application/json",
          "content-disposition": 'attachment; filename="am-dbg.json"',
          ...ctx.headers,
        },
      });
    }
    // the recording writer reads a hub: copy the chosen machines into one sized to fit
    const part = new DbgHub({
      maxMachines: list.length + 1,
      maxTxsPerMachine: Math.max(1, ...list.map((e) => e.MsgTxs.length)),
      maxBytes: Infinity,
      maxBytesPerMachine: Infinity,
    });
    for (const e of list) {
      await part.addSchema(e.MsgStruct);
      for (const tx of e.MsgTxs) await part.addTx(tx);
    }
    const bytes = await exportDbgRecording(part);
    return new Response(bytes as BodyInit, {
      headers: {
        "content-type": "application/octet-stream",
        "content-disposition": 'attachment; filename="am-dbg.gob.br"',
        ...ctx.headers,
      },
    });
  };
  const importBody = withBodyLimit(
    {
      maxBytes: opts?.maxImportBytes ?? 32 * 1024 * 1024,
      timeoutMs: opts?.importTimeoutMs ?? 60_000,
    },
    async (_req, ctx, bytes) => {
      const t0 = performance.now();
      try {
        let list: { MsgStruct?: unknown; MsgTxs?: unknown[] }[];
        const first = bytes.find((b) => b > 32);
        if (first === 0x5b || first === 0x7b) {
          const parsed = JSON.parse(new TextDecoder().decode(bytes));
          list = Array.isArray(parsed) ? parsed : [parsed];
        } else {
          const rec = await importDbgRecording(bytes);
          list = await dbgExportables(rec.hub);
        }
        const res = await dbgImportExportables(hub, list);
        return jsonResponse({ ...res, ms: Math.round(performance.now() - t0) }, 200, ctx.headers);
      } catch (e) {
        return errorResponse(400, `import: ${e instanceof Error ? e.message : e}`, ctx.headers);
      }
    },
  );
  const importRoute: DbgRoute = async (req, ctx) => {
    if (!ctx.canIngest) return await unauthorized(req, ctx);
    if (req.method === "POST") return await importBody(req, ctx);
    await req.body?.cancel().catch(() => {});
    return errorResponse(405, "POST a recording to /import", ctx.headers);
  };
  return { "/export": exportRoute, "/import": importRoute };
}
