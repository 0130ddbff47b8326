/**
 * Debugger telemetry, as asyncmachine-go's `pkg/telemetry/dbg`: schema and
 * transition messages (am-dbg's field names), a {@linkcode DbgTracer}
 * sending them through a transport, a {@linkcode DbgHub} storing them, and
 * {@linkcode dbgHandler}, a `Deno.serve` endpoint with JSON-RPC ingest and
 * queries, a live stream (WebSocket, SSE) and a debugger page; am-dbg's own
 * wire (net/rpc over gob, TCP or WebSocket) both ways. Go's gob codec is
 * the `./dbg/gob` entry point.
 *
 * @example An endpoint and a machine reporting to it
 * ```ts
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * import { dbgHandler, DbgHub, HubTransport, transitionsToDbg } from "@asyncmachine/telemetry/dbg";
 * const hub = new DbgHub();
 * const handler = dbgHandler(hub); // Deno.serve(handler) serves /rpc, /stream, /events and /
 * const mach = new Machine({ Foo: {} }, { id: "m1" });
 * await using dbg = transitionsToDbg(mach, new HubTransport(hub));
 * mach.add(["Foo"]);
 * await dbg.flush();
 * const res = await handler(new Request("http://localhost/rpc", {
 *   method: "POST",
 *   body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "machines", params: {} }),
 * }));
 * (await res.json()).result[0].id; // "m1"
 * ```
 *
 * @module
 */

export {
  type DbgMsgGone,
  type DbgMsgSchema,
  type DbgMsgTx,
  fromGoSchema,
  type GoLogEntry,
  type GoState,
  type GoStep,
  msgActiveStates,
  msgCalledStateNames,
  msgClock,
  msgIs,
  msgMutString,
  msgTxString,
  msgUrl,
  schemaMessage,
  toGoSchema,
} from "./messages.ts";
export { parseDbgMsgGone, parseDbgMsgSchema, parseDbgMsgTx } from "./validate.ts";
export * from "./hub.ts";
export * from "./transport.ts";
export * from "./tracer.ts";
export { dbgHandler, type DbgHandlerOptions } from "./handler.ts";
export type { AccessOptions, DbgAccess, DbgContext, DbgRoute } from "./http.ts";
export type { DbgStreamOptions } from "./stream.ts";
export { RPC_ERRORS } from "./jsonrpc.ts";
export * from "./bind.ts";
export * from "./transport_registry.ts";
export * from "./wire_types.ts";
export * from "./byte_conn.ts";
export { NetRpcClient } from "./rpc_client.ts";
export * from "./gob_transport.ts";
export { NetRpcServer, type NetRpcServerOptions, serveNetRpc } from "./rpc_server.ts";
export * from "./rpc.ts";
export * from "./recording.ts";
export * from "./ui.ts";
export * from "./ui/routes.ts";
export * from "./stream_client.ts";
export { type DbgMcpOptions, MCP_PROTOCOL_VERSIONS } from "./mcp.ts";
export type { McpMutable } from "./mcp_tool.ts";
export { explainTx, explanationText, stepSentence, type TxExplanation } from "./explain.ts";
