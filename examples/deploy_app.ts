// The Deno Deploy example's wiring, secure by default (no side effects here;
// examples/deploy.ts runs it):
// - ingest (`DbgMsg*` over /rpc, /dbg.ws) only with a token;
// - reads (the page, queries, streams) only with the token, or by anyone when
//   `publicRead` says so;
// - CORS off unless `cors` asks.
// With a `kv`, the dbg hub lives in Deno KV: every isolate (and region) of the
// deployment serves the same machines and history.

import type { OtelTracer } from "../mod.ts";
import { DbgHub } from "../dbg/mod.ts";
import { type App, newApp } from "./app.ts";

/** How the deploy example is exposed. */
export interface DeployOptions {
  /** Bearer token: enables remote ingest, and reads with it. */
  token?: string;
  /** Anyone may read (page, queries, streams); ingest still needs the token. */
  publicRead?: boolean;
  /** Allowed origin(s) for CORS; off by default. */
  cors?: boolean | string;
  /** Keep the dbg hub in this KV (shared by every isolate opening it). */
  kv?: Deno.Kv;
  /** The tracer for OpenTelemetry spans. */
  tracer?: OtelTracer;
}

/** The app with the endpoint locked down as the options say. */
export function newDeployApp(opts: DeployOptions = {}): App {
  const token = opts.token || undefined;
  return newApp({
    tracer: opts.tracer,
    maxPeers: 4,
    hub: opts.kv ? new DbgHub({ kv: opts.kv, maxTxsPerMachine: 5000 }) : undefined,
    endpoint: {
      token,
      read: opts.publicRead ? "public" : token ? "token" : "none",
      ingest: token ? "token" : "none",
      cors: opts.cors ?? false,
    },
  });
}
