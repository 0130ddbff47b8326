// The demo's wiring for Deno Deploy and `deno serve`: no file system, no
// subprocesses, only HTTP; env access optional.
//
//   deno serve --allow-net --host 127.0.0.1 examples/deploy.ts
//
// Secure by default: with no token, the dbg endpoint refuses ingest and
// reads. `AM_DBG_TOKEN` (where env access exists; `newDeployApp({ token })`
// otherwise) enables remote ingest and token-bearing reads,
// `AM_DBG_PUBLIC_READ=1` lets anyone read, `AM_DBG_CORS=<origin>` turns CORS
// on, `AM_DBG_KV=1` keeps the hub in Deno KV (`Deno.openKv()`: Deploy's
// shared KV, or a local SQLite file with `AM_DBG_KV=<path>`; needs
// `--unstable-kv` outside Deploy).
//
// Deno Deploy exports the OpenTelemetry spans itself (its built-in
// OpenTelemetry); here they go to the global tracer, a no-op elsewhere.

import { trace } from "@opentelemetry/api";
import { readTelemetryConfig } from "@asyncmachine/telemetry";
import { newDeployApp } from "./deploy_app.ts";

const { dbgEndpoint: cfg } = readTelemetryConfig();
const kvAddr = cfg.kv;
const openKv = (Deno as { openKv?: (path?: string) => Promise<Deno.Kv> }).openKv;
const kv = kvAddr && openKv ? await openKv(kvAddr === "1" ? undefined : kvAddr) : undefined;
const app = newDeployApp({
  tracer: trace.getTracer("am-telemetry-deploy"),
  token: cfg.token,
  publicRead: cfg.publicRead,
  cors: cfg.cors,
  kv,
});
// the workload mustn't keep the process alive once the server stops
Deno.unrefTimer(setInterval(() => app.sim.step(), 50));

export default { fetch: app.fetch } satisfies Deno.ServeDefaultExport;
