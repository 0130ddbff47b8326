/**
 * Debugger telemetry, as asyncmachine-go's `pkg/telemetry/dbg`: schema and
 * transition messages (am-dbg's field names), a {@linkcode DbgTracer}
 * sending them through a transport, a {@linkcode DbgHub} storing them, and
 * {@linkcode dbgHandler}, a `Deno.serve` endpoint with JSON-RPC ingest and
 * queries and a live stream (WebSocket, SSE).
 *
 * @example An endpoint and a machine reporting to it
 * ```ts ignore
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * import { DbgHub, dbgHandler, HubTransport, transitionsToDbg } from "@asyncmachine/telemetry/dbg";
 * const hub = new DbgHub();
 * Deno.serve({ port: 6832 }, dbgHandler(hub));
 * transitionsToDbg(new Machine({ Foo: {} }, { id: "m1" }), new HubTransport(hub));
 * ```
 *
 * @module
 */

export * from "./messages.ts";
export * from "./validate.ts";
export * from "./hub.ts";
export * from "./transport.ts";
export * from "./tracer.ts";
export * from "./handler.ts";
export * from "./http.ts";
export * from "./jsonrpc.ts";
export * from "./hub_rpc.ts";
export * from "./stream.ts";
export * from "./json_safe.ts";
export * from "./gob/mod.ts";
export * from "./wire_types.ts";
export * from "./byte_conn.ts";
export * from "./rpc_client.ts";
export * from "./gob_transport.ts";
export * from "./rpc_server.ts";
export * from "./rpc.ts";
export * from "./recording.ts";
export * from "./ui.ts";
