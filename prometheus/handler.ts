/**
 * A `(Request) => Response` handler serving a registry in the exposition
 * format the scraper asks for, for `Deno.serve` and `export default { fetch }`.
 *
 * @module
 */

import type { Format } from "./metric.ts";
import {
  defaultRegistry,
  OPENMETRICS_CONTENT_TYPE,
  type Registry,
  TEXT_CONTENT_TYPE,
} from "./registry.ts";

/** Options of {@linkcode metricsHandler}. */
export interface MetricsHandlerOptions {
  /** Only answer this path (e.g. "/metrics"); others get 404. Any path by default. */
  path?: string;
  /** Compress with gzip when the client accepts it; default true. */
  gzip?: boolean;
}

interface Accepted {
  type: string;
  q: number;
}

function parseAccept(header: string): Accepted[] {
  return header.split(",").map((part) => {
    const [type, ...params] = part.trim().split(";");
    let q = 1;
    for (const p of params) {
      const [k, v] = p.trim().split("=");
      if (k === "q") q = Number(v);
    }
    return { type: type.trim().toLowerCase(), q: Number.isFinite(q) ? q : 0 };
  });
}

/**
 * A stream of one chunk: Response copies a Uint8Array body (and Blob its
 * parts), a stream's chunks it takes as they are; the bytes are ours alone.
 */
function oneChunk(bytes: Uint8Array<ArrayBuffer>): ReadableStream<Uint8Array<ArrayBuffer>> {
  return new ReadableStream({
    start(c) {
      c.enqueue(bytes);
      c.close();
    },
  });
}

/**
 * Picks the exposition format from an Accept header: OpenMetrics when asked
 * for (and preferred), else text 0.0.4; undefined when neither is acceptable.
 *
 * @example Usage
 * ```ts
 * import { negotiateFormat } from "@asyncmachine/telemetry/prometheus";
 * negotiateFormat("application/openmetrics-text;version=1.0.0,text/plain;q=0.5"); // "openmetrics"
 * ```
 */
export function negotiateFormat(accept: string | null): Format | undefined {
  if (!accept) return "text";
  let om = 0;
  let text = 0;
  for (const { type, q } of parseAccept(accept)) {
    if (type === "application/openmetrics-text") om = Math.max(om, q);
    else if (type === "text/plain" || type === "text/*") text = Math.max(text, q);
    else if (type === "*/*") text = Math.max(text, q * 0.999);
  }
  if (om > 0 && om >= text) return "openmetrics";
  if (text > 0) return "text";
  return undefined;
}

/**
 * Serves the registry's metrics: collects first (bound machine metrics sync),
 * negotiates text 0.0.4 or OpenMetrics 1.0, gzips when accepted. GET and
 * HEAD only (405 otherwise), 406 when no offered format is acceptable.
 *
 * @example With Deno.serve
 * ```ts ignore
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * import { bindPrometheusMetrics, metricsHandler } from "@asyncmachine/telemetry/prometheus";
 * bindPrometheusMetrics(new Machine({ Foo: {} }, { id: "m1" }));
 * Deno.serve({ port: 9100 }, metricsHandler());
 * ```
 */
export function metricsHandler(
  registry?: Registry,
  opts?: MetricsHandlerOptions,
): (req: Request) => Promise<Response> {
  const reg = registry ?? defaultRegistry;
  const path = opts?.path;
  const gzip = opts?.gzip ?? true;
  // the work is synchronous; failures still surface as a rejection
  return (req) => {
    try {
      return Promise.resolve(respond(req));
    } catch (e) {
      return Promise.reject(e);
    }
  };
  function respond(req: Request): Response {
    if (path && new URL(req.url).pathname !== path) {
      return new Response("not found\n", { status: 404 });
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      return new Response("method not allowed\n", {
        status: 405,
        headers: { allow: "GET, HEAD" },
      });
    }
    const format = negotiateFormat(req.headers.get("accept"));
    if (!format) {
      return new Response(
        `not acceptable: offers ${TEXT_CONTENT_TYPE} and ${OPENMETRICS_CONTENT_TYPE}\n`,
        { status: 406 },
      );
    }
    reg.collect();
    const headers = new Headers({
      "content-type": format === "openmetrics" ? OPENMETRICS_CONTENT_TYPE : TEXT_CONTENT_TYPE,
      "vary": "accept, accept-encoding",
    });
    if (req.method === "HEAD") return new Response(null, { headers });
    const body = reg.renderBytes(format);
    headers.set("content-length", String(body.length));
    if (gzip && /\bgzip\b/.test(req.headers.get("accept-encoding") ?? "")) {
      headers.delete("content-length");
      headers.set("content-encoding", "gzip");
      return new Response(oneChunk(body).pipeThrough(new CompressionStream("gzip")), { headers });
    }
    return new Response(oneChunk(body), { headers });
  }
}
