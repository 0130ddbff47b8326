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

// binding a machine, and where its messages go
export { transitionsToDbg } from "./bind.ts";
export { DbgTracer, type DbgTracerOptions } from "./tracer.ts";
export {
  type DbgMessage,
  type DbgTransport,
  HttpDbgTransport,
  type HttpDbgTransportOptions,
  HubTransport,
} from "./transport.ts";
export { GobRpcTransport, type GobRpcTransportOptions } from "./gob_transport.ts";
export { type DbgTransportFactory, registerDbgTransport } from "./transport_registry.ts";

// the messages (am-dbg's field names) and upstream's DbgMsgTx methods, as functions
export type {
  DbgMsgGone,
  DbgMsgSchema,
  DbgMsgTx,
  GoLogEntry,
  GoState,
  GoStep,
} from "./messages.ts";
export {
  msgActiveStates,
  msgCalledStateNames,
  msgClock,
  msgIs,
  msgMutString,
  msgTxString,
  msgUrl,
} from "./messages.ts";

// the hub and the endpoint serving it
export { DbgHub } from "./hub.ts";
export {
  DbgHubError,
  type DbgHubOptions,
  type HubEvent,
  type HubListener,
  type MachineInfo,
  type SincePage,
  type SinceQuery,
  type TxPage,
  type TxQuery,
} from "./hub_types.ts";
export type { HubStats } from "./hub_store.ts";
export { dbgHandler, type DbgHandlerOptions } from "./handler.ts";
export type { AccessOptions, DbgAccess, DbgContext, DbgRoute } from "./http.ts";
export type { DbgStreamOptions } from "./stream.ts";
export type { DbgMcpOptions } from "./mcp.ts";
export type { McpMutable } from "./mcp_tool.ts";
export { type DbgFollower, type DbgFollowOptions, followDbgStream } from "./stream_client.ts";

// am-dbg's wire the other way (Go machines in), and its recordings
export { listenDbgTcp, type ListenDbgTcpOptions } from "./rpc.ts";
export type { NetRpcServerOptions } from "./rpc_server.ts";
export {
  exportDbgRecording,
  importDbgRecording,
  type ImportDbgRecordingOptions,
  type RecordingStats,
} from "./recording.ts";

// a transition in words (what MCP's explain_transition answers)
export { explainTx, explanationText, type TxExplanation } from "./explain.ts";
