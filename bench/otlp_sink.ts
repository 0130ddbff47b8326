// A loopback OTLP/HTTP sink for Deno's built-in exporter: counts the spans
// of each protobuf ExportTraceServiceRequest (walking the wire format:
// resource_spans = 1 → scope_spans = 2 → spans = 2) of one instrumentation
// scope, and the bytes received.

/** Reads a varint at `p`; returns [value, next position]. */
function varint(b: Uint8Array, p: number): [number, number] {
  let v = 0;
  let shift = 1;
  for (;;) {
    const byte = b[p++];
    v += (byte & 0x7f) * shift;
    if (byte < 0x80) return [v, p];
    shift *= 128;
  }
}

/** Calls `fn(start, end)` for each length-delimited field `field` in b[start, end). */
function eachField(
  b: Uint8Array,
  start: number,
  end: number,
  field: number,
  fn: (s: number, e: number) => void,
): void {
  let p = start;
  while (p < end) {
    const [tag, q] = varint(b, p);
    p = q;
    const wire = tag & 7;
    if (wire === 0) p = varint(b, p)[1];
    else if (wire === 1) p += 8;
    else if (wire === 5) p += 4;
    else if (wire === 2) {
      const [len, r] = varint(b, p);
      if (tag >>> 3 === field) fn(r, r + len);
      p = r + len;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
}

const decoder = new TextDecoder();

/**
 * Spans of instrumentation scope `scope` in one ExportTraceServiceRequest
 * (protobuf); Deno's own spans (fetch, serve) have other scopes.
 */
export function countSpans(b: Uint8Array, scope: string): number {
  let n = 0;
  eachField(b, 0, b.length, 1, (rs, re) =>
    eachField(b, rs, re, 2, (ss, se) => {
      // ScopeSpans.scope = 1 → InstrumentationScope.name = 1
      let name = "";
      eachField(b, ss, se, 1, (is, ie) =>
        eachField(b, is, ie, 1, (ns, ne) =>
          name = decoder.decode(b.subarray(ns, ne))));
      if (name === scope) {
        eachField(b, ss, se, 2, () =>
          n++);
      }
    }));
  return n;
}

/**
 * A sink on loopback: POST /v1/* is taken, GET /count answers `{spans,
 * bytes}` (spans of the "asyncmachine" scope).
 */
export function otlpSink(): { url: string; server: Deno.HttpServer<Deno.NetAddr> } {
  let spans = 0;
  let bytes = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = new URL(req.url).pathname;
    if (req.method === "GET" && path === "/count") return Response.json({ spans, bytes });
    const body = new Uint8Array(await req.arrayBuffer());
    bytes += body.length;
    if (path === "/v1/traces") spans += countSpans(body, "asyncmachine");
    return new Response(null, { status: 200 });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, server };
}
