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
  /** Largest request body; default 1 MiB. */
  maxBodyBytes?: number;
}

type Json = Record<string, unknown>;

const rpcResult = (id: unknown, result: unknown): Json => ({ jsonrpc: "2.0", id, result });
const rpcError = (id: unknown, code: number, message: string): Json => ({
  jsonrpc: "2.0",
  id: id ?? null,
  error: { code, message },
});

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

const INSTRUCTIONS =
  "An asyncmachine debugger hub: state machines with their schemas and transition histories. " +
  "Start with list_machines, then machine_schema, list_transitions (filters: canceled, auto, " +
  "state, error) and explain_transition for why a transition was canceled or what it changed. " +
  "Positions are per-machine transition cursors; pages continue with `cursor`.";

/** Reads a body of at most `max` bytes; undefined past it. */
async function readText(req: Request, max: number): Promise<string | undefined> {
  if (Number(req.headers.get("content-length") ?? 0) > max) {
    await req.body?.cancel();
    return undefined;
  }
  const reader = req.body?.getReader();
  if (!reader) return "";
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
  return new TextDecoder().decode(await new Blob(chunks).arrayBuffer());
}

function toolResult(text: string, data: Json | undefined, isError: boolean, max: number): Json {
  const out: Json = { content: [{ type: "text", text }] };
  // structured content only while it stays within the answer's bound
  if (data && JSON.stringify(data).length <= max * 4) out.structuredContent = data;
  if (isError) out.isError = true;
  return out;
}

/**
 * The MCP endpoint over a hub, as a `(Request) => Promise<Response>`. Mount it
 * at `/mcp` behind the same token as the other routes (dbgHandler does).
 *
 * @example Usage
 * ```ts
 * import { DbgHub, dbgMcpHandler } from "@asyncmachine/telemetry/dbg";
 * const mcp = dbgMcpHandler(new DbgHub());
 * const res = await mcp(new Request("http://x/mcp", {
 *   method: "POST",
 *   headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
 *   body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
 * }));
 * (await res.json()).result; // {}
 * ```
 */
export function dbgMcpHandler(
  hub: DbgHub,
  opts: DbgMcpOptions = {},
): (req: Request) => Promise<Response> {
  const ctx: McpToolContext = {
    hub,
    machine: opts.machine,
    maxChars: opts.maxChars ?? 16_000,
    scanBudget: opts.scanBudget ?? 5000,
  };
  const tools: McpTool[] = [...MACHINE_TOOLS, ...HISTORY_TOOLS];
  if (opts.machine) tools.push(...MUTATING_TOOLS);
  const byName = new Map(tools.map((t) => [t.name, t]));
  const maxBody = opts.maxBodyBytes ?? 1 << 20;
  const maxChars = ctx.maxChars!;

  async function callTool(id: unknown, p: Json): Promise<Json> {
    const tool = typeof p.name === "string" ? byName.get(p.name) : undefined;
    if (!tool) return rpcError(id, -32602, `unknown tool: ${String(p.name).slice(0, 100)}`);
    const args = p.arguments ?? {};
    if (typeof args !== "object" || args === null || Array.isArray(args)) {
      return rpcError(id, -32602, "arguments must be an object");
    }
    try {
      const r = await tool.run(ctx, args as Json);
      return rpcResult(id, toolResult(r.text, r.data, !!r.isError, maxChars));
    } catch (e) {
      // bad arguments and unknown machines/cursors are the agent's to fix
      const msg = e instanceof Error ? e.message : String(e);
      if (e instanceof McpToolError || (e instanceof Error && e.name === "DbgHubError")) {
        return rpcResult(id, toolResult(msg, undefined, true, maxChars));
      }
      return rpcError(id, -32603, `tool ${tool.name} failed: ${msg}`);
    }
  }

  async function readResource(id: unknown, p: Json): Promise<Json> {
    const uri = typeof p.uri === "string" ? p.uri : "";
    let tool: McpTool | undefined;
    let args: Json = {};
    const m = /^amdbg:\/\/machine\/([^/]+)\/(schema|states)$/.exec(uri);
    if (uri === "amdbg://machines") tool = byName.get("list_machines");
    else if (m) {
      tool = byName.get(m[2] === "schema" ? "machine_schema" : "states_at");
      args = { id: decodeURIComponent(m[1]) };
    }
    if (!tool) return rpcError(id, -32002, `resource not found: ${uri.slice(0, 200)}`);
    try {
      const r = await tool.run(ctx, args);
      return rpcResult(id, { contents: [{ uri, mimeType: "text/plain", text: r.text }] });
    } catch (e) {
      return rpcError(id, -32002, e instanceof Error ? e.message : String(e));
    }
  }

  async function listResources(id: unknown, p: Json): Promise<Json> {
    const offset = typeof p.cursor === "string" ? Number(p.cursor) : 0;
    if (!Number.isInteger(offset) || offset < 0) return rpcError(id, -32602, "bad cursor");
    const machines = await hub.machines();
    const page = machines.slice(offset, offset + 100);
    const resources = [
      ...(offset ? [] : [{ uri: "amdbg://machines", name: "machines", mimeType: "text/plain" }]),
      ...page.map((m) => ({
        uri: `amdbg://machine/${encodeURIComponent(m.id)}/schema`,
        name: `${m.id} schema`,
        mimeType: "text/plain",
      })),
    ];
    const more = offset + page.length < machines.length;
    return rpcResult(id, { resources, ...(more ? { nextCursor: String(offset + 100) } : {}) });
  }

  async function dispatch(msg: Json): Promise<Json | undefined> {
    const id = msg.id;
    const isRequest = "id" in msg && typeof msg.method === "string";
    if (
      msg.jsonrpc !== "2.0" ||
      (typeof msg.method !== "string" && !("result" in msg || "error" in msg))
    ) {
      return rpcError(id, -32600, "invalid request: expected a JSON-RPC 2.0 message");
    }
    if (!isRequest) return undefined; // notifications and responses get 202
    if (typeof id !== "string" && typeof id !== "number") {
      return rpcError(null, -32600, "invalid request: id must be a string or a number");
    }
    const p = msg.params ?? {};
    if (typeof p !== "object" || p === null || Array.isArray(p)) {
      return rpcError(id, -32602, "params must be an object");
    }
    const params = p as Json;
    switch (msg.method) {
      case "initialize": {
        const asked = params.protocolVersion;
        const version = typeof asked === "string" && MCP_PROTOCOL_VERSIONS.includes(asked)
          ? asked
          : MCP_PROTOCOL_VERSIONS[0];
        return rpcResult(id, {
          protocolVersion: version,
          capabilities: { tools: { listChanged: false }, resources: { listChanged: true } },
          serverInfo: { name: "am-telemetry-dbg", version: "0.1.0" },
          instructions: INSTRUCTIONS,
        });
      }
      case "ping":
        return rpcResult(id, {});
      case "tools/list":
        return rpcResult(id, {
          tools: tools.map((t) => ({
            name: t.name,
            description: t.description,
            inputSchema: t.inputSchema,
            annotations: { readOnlyHint: !t.mutates },
          })),
        });
      case "tools/call":
        return await callTool(id, params);
      case "resources/list":
        return await listResources(id, params);
      case "resources/templates/list":
        return rpcResult(id, {
          resourceTemplates: [
            { uriTemplate: "amdbg://machine/{id}/schema", name: "schema", mimeType: "text/plain" },
            { uriTemplate: "amdbg://machine/{id}/states", name: "states", mimeType: "text/plain" },
          ],
        });
      case "resources/read":
        return await readResource(id, params);
      default:
        return rpcError(id, -32601, `method not found: ${String(msg.method).slice(0, 100)}`);
    }
  }

  function stream(): Response {
    let unsubscribe = () => {};
    let timer = 0;
    const enc = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(ctrl) {
        const send = (text: string) => {
          // a client that stops reading misses hints, never grows a buffer
          if ((ctrl.desiredSize ?? 0) > 0) ctrl.enqueue(enc.encode(text));
        };
        let known = -1;
        unsubscribe = hub.subscribe((e) => {
          if (e.kind === "tx" || known === e.seq) return;
          known = e.seq;
          send(
            `event: message\ndata: ${
              JSON.stringify({ jsonrpc: "2.0", method: "notifications/resources/list_changed" })
            }\n\n`,
          );
        });
        timer = setInterval(() => send(": keep-alive\n\n"), 15_000);
      },
      cancel() {
        unsubscribe();
        clearInterval(timer);
      },
    }, { highWaterMark: 16 });
    return new Response(body, {
      headers: { "content-type": "text/event-stream", "cache-control": "no-store" },
    });
  }

  return async (req: Request): Promise<Response> => {
    const version = req.headers.get("mcp-protocol-version");
    if (version && !MCP_PROTOCOL_VERSIONS.includes(version)) {
      return json(
        rpcError(null, -32600, `unsupported MCP-Protocol-Version ${version.slice(0, 40)}`),
        400,
      );
    }
    if (req.method === "GET") {
      const accept = req.headers.get("accept") ?? "";
      return accept.includes("text/event-stream")
        ? stream()
        : json(rpcError(null, -32600, "GET /mcp needs Accept: text/event-stream"), 406);
    }
    if (req.method !== "POST") {
      return new Response(null, { status: 405, headers: { allow: "GET, POST" } });
    }
    const text = await readText(req, maxBody);
    if (text === undefined) return json(rpcError(null, -32600, `body over ${maxBody} bytes`), 413);
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      return json(rpcError(null, -32700, "parse error: the body is not JSON"), 400);
    }
    if (typeof msg !== "object" || msg === null || Array.isArray(msg)) {
      return json(rpcError(null, -32600, "invalid request: one JSON-RPC message per POST"), 400);
    }
    const out = await dispatch(msg as Json);
    return out ? json(out) : new Response(null, { status: 202 });
  };
}
