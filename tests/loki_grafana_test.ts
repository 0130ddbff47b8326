// Loki and Grafana against loopback servers that check every request
// against the documented APIs and inject 500s, timeouts and a stalled
// socket: bounded memory, counted drops, a machine that never stalls.

import { assert, assertEquals, assertGreater, assertMatch } from "@std/assert";
import { LogLevel, Machine, Result } from "../machine/mod.ts";
import { bindLokiLogger } from "../loki/mod.ts";
import { dashboardUid, GrafanaSyncTracer, syncGrafanaDashboard } from "../prometheus/mod.ts";

interface LokiPush {
  streams: { stream: Record<string, string>; values: [string, string][] }[];
}

/** A fake Loki: validates pushes; `mode` injects failures. */
function fakeLoki() {
  const pushes: LokiPush[] = [];
  const errors: string[] = [];
  const state = { mode: "ok" as "ok" | "500" | "stall", hits: 0 };
  const stalled: (() => void)[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    state.hits++;
    const url = new URL(req.url);
    if (req.method !== "POST" || url.pathname !== "/loki/api/v1/push") {
      errors.push(`${req.method} ${url.pathname}`);
      return new Response("not found", { status: 404 });
    }
    if (req.headers.get("content-type") !== "application/json") errors.push("content-type");
    const body = await req.json() as LokiPush;
    for (const s of body.streams) {
      if (!s.stream.asyncmachine_id || !s.stream.service_name) errors.push("labels");
      let last = 0n;
      for (const [ts, line] of s.values) {
        if (!/^\d{19}$/.test(ts) || typeof line !== "string") errors.push(`value ${ts}`);
        if (BigInt(ts) < last) errors.push("order");
        last = BigInt(ts);
      }
    }
    if (state.mode === "500") return new Response("injected", { status: 500 });
    if (state.mode === "stall") {
      await new Promise<void>((r) => stalled.push(r));
      return new Response(null, { status: 204 });
    }
    pushes.push(body);
    return new Response(null, { status: 204 });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    pushes,
    errors,
    state,
    async close() {
      for (const r of stalled) r();
      await server.shutdown();
    },
  };
}

function chattyMachine(id: string): Machine {
  return new Machine({ A: {}, B: { require: ["A"] }, Msg: { multi: true } }, {
    id,
    logLevel: LogLevel.Ops,
  });
}

Deno.test("loki: pushes follow the push API; dispose flushes what is left", async () => {
  const loki = fakeLoki();
  const mach = chattyMachine("loki-mach");
  const logger = bindLokiLogger(mach, { url: loki.url, service: "My Service", flushMs: 50 });
  mach.add1("A");
  mach.add1("B");
  mach.log("[error] oh no");
  await logger[Symbol.asyncDispose]();
  assertEquals(loki.errors, []);
  const streams = loki.pushes.flatMap((p) => p.streams);
  const lines = streams.flatMap((s) => s.values.map((v) => v[1]));
  assert(lines.includes("[state] +A"), lines.join("|"));
  assert(!lines.some((l) => l.startsWith("[loki-")), "the id prefix is stripped");
  const err = streams.find((s) => s.values.some((v) => v[1] === "[exter] [error] oh no"));
  assertEquals(err?.stream.level, "info"); // [exter] lines aren't "[error…"
  assertEquals(streams[0].stream.service_name, "my_service");
  assertEquals(streams[0].stream.asyncmachine_id, "loki-mach");
  assertEquals(logger.dropped, 0);
  assertEquals(logger.sent, lines.length);
  await loki.close();
});

Deno.test("loki: 500s are retried with backoff, then the batch is dropped and counted", async () => {
  const loki = fakeLoki();
  loki.state.mode = "500";
  const errors: Error[] = [];
  const mach = chattyMachine("loki-500");
  const logger = bindLokiLogger(mach, {
    url: loki.url,
    service: "s",
    retries: 2,
    backoffMs: 5,
    onError: (e) => errors.push(e),
  });
  mach.add1("A");
  await logger.flush();
  assertEquals(loki.state.hits, 3);
  assertEquals(logger.failures, 1);
  assertGreater(logger.dropped, 0);
  assertMatch(errors[0].message, /500/);
  // backing off: a failing Loki isn't hammered
  mach.add1("A");
  await logger.flush();
  assertEquals(loki.state.hits, 3);
  // back up: later lines go through (dispose tries even while backing off)
  loki.state.mode = "ok";
  mach.add1("B");
  await logger[Symbol.asyncDispose]();
  assert(loki.pushes.length >= 1);
  await loki.close();
});

Deno.test("loki: a stalled socket never stalls the machine; memory stays bounded", async () => {
  const loki = fakeLoki();
  loki.state.mode = "stall";
  const mach = chattyMachine("loki-stall");
  const logger = bindLokiLogger(mach, {
    url: loki.url,
    service: "s",
    maxBuffer: 200,
    batchSize: 50,
    timeoutMs: 100,
    retries: 0,
    flushMs: 20,
  });
  // every mutation executes at once, none waits on the stalled push
  for (let i = 0; i < 2000; i++) assertEquals(mach.add1("Msg", { i }), Result.Executed);
  assertEquals(mach.tick("Msg"), 2 * 2000 - 1);
  assert(logger.buffered <= 200, `buffered ${logger.buffered}`);
  assertGreater(logger.dropped, 1000);
  await new Promise((r) => setTimeout(r, 300));
  assertGreater(logger.failures, 0);
  assertMatch(logger.lastError!.message, /loki/);
  loki.state.mode = "ok";
  await logger[Symbol.asyncDispose]();
  await loki.close();
});

/** A fake Grafana HTTP API: folders and dashboards, bearer auth. */
function fakeGrafana(token: string) {
  const folders: { uid: string; title: string }[] = [];
  const dashboards = new Map<string, { dashboard: Record<string, unknown>; version: number }>();
  const calls: string[] = [];
  const state = { fail: 0 };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    calls.push(`${req.method} ${url.pathname}`);
    if (req.headers.get("authorization") !== `Bearer ${token}`) {
      return Response.json({ message: "Unauthorized" }, { status: 401 });
    }
    if (state.fail > 0) {
      state.fail--;
      return Response.json({ message: "injected" }, { status: 500 });
    }
    if (req.method === "GET" && url.pathname === "/api/folders") return Response.json(folders);
    if (req.method === "POST" && url.pathname === "/api/folders") {
      const body = await req.json();
      if (typeof body.title !== "string") return Response.json({}, { status: 400 });
      const folder = { uid: body.uid ?? "f" + folders.length, title: body.title };
      folders.push(folder);
      return Response.json(folder);
    }
    if (req.method === "POST" && url.pathname === "/api/dashboards/db") {
      const body = await req.json();
      const d = body.dashboard;
      if (!d?.uid || !Array.isArray(d.panels) || body.overwrite !== true || !body.folderUid) {
        return Response.json({ message: "bad dashboard" }, { status: 400 });
      }
      const version = (dashboards.get(d.uid)?.version ?? 0) + 1;
      dashboards.set(d.uid, { dashboard: d, version });
      return Response.json({ uid: d.uid, url: `/d/${d.uid}`, version, status: "success" });
    }
    return Response.json({ message: "not found" }, { status: 404 });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, folders, dashboards, calls, state, server };
}

Deno.test("grafana: folder created once, dashboard upserted with a stable uid", async () => {
  const g = fakeGrafana("tok");
  const a = await syncGrafanaDashboard(["m2", "m1"], { url: g.url, token: "tok", source: "svc" });
  const b = await syncGrafanaDashboard(["m1", "m2"], { url: g.url, token: "tok", source: "svc" });
  assertEquals(a.uid, dashboardUid(["m1", "m2"]));
  assertEquals(b.uid, a.uid);
  assertEquals(b.version, 2);
  assertEquals(g.folders.map((f) => f.title), ["asyncmachine"]);
  assertEquals(g.calls.filter((c) => c === "POST /api/folders").length, 1);
  const d = g.dashboards.get(a.uid)!.dashboard as {
    panels: unknown[];
    templating: { list: { name: string; current?: { value: string[] } }[] };
  };
  // one set of panels; the machines are the mach_id variable's selection
  assertEquals(d.panels.length, 11);
  const machVar = d.templating.list.find((v) => v.name === "mach_id");
  assertEquals(machVar?.current?.value, ["m1", "m2"]);
  let err: Error | undefined;
  try {
    await syncGrafanaDashboard(["x"], { url: g.url, token: "wrong" });
  } catch (e) {
    err = e as Error;
  }
  assertMatch(err!.message, /401/);
  await g.server.shutdown();
});

Deno.test("grafana: the sync tracer re-syncs (debounced) as submachines appear; failures are counted", async () => {
  const g = fakeGrafana("tok");
  const parent = new Machine({ A: {} }, { id: "gp" });
  const tracer = new GrafanaSyncTracer({ url: g.url, token: "tok", debounceMs: 30 });
  parent.bindTracer(tracer);
  await tracer.flush();
  for (let i = 0; i < 5; i++) new Machine({ B: {} }, { id: `gc${i}`, parent });
  await new Promise((r) => setTimeout(r, 100));
  await tracer.flush();
  assertEquals(tracer.ids, ["gp", "gc0", "gc1", "gc2", "gc3", "gc4"]);
  // the 5 children came within the debounce window: one more sync, not five
  assertEquals(tracer.syncs, 2);
  const uid = dashboardUid(tracer.ids);
  assert(g.dashboards.has(uid));
  g.state.fail = 10;
  new Machine({ C: {} }, { id: "gc-late", parent });
  await new Promise((r) => setTimeout(r, 60));
  await tracer.flush();
  assertEquals(tracer.failures, 1);
  assertMatch(tracer.lastError!.message, /500/);
  parent.add1("A"); // the machine goes on
  tracer.dispose();
  await g.server.shutdown();
});
