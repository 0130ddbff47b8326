// The whole thing working: `deno task demo --duration 5` serves every
// endpoint and writes a valid Jaeger file with the span tree;
// `deno serve --allow-net examples/deploy.ts` works with no other permission.

import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { GobRpcTransport } from "../dbg/mod.ts";
import type { JaegerFile } from "../otel/mod.ts";
import { freePort, poll, readUntil } from "./peers.ts";

Deno.test("demo: every endpoint answers; the trace file is Jaeger JSON with the span tree", async () => {
  const traces = await Deno.makeTempFile({ suffix: ".json" });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "demo", "--duration", "5", "--port", "0", "--traces", traces],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const out = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const [, base] = await readUntil(out, /demo on (http:\/\/127\.0\.0\.1:\d+)/);
  const logs = (async () => {
    let rest = "";
    for (;;) {
      const { done, value } = await out.read();
      if (done) return rest;
      rest += value;
    }
  })();

  // Prometheus, text and OpenMetrics
  const metrics = await poll(
    async () => {
      const t = await (await fetch(`${base}/metrics`)).text();
      return /am_transitions_total\{mach_id="sim"\} [1-9]/.test(t) ? t : undefined;
    },
    10_000,
    200,
  );
  assertStringIncludes(metrics, "# TYPE am_queue_size gauge");
  const om = await fetch(`${base}/metrics`, {
    headers: { accept: "application/openmetrics-text" },
  });
  assert((await om.text()).endsWith("# EOF\n"));

  // dbg JSON-RPC
  const rpc = await (await fetch(`${base}/rpc`, {
    method: "POST",
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "machines" }),
  })).json();
  const ids = rpc.result.map((m: { id: string }) => m.id);
  assert(ids.includes("sim") && ids.some((id: string) => id.startsWith("sim-p")), ids.join());

  // SSE and WebSocket streams
  const sse = await fetch(`${base}/events?since=0`);
  const sseReader = sse.body!.pipeThrough(new TextDecoderStream()).getReader();
  await readUntil(sseReader, /event: (schema|tx)\n/);
  await sseReader.cancel();
  const ws = new WebSocket(`${base.replace("http", "ws")}/stream`);
  const frame = await new Promise<{ kind: string }>((resolve, reject) => {
    ws.onmessage = (e) => {
      const f = JSON.parse(e.data);
      if (f.kind) resolve(f); // after the hello frame
    };
    ws.onerror = () => reject(new Error("websocket failed"));
  });
  assert(["schema", "tx"].includes(frame.kind));
  await new Promise<void>((resolve) => {
    ws.onclose = () => resolve();
    ws.close();
  });

  // am-dbg's wire on /dbg.ws: a "Go" machine shows up
  const gob = new GobRpcTransport(`${base.replace("http", "ws")}/dbg.ws`);
  await gob.send([{
    method: "DbgMsgSchema",
    params: { ID: "go-visitor", StatesIndex: ["A"], States: { A: {} } },
  }]);
  await gob.close();
  const after = await (await fetch(`${base}/rpc`, {
    method: "POST",
    body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "schema", params: { id: "go-visitor" } }),
  })).json();
  assertEquals(after.result.StatesIndex, ["A"]);

  const status = await child.status;
  assertEquals(status.code, 0);
  assertStringIncludes(await logs, "stopped after");

  // the Jaeger UI import file, with upstream's span tree
  const file = JSON.parse(await Deno.readTextFile(traces)) as JaegerFile;
  await Deno.remove(traces);
  assert(file.data.length >= 1);
  const t = file.data.find((d) => d.spans.some((s) => s.operationName === "mach:0:sim"))!;
  assert(/^[0-9a-f]{32}$/.test(t.traceID));
  assertEquals(Object.values(t.processes)[0].serviceName, "am-telemetry-demo");
  const byId = new Map(t.spans.map((s) => [s.spanID, s]));
  const parentName = (name: string) => {
    const s = t.spans.find((x) => x.operationName === name)!;
    const ref = s.references.find((r) => r.refType === "CHILD_OF");
    return ref ? byId.get(ref.spanID)?.operationName : undefined;
  };
  assertEquals(parentName("0:states"), "mach:0:sim");
  assertEquals(parentName("0:transitions"), "mach:0:sim");
  assertEquals(parentName("0:submachines"), "mach:0:sim");
  const peer = t.spans.find((s) => /^mach:\d+:sim-p\d+$/.test(s.operationName))!;
  assertEquals(parentName(peer.operationName), "0:submachines");
  assert(t.spans.some((s) => s.operationName.startsWith("0: [add] ")));
  assert(t.spans.every((s) => s.processID === "p1" && s.duration >= 0));
});

Deno.test("deploy: `deno serve --allow-net` serves metrics and dbg with no other permission", async () => {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["serve", "--allow-net", "--port", String(port), "examples/deploy.ts"],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  try {
    const metrics = await poll(
      async () => {
        const res = await fetch(`http://127.0.0.1:${port}/metrics`);
        const text = await res.text();
        return /am_transitions_total\{mach_id="sim"\} [1-9]/.test(text) ? text : undefined;
      },
      20_000,
      200,
    );
    assertStringIncludes(metrics, "am_states");
    // the dbg endpoint is locked without a token (tests/dbg_deploy_test.ts opens it)
    const rpc = await fetch(`http://127.0.0.1:${port}/rpc`, {
      method: "POST",
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "txs",
        params: { id: "sim", limit: 5 },
      }),
    });
    await rpc.body?.cancel();
    assertEquals(rpc.status, 401);
  } finally {
    child.kill("SIGKILL");
    const { stderr } = await child.output();
    const err = new TextDecoder().decode(stderr);
    assert(!/PermissionDenied|NotCapable|Requires .* access/.test(err), err);
  }
});
