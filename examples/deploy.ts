// The demo's wiring for Deno Deploy and `deno serve`: no file system, no
// subprocesses, no env access needed, only HTTP.
//
//   deno serve --allow-net examples/deploy.ts
//
// Deno Deploy exports the OpenTelemetry spans itself (its built-in
// OpenTelemetry); here they go to the global tracer, a no-op elsewhere.

import { trace } from "@opentelemetry/api";
import { newApp } from "./app.ts";

const app = newApp({ tracer: trace.getTracer("am-telemetry-deploy"), maxPeers: 4 });
// the workload mustn't keep the process alive once the server stops
Deno.unrefTimer(setInterval(() => app.sim.step(), 50));

export default { fetch: app.fetch } satisfies Deno.ServeDefaultExport;
