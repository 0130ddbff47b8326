// The real OTLP path: a script with OTEL_DENO=true exports through Deno's
// built-in OpenTelemetry (OTLP/HTTP JSON) to a local sink; the spans, names
// and parent links arrive. Plus the Jaeger UI file and OTLP JSON exporters.

import { assert, assertEquals } from "@std/assert";
import { Machine } from "../machine/mod.ts";
import { readTelemetryConfig } from "../mod.ts";
import {
  bindOtelEnv,
  JaegerJsonExporter,
  newOtelProvider,
  OtelMachTracer,
  OtlpJsonExporter,
  toOtlpJson,
} from "../otel/mod.ts";

interface OtlpSpan {
  name: string;
  spanId: string;
  traceId: string;
  parentSpanId?: string;
  attributes?: { key: string; value: Record<string, unknown> }[];
}

/** A local OTLP/HTTP sink collecting spans from JSON trace requests. */
function otlpSink() {
  const spans: OtlpSpan[] = [];
  const paths: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = new URL(req.url).pathname;
    paths.push(path);
    if (path === "/v1/traces") {
      const body = await req.json();
      for (const rs of body.resourceSpans ?? []) {
        for (const ss of rs.scopeSpans ?? []) spans.push(...(ss.spans ?? []));
      }
    } else {
      await req.body?.cancel();
    }
    return Response.json({});
  });
  return { spans, paths, server, url: `http://127.0.0.1:${server.addr.port}` };
}

function checkTree(spans: OtlpSpan[]): void {
  const byName = new Map(spans.map((s) => [s.name, s]));
  const parentOf = (name: string) => {
    const p = byName.get(name)?.parentSpanId;
    return spans.find((s) => s.spanId === p)?.name;
  };
  for (
    const name of [
      "mach:0:otlp-parent",
      "0:states",
      "0:transitions",
      "0:submachines",
      "mach:1:otlp-child",
      "0: [add] Start",
      "0: [add] Ready",
      "1:Work [M]",
      "1: [add] Work",
    ]
  ) assert(byName.has(name), `span ${name} exported; got ${spans.map((s) => s.name)}`);
  assertEquals(parentOf("0:states"), "mach:0:otlp-parent");
  assertEquals(parentOf("0: [add] Start"), "0:transitions");
  assertEquals(parentOf("0:submachines"), "mach:0:otlp-parent");
  assertEquals(parentOf("mach:1:otlp-child"), "0:submachines");
  assertEquals(parentOf("1:transitions"), "mach:1:otlp-child");
}

Deno.test("otel OTLP: Deno's built-in OpenTelemetry exports the span tree", async () => {
  const sink = otlpSink();
  try {
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-env", "--allow-net", "tests/fixtures/otel_deno_script.ts"],
      env: {
        OTEL_DENO: "true",
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
        OTEL_SERVICE_NAME: "am-otlp-test",
      },
      stdout: "null",
      stderr: "piped",
    }).output();
    assertEquals(code, 0, new TextDecoder().decode(stderr));
    checkTree(sink.spans);
    assert(sink.paths.includes("/v1/traces"));
  } finally {
    await sink.server.shutdown();
  }
});

Deno.test("otel OTLP: OtlpJsonExporter posts OTLP/JSON without Deno's OTel", async () => {
  const sink = otlpSink();
  try {
    const exporter = new OtlpJsonExporter({ url: sink.url + "/v1/traces" });
    const provider = newOtelProvider("svc", { exporter, denoOtel: false });
    const otel = new OtelMachTracer(provider.tracer);
    const parent = new Machine({ Start: {}, Ready: { auto: true, require: ["Start"] } }, {
      id: "otlp-parent",
      tracers: [otel],
    });
    const child = new Machine({ Work: { multi: true } }, { id: "otlp-child", parent });
    parent.add1("Start");
    child.add1("Work");
    otel.dispose();
    await provider.shutdown();
    checkTree(sink.spans);
    assertEquals(exporter.failures, 0);
  } finally {
    await sink.server.shutdown();
  }
});

Deno.test("otel Jaeger: spans as a Jaeger UI import file", async () => {
  const exporter = new JaegerJsonExporter();
  const provider = newOtelProvider("jaeger-svc", { exporter, simple: true, denoOtel: false });
  const otel = new OtelMachTracer(provider.tracer);
  const m = new Machine({ A: {}, B: { multi: true } }, { id: "j1", tracers: [otel] });
  m.bindHandlers({ AState: () => {} }, { id: "h" });
  m.add1("A");
  m.add1("B");
  m.addErr(new Error("bad"));
  otel.dispose();
  await provider.forceFlush();
  const file = exporter.toJSON();
  assertEquals(Object.keys(file), ["data", "total", "limit", "offset", "errors"]);
  assertEquals(file.data.length, 1);
  const t = file.data[0];
  assertEquals(t.processes, { p1: { serviceName: "jaeger-svc", tags: [] } });
  const byName = new Map(t.spans.map((s) => [s.operationName, s]));
  const tx = byName.get("0: [add] A")!;
  assertEquals(tx.references[0].refType, "CHILD_OF");
  assertEquals(tx.references[0].spanID, byName.get("0:transitions")!.spanID);
  assertEquals(tx.references[1].refType, "FOLLOWS_FROM");
  // the instance span of A: named like its name group, and its child
  const instance = t.spans.find((s) =>
    s.operationName === "0:A" &&
    t.spans.some((g) => g.spanID === s.references[0]?.spanID && g.operationName === "0:A")
  )!;
  assertEquals(tx.references[1].spanID, instance.spanID);
  assert(tx.tags.some((g) => g.key === "accepted" && g.type === "bool" && g.value === true));
  assert(tx.tags.some((g) => g.key === "time_before" && g.type === "int64"));
  assertEquals(tx.logs[0].fields, [
    { key: "event", type: "string", value: "AState" },
    { key: "emitter", type: "string", value: "h" },
  ]);
  const err = byName.get("!0: [add] Exception")!;
  assert(err.tags.some((g) => g.key === "error" && g.value === true));
  assert(err.tags.some((g) => g.key === "otel.status_code" && g.value === "ERROR"));
  for (const s of t.spans) {
    assert(/^[0-9a-f]{16}$/.test(s.spanID));
    assertEquals(s.traceID, t.traceID);
    assert(s.startTime > 1e15 && s.duration >= 0);
  }
});

Deno.test("bindOtelEnv: AM_* settings switch tracing on, dispose flushes, the env stays untouched", async () => {
  const sink = otlpSink();
  const vars: Record<string, string> = {
    AM_SERVICE: "env-svc",
    AM_OTEL_TRACE: "1",
    AM_OTEL_TRACE_TXS: "1",
    AM_OTEL_TRACE_SKIP_STATES: "Skipped",
    OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
  };
  const config = readTelemetryConfig((name) => vars[name]);
  try {
    const mach = new Machine({ A: {}, Skipped: {} }, { id: "env-mach" });
    const child = new Machine({ B: {} }, { id: "env-child", parent: mach });
    // only top-level machines bind
    assertEquals(bindOtelEnv(child, config), undefined);
    const binding = bindOtelEnv(mach, config)!;
    mach.add(["A", "Skipped"]);
    await binding[Symbol.asyncDispose]();
    assertEquals(mach.tracers().length, 0, "detached");
    const names = sink.spans.map((s) => s.name);
    assert(names.includes("root"), names.join());
    assert(names.includes("mach:0:env-mach"));
    assert(names.includes("0: [add] A Skipped"));
    assert(names.includes("0:A"));
    assert(!names.includes("0:Skipped"), "AM_OTEL_TRACE_SKIP_STATES");
    const root = sink.spans.find((s) => s.name === "root")!;
    const mach0 = sink.spans.find((s) => s.name === "mach:0:env-mach")!;
    assertEquals(mach0.parentSpanId, root.spanId);
    // the root's ids are handed over for child processes, never written to the env
    assertEquals(binding.childEnv.AM_OTEL_SPAN_ID, root.spanId);
    assertEquals(binding.childEnv.AM_OTEL_TRACE_ID, root.traceId);
    assertEquals(Deno.env.get("AM_OTEL_SPAN_ID"), undefined);
  } finally {
    await sink.server.shutdown();
  }
});

Deno.test("otel OTLP: attribute values of every API kind, array holes dropped", async () => {
  const exporter = new JaegerJsonExporter();
  const provider = newOtelProvider("attrs", { exporter, simple: true, denoOtel: false });
  provider.tracer.startSpan("a", {
    attributes: { s: "x", i: 3, d: 2.5, b: true, arr: ["p", null, "q", undefined], nums: [1, 1.5] },
  }).end();
  await provider.shutdown();
  const [rs] = toOtlpJson(exporter.spans).resourceSpans as {
    resource: { attributes: { key: string; value: unknown }[] };
    scopeSpans: { spans: { attributes: { key: string; value: unknown }[] }[] }[];
  }[];
  assertEquals(rs.resource.attributes.find((a) => a.key === "service.name")?.value, {
    stringValue: "attrs",
  });
  assertEquals(rs.scopeSpans[0].spans[0].attributes, [
    { key: "s", value: { stringValue: "x" } },
    { key: "i", value: { intValue: "3" } },
    { key: "d", value: { doubleValue: 2.5 } },
    { key: "b", value: { boolValue: true } },
    { key: "arr", value: { arrayValue: { values: [{ stringValue: "p" }, { stringValue: "q" }] } } },
    { key: "nums", value: { arrayValue: { values: [{ intValue: "1" }, { doubleValue: 1.5 }] } } },
  ]);
});
