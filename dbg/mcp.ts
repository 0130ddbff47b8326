/**
 * An MCP server (Model Context Protocol, Streamable HTTP transport) over a
 * {@linkcode DbgHub}, so a coding agent can ask what a machine did and why:
 * `POST /mcp` takes JSON-RPC requests (initialize, ping, tools/list,
 * tools/call, resources/list, resources/templates/list, resources/read) and
 * answers with JSON; `GET /mcp` is the server-to-client SSE stream (it says
 * when the machine list changes). Stateless: no session id is issued.
 *
 * @module
 */

import type { DbgHub } from "./hub.ts";
import {
  type BodyLimit,
  type DbgRoute,
  errorResponse,
  jsonResponse,
  jsonText,
  withBodyLimit,
} from "./http.ts";
import { dispatchRpc, RPC_ERRORS, RpcError, rpcErrorReply, type RpcMethod } from "./jsonrpc.ts";
import { MACHINE_TOOLS } from "./mcp_machines.ts";
import { HISTORY_TOOLS, MUTATING_TOOLS } from "./mcp_history.ts";
import { type McpMutable, type McpTool, type McpToolContext, McpToolError } from "./mcp_tool.ts";

/** MCP protocol versions this server speaks, newest first. */
export const MCP_PROTOCOL_VERSIONS: readonly string[] = [
  "2025-11-25",
  "2025-06-18",
  "2025-03-26",
  "2024-11-05",
];

/** Options of {@linkcode dbgMcpHandler}. */
export interface DbgMcpOptions {
  /**
   * Live machines of this process the agent may mutate (`add_states`,
   * `remove_states`); without it no mutating tool exists.
   */
  machine?: (id: string) => McpMutable | undefined;
  /** Text characters per tool answer; default 16,000. */
  maxChars?: number;
  /** Transitions one filtered page or search scans at most; default 5,000. */
  scanBudget?: number;
  /**
   * How long one `GET /mcp` stream stays open before the client reconnects;
   * default 30 s (a graceful server shutdown waits for open streams).
   */
  streamLifetimeMs?: number;
}

/** What {@linkcode dbgMcpRoute} needs beyond the MCP options (dbgHandler passes its own). */
export interface DbgMcpRouteOptions extends DbgMcpOptions {
  /** The request body's limits; default 1 MiB within 10 s. */
  body?: BodyLimit;
  /** Mutating tools need a configured token (and the caller's ingest right). */
  tokenConfigured?: boolean;
}

/** Per-request facts: may this caller use the mutating tools. */
interface McpCall {
  mutate: boolean;
}

type Json = Record<string, unknown>;

const INSTRUCTIONS =
  "An asyncmachine debugger hub: state machines with their schemas and transition histories. " +
  "Start with list_machines, then machine_schema, list_transitions (filters: canceled, auto, " +
  "state, error) and explain_transition for why a transition was canceled or what it changed. " +
  "Positions are per-machine transition cursors; pages continue with `cursor`.";

/** A tool's result object as MCP's `tools/call` returns it. */
function toolResult(text: string, data: Json | undefined, isError: boolean, max: number): Json {
  const out: Json = { content: [{ type: "text", text }] };
  // structured content only while it stays within the answer's bound
  if (data && JSON.stringify(data).length <= max * 4) out.structuredContent = data;
  if (isError) out.isError = true;
  return out;
}

function paramsOf(p: unknown): Json {
  if (p === undefined || p === null) return {};
  if (typeof p !== "object" || Array.isArray(p)) {
    throw new RpcError(RPC_ERRORS.invalidParams, "params must be an object");
  }
  return p as Json;
}

/** MCP's method table over the tools. */
function mcpMethods(ctx: McpToolContext, mutable: boolean): Record<string, RpcMethod<McpCall>> {
  const readOnly: McpTool[] = [...MACHINE_TOOLS, ...HISTORY_TOOLS];
  const all = mutable ? [...readOnly, ...MUTATING_TOOLS] : readOnly;
  const toolsFor = (call: McpCall) => (call.mutate ? all : readOnly);
  const maxChars = ctx.maxChars ?? 16_000;

  async function runTool(tool: McpTool, args: Json): Promise<Json> {
    try {
      const r = await tool.run(ctx, args);
      return toolResult(r.text, r.data, !!r.isError, maxChars);
    } catch (e) {
      // bad arguments and unknown machines or cursors are the agent's to fix
      if (e instanceof McpToolError || (e instanceof Error && e.name === "DbgHubError")) {
        return toolResult(e.message, undefined, true, maxChars);
      }
      throw e;
    }
  }

  const byName = (name: string) => all.find((t) => t.name === name)!;

  return {
    initialize: {
      run(p) {
        const asked = paramsOf(p).protocolVersion;
        const version = typeof asked === "string" && MCP_PROTOCOL_VERSIONS.includes(asked)
          ? asked
          : MCP_PROTOCOL_VERSIONS[0];
        return {
          protocolVersion: version,
          capabilities: { tools: { listChanged: false }, resources: { listChanged: true } },
          serverInfo: { name: "am-telemetry-dbg", version: "0.1.0" },
          instructions: INSTRUCTIONS,
        };
      },
    },
    ping: { run: () => ({}) },
    "notifications/initialized": { run: () => ({}) },
    "notifications/cancelled": { run: () => ({}) },
    "tools/list": {
      run: (_p, call) => ({
        tools: toolsFor(call).map((t) => ({
          name: t.name,
          description: t.description,
          inputSchema: t.inputSchema,
          annotations: { readOnlyHint: !t.mutates },
        })),
      }),
    },
    "tools/call": {
      run(p, call) {
        const { name, arguments: args = {} } = paramsOf(p);
        const tool = toolsFor(call).find((t) => t.name === name);
        if (!tool) {
          throw new RpcError(
            RPC_ERRORS.invalidParams,
            `unknown tool: ${String(name).slice(0, 100)}`,
          );
        }
        if (typeof args !== "object" || args === null || Array.isArray(args)) {
          throw new RpcError(RPC_ERRORS.invalidParams, "arguments must be an object");
        }
        return runTool(tool, args as Json);
      },
    },
    "resources/list": {
      async run(p) {
        const cursor = paramsOf(p).cursor;
        const offset = typeof cursor === "string" ? Number(cursor) : 0;
        if (!Number.isInteger(offset) || offset < 0) {
          throw new RpcError(RPC_ERRORS.invalidParams, "bad cursor");
        }
        const machines = await ctx.hub.machines();
        const page = machines.slice(offset, offset + 100);
        const resources = [
          ...(offset
            ? []
            : [{ uri: "amdbg://machines", name: "machines", mimeType: "text/plain" }]),
          ...page.map((m) => ({
            uri: `amdbg://machine/${encodeURIComponent(m.id)}/schema`,
            name: `${m.id} schema`,
            mimeType: "text/plain",
          })),
        ];
        const more = offset + page.length < machines.length;
        return { resources, ...(more ? { nextCursor: String(offset + 100) } : {}) };
      },
    },
    "resources/templates/list": {
      run: () => ({
        resourceTemplates: [
          { uriTemplate: "amdbg://machine/{id}/schema", name: "schema", mimeType: "text/plain" },
          { uriTemplate: "amdbg://machine/{id}/states", name: "states", mimeType: "text/plain" },
        ],
      }),
    },
    "resources/read": {
      async run(p) {
        const uri = String(paramsOf(p).uri ?? "");
        const m = /^amdbg:\/\/machine\/([^/]+)\/(schema|states)$/.exec(uri);
        const [tool, args] = uri === "amdbg://machines"
          ? [byName("list_machines"), {}]
          : m
          ? [byName(m[2] === "schema" ? "machine_schema" : "states_at"), {
            id: decodeURIComponent(m[1]),
          }]
          : [undefined, {}];
        // -32002: MCP's "resource not found"
        if (!tool) throw new RpcError(-32002, `resource not found: ${uri.slice(0, 200)}`);
        const r = await runTool(tool, args);
        if (r.isError) throw new RpcError(-32002, String((r.content as Json[])[0].text));
        return { contents: [{ uri, mimeType: "text/plain", text: (r.content as Json[])[0].text }] };
      },
    },
  };
}

/** GET /mcp: the server-to-client stream, saying when the machine list changes. */
function notifications(
  hub: DbgHub,
  headers: Record<string, string>,
  lifetimeMs: number,
): Response {
  let unsubscribe = () => {};
  let timer: ReturnType<typeof setInterval> | undefined;
  let end: ReturnType<typeof setTimeout> | undefined;
  const enc = new TextEncoder();
  const note = enc.encode(
    `event: message\ndata: ${
      JSON.stringify({ jsonrpc: "2.0", method: "notifications/resources/list_changed" })
    }\n\n`,
  );
  const stop = () => {
    unsubscribe();
    clearInterval(timer);
    clearTimeout(end);
  };
  const body = new ReadableStream<Uint8Array>({
    start(ctrl) {
      // a client that stops reading misses hints, and never grows a buffer
      const send = (b: Uint8Array) => (ctrl.desiredSize ?? 0) > 0 && ctrl.enqueue(b);
      unsubscribe = hub.subscribe((e) => {
        if (e.kind !== "tx") send(note);
      });
      timer = setInterval(() => send(enc.encode(": keep-alive\n\n")), 10_000);
      // a bounded life: a client gone unnoticed can't hold the stream (or a
      // server's graceful shutdown) for ever; MCP clients reconnect
      end = setTimeout(() => {
        stop();
        ctrl.close();
      }, lifetimeMs);
      send(enc.encode(": open\n\n"));
    },
    cancel: stop,
  }, { highWaterMark: 16 });
  return new Response(body, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-store", ...headers },
  });
}

/**
 * The MCP endpoint over a hub, as a route: `dbgHandler` mounts it at `/mcp`
 * behind its token and CORS checks. Reads need the read right; the
 * mutating tools (only with `machine` and a configured token) need ingest.
 *
 * @example Through dbgHandler, which mounts it
 * ```ts
 * import { dbgHandler, DbgHub } from "@asyncmachine/telemetry/dbg";
 * const handler = dbgHandler(new DbgHub(), { mcp: { maxChars: 8000 } });
 * const res = await handler(
 *   new Request("http://x/mcp", {
 *     method: "POST",
 *     body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
 *   }),
 * );
 * (await res.json()).result; // {}
 * ```
 */
export function dbgMcpRoute(hub: DbgHub, opts: DbgMcpRouteOptions = {}): DbgRoute {
  const ctx: McpToolContext = {
    hub,
    machine: opts.machine,
    maxChars: opts.maxChars ?? 16_000,
    scanBudget: opts.scanBudget ?? 5000,
  };
  const mutable = !!opts.machine && !!opts.tokenConfigured;
  const methods = mcpMethods(ctx, mutable);
  const streamMs = opts.streamLifetimeMs ?? 30_000;
  const post = withBodyLimit(
    opts.body ?? { maxBytes: 1 << 20, timeoutMs: 10_000 },
    async (_req, rctx, bytes) => {
      let body: unknown;
      try {
        body = JSON.parse(new TextDecoder().decode(bytes));
      } catch {
        return jsonResponse(
          rpcErrorReply(null, RPC_ERRORS.parse, "parse error: the body is not JSON"),
          400,
          rctx.headers,
        );
      }
      const reply = await dispatchRpc(body, methods, { mutate: mutable && rctx.canIngest }, {
        maxBatch: 100,
      });
      return reply === undefined
        ? new Response(null, { status: 202, headers: rctx.headers })
        : jsonText(reply, 200, rctx.headers);
    },
  );
  return async (req, rctx) => {
    const h = rctx.headers;
    if (!rctx.canRead) {
      await req.body?.cancel().catch(() => {});
      return errorResponse(403, "reading is not allowed", h);
    }
    const version = req.headers.get("mcp-protocol-version");
    if (version && !MCP_PROTOCOL_VERSIONS.includes(version)) {
      await req.body?.cancel().catch(() => {});
      const msg = `unsupported MCP-Protocol-Version ${version.slice(0, 40)}`;
      return jsonResponse(rpcErrorReply(null, RPC_ERRORS.invalidRequest, msg), 400, h);
    }
    if (req.method === "GET") {
      return (req.headers.get("accept") ?? "").includes("text/event-stream")
        ? notifications(hub, h, streamMs)
        : errorResponse(406, "GET /mcp streams text/event-stream", h);
    }
    if (req.method === "POST") return await post(req, rctx);
    await req.body?.cancel().catch(() => {});
    return errorResponse(405, "POST MCP requests, GET the stream", { allow: "GET, POST", ...h });
  };
}
