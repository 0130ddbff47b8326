// The Pushgateway pusher against a local HTTP server with failures
// injected: retries, client errors, timeouts, grouping key paths, env.

import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { Machine } from "../machine/mod.ts";
import { bindMach, machMetricsEnv, Pusher, Registry } from "../prometheus/mod.ts";

interface Seen {
  method: string;
  path: string;
  body: string;
}

/** A fake Pushgateway answering with `statuses` in turn (then 200). */
function fakeGateway(statuses: number[], delayMs = 0) {
  const seen: Seen[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    seen.push({ method: req.method, path: new URL(req.url).pathname, body: await req.text() });
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    const status = statuses.shift() ?? 200;
    return new Response(status === 200 ? "" : "injected failure", { status });
  });
  return { seen, server, url: `http://127.0.0.1:${server.addr.port}` };
}

function registryWithMachine(): Registry {
  const registry = new Registry();
  const mach = new Machine({ A: {} }, { id: "m1" });
  const metrics = bindMach(mach, { registry });
  mach.add1("A");
  metrics.sync(); // publish now, not at the end of the window
  return registry;
}

Deno.test("pusher: PUT text format to the grouping key, retrying 5xx", async () => {
  const gw = fakeGateway([500, 503]);
  const pusher = new Pusher({
    url: gw.url + "/",
    job: "svc",
    instance: "i1",
    registry: registryWithMachine(),
    backoffMs: 5,
  });
  assert(await pusher.push());
  assertEquals(gw.seen.length, 3);
  assertEquals(gw.seen[2].method, "PUT");
  assertEquals(gw.seen[2].path, "/metrics/job/svc/instance/i1");
  assertStringIncludes(gw.seen[2].body, 'am_transitions_interval{mach_id="m1"} 1\n');
  assertEquals(pusher.pushes, 1);
  assertEquals(pusher.failures, 0);
  await gw.server.shutdown();
});

Deno.test("pusher: gives up after bounded retries and reports, never throws", async () => {
  const gw = fakeGateway([500, 500, 500, 500]);
  const errors: Error[] = [];
  const pusher = new Pusher({
    url: gw.url,
    job: "svc",
    registry: new Registry(),
    retries: 2,
    backoffMs: 5,
    onError: (e) => errors.push(e),
  });
  assertEquals(await pusher.push(), false);
  assertEquals(gw.seen.length, 3);
  assertEquals(pusher.failures, 1);
  assertEquals(errors.length, 1);
  assertStringIncludes(errors[0].message, "500");
  await gw.server.shutdown();
});

Deno.test("pusher: client errors are not retried", async () => {
  const gw = fakeGateway([400]);
  const pusher = new Pusher({ url: gw.url, job: "svc", registry: new Registry(), onError() {} });
  assertEquals(await pusher.push(), false);
  assertEquals(gw.seen.length, 1);
  await gw.server.shutdown();
});

Deno.test("pusher: a slow gateway times out", async () => {
  const gw = fakeGateway([], 300);
  const pusher = new Pusher({
    url: gw.url,
    job: "svc",
    registry: new Registry(),
    timeoutMs: 50,
    retries: 0,
    onError() {},
  });
  assertEquals(await pusher.push(), false);
  assertStringIncludes(pusher.lastError!.message, "svc");
  await gw.server.shutdown();
});

Deno.test("pusher: unreachable gateway is reported", async () => {
  const listener = Deno.listen({ port: 0, hostname: "127.0.0.1" });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const pusher = new Pusher({
    url: `http://127.0.0.1:${port}`,
    job: "svc",
    registry: new Registry(),
    retries: 1,
    backoffMs: 1,
    onError() {},
  });
  assertEquals(await pusher.push(), false);
  assertEquals(pusher.failures, 1);
});

Deno.test("pusher: grouping key values with / or empty use base64", () => {
  const p = new Pusher({
    url: "http://gw",
    job: "a/b",
    instance: "",
    groupingKey: { zone: "eu 1" },
  });
  assertEquals(p.groupUrl, "http://gw/metrics/job@base64/YS9i/instance@base64/=/zone/eu%201");
});

Deno.test("pusher: start pushes on an interval, dispose stops it and pushes once more", async () => {
  const gw = fakeGateway([]);
  const pusher = new Pusher({ url: gw.url, job: "svc", registry: new Registry(), interval: 20 });
  pusher.start();
  await new Promise((r) => setTimeout(r, 70));
  await pusher[Symbol.asyncDispose]();
  const n = gw.seen.length;
  assert(n >= 3, `expected >= 3 pushes, got ${n}`);
  await new Promise((r) => setTimeout(r, 40));
  assertEquals(gw.seen.length, n);
  await gw.server.shutdown();
});

Deno.test("machMetricsEnv: binds from AM_PROM_PUSH_URL + AM_SERVICE, only top-level", async () => {
  const gw = fakeGateway([]);
  Deno.env.set("AM_PROM_PUSH_URL", gw.url);
  Deno.env.set("AM_SERVICE", "My Service");
  try {
    const mach = new Machine({ A: {} }, { id: "env1" });
    const child = new Machine({ B: {} }, { id: "child", parent: mach });
    assertEquals(machMetricsEnv(child), undefined);
    const bound = machMetricsEnv(mach)!;
    mach.add1("A");
    assert(await bound.pusher.push());
    assertEquals(gw.seen[0].path, "/metrics/job/my_service");
    assertStringIncludes(gw.seen[0].body, 'am_transitions_total{mach_id="env1"} 1');
    mach.dispose();
    await mach.whenDisposed;
    await new Promise((r) => setTimeout(r, 50)); // the final push on dispose
    assertEquals(gw.seen.length, 2);
  } finally {
    Deno.env.delete("AM_PROM_PUSH_URL");
    Deno.env.delete("AM_SERVICE");
    await gw.server.shutdown();
  }
  assertEquals(machMetricsEnv(new Machine({ A: {} })), undefined);
});
