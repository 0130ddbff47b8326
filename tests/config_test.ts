// One config module: every AM_*/OTEL_* variable read in internal/config.ts,
// permission-safe, into a typed config; nothing else reads or writes the env.

import { assert, assertEquals } from "@std/assert";
import { readTelemetryConfig } from "../mod.ts";

Deno.test("config: every variable, typed and validated", () => {
  const env: Record<string, string> = {
    AM_SERVICE: "svc",
    AM_HOSTNAME: "h1",
    AM_LOG: "4",
    AM_LOG_PRINT: "1",
    AM_DBG_ADDR: "1",
    AM_DBG_TRACE: "1",
    AM_RPC_DBG: "1",
    AM_PROM_PUSH_URL: "http://gw:9091",
    AM_GRAFANA_URL: "http://g:3000",
    AM_GRAFANA_TOKEN: "t",
    AM_LOKI_ADDR: "loki:3100",
    AM_OTEL_TRACE: "1",
    AM_OTEL_TRACE_TXS: "1",
    AM_OTEL_TRACE_ARGS: "1",
    AM_OTEL_TRACE_NOAUTO: "1",
    AM_OTEL_TRACE_ALLOW_STATES: "A, m:B,",
    AM_OTEL_TRACE_SKIP_STATES_RE: "^x",
    AM_OTEL_TRACE_ID: "0af7651916cd43dd8448eb211c80319c",
    AM_OTEL_SPAN_ID: "b7ad6b7169203331",
    OTEL_DENO: "true",
    OTEL_EXPORTER_OTLP_ENDPOINT: "http://otel:4318/",
    AM_DBG_TOKEN: "s3cret",
    AM_DBG_PUBLIC_READ: "1",
    AM_DBG_CORS: "https://app.example",
    AM_DBG_KV: "1",
  };
  const c = readTelemetryConfig((name) => env[name]);
  assertEquals(c.service, "svc");
  assertEquals(c.logLevel, 4);
  assertEquals(c.logPrint, true);
  assertEquals(c.dbgStackTraces, true);
  assertEquals(c.rpcDbg, true);
  assertEquals(c.lokiUrl, "http://loki:3100");
  assertEquals(c.otel.allowStates, ["A", "m:B"]);
  assertEquals(c.otel.skipStatesRe, "^x");
  assertEquals(c.otel.parent?.spanId, "b7ad6b7169203331");
  assertEquals(c.otel.denoOtel, true);
  assertEquals(c.otel.tracesEndpoint, "http://otel:4318/v1/traces");
  assertEquals(c.dbgEndpoint, {
    token: "s3cret",
    publicRead: true,
    cors: "https://app.example",
    kv: "1",
  });
  // AM_DBG_NO_TRACE wins; bad values read as unset
  const c2 = readTelemetryConfig((name) =>
    ({ AM_DBG_TRACE: "1", AM_DBG_NO_TRACE: "1", AM_LOG: "9", AM_OTEL_TRACE_ID: "xyz" })[name]
  );
  assertEquals(c2.dbgStackTraces, false);
  assertEquals(c2.logLevel, undefined);
  assertEquals(c2.otel.parent, undefined);
  assertEquals(c2.dbgEndpoint.publicRead, false);
  assertEquals(c2.dbgEndpoint.token, undefined);
});

Deno.test("config: only internal/config.ts reads the env, and no runtime module writes it", async () => {
  const runtime: string[] = [];
  const walk = async (dir: string) => {
    for await (const e of Deno.readDir(new URL(`../${dir}`, import.meta.url))) {
      const path = `${dir}${e.name}`;
      if (e.isDirectory) await walk(`${path}/`);
      else if (e.name.endsWith(".ts")) runtime.push(path);
    }
  };
  for (const dir of ["machine/", "prometheus/", "otel/", "dbg/", "loki/", "internal/"]) {
    await walk(dir);
  }
  runtime.push("mod.ts", "env.ts");
  const offenders: string[] = [];
  for (const path of runtime) {
    const src = await Deno.readTextFile(new URL(`../${path}`, import.meta.url));
    const reads = /Deno\.env\b|\bgetEnv\(/.test(src);
    if (reads && path !== "internal/config.ts" && path !== "internal/env.ts") offenders.push(path);
    if (/Deno\.env\.(set|delete)\(/.test(src)) offenders.push(`${path} (writes)`);
  }
  assertEquals(offenders, []);
  assert(runtime.length > 30);
});
