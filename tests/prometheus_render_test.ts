// The hand-written exposition renderer: exact output in both formats,
// escaping of hostile names and values, numbers, negotiation, the handler.

import { assert, assertEquals, assertThrows } from "@std/assert";
import {
  Counter,
  metricsHandler,
  negotiateFormat,
  normalizeId,
  Registry,
} from "../prometheus/mod.ts";
import { sanitizeLabelName, sanitizeMetricName } from "../prometheus/names.ts";

function knownSet(): Registry {
  const r = new Registry();
  r.gauge({ name: "am_queue_size", help: "Average queue size", labelNames: ["mach_id"] })
    .labels({ mach_id: "m1" }).set(1.5);
  r.counter({ name: "am_transitions_total", help: "Accepted transitions", labelNames: ["mach_id"] })
    .labels({ mach_id: "m1" }).inc(3);
  const h = r.histogram({
    name: "am_transition_duration_seconds",
    help: "Duration",
    labelNames: ["mach_id"],
    unit: "seconds",
    buckets: [0.001, 0.01],
  });
  h.observe(0.0005, { mach_id: "m1" });
  h.observe(0.005, { mach_id: "m1" });
  h.observe(2, { mach_id: "m1" });
  return r;
}

Deno.test("render: text format 0.0.4, exact", () => {
  assertEquals(
    knownSet().render("text"),
    [
      "# HELP am_queue_size Average queue size",
      "# TYPE am_queue_size gauge",
      'am_queue_size{mach_id="m1"} 1.5',
      "# HELP am_transition_duration_seconds Duration",
      "# TYPE am_transition_duration_seconds histogram",
      'am_transition_duration_seconds_bucket{mach_id="m1",le="0.001"} 1',
      'am_transition_duration_seconds_bucket{mach_id="m1",le="0.01"} 2',
      'am_transition_duration_seconds_bucket{mach_id="m1",le="+Inf"} 3',
      'am_transition_duration_seconds_sum{mach_id="m1"} 2.0055',
      'am_transition_duration_seconds_count{mach_id="m1"} 3',
      "# HELP am_transitions_total Accepted transitions",
      "# TYPE am_transitions_total counter",
      'am_transitions_total{mach_id="m1"} 3',
      "",
    ].join("\n"),
  );
});

Deno.test("render: OpenMetrics 1.0, exact (family names, UNIT, _total, EOF)", () => {
  assertEquals(
    knownSet().render("openmetrics"),
    [
      "# TYPE am_queue_size gauge",
      "# HELP am_queue_size Average queue size",
      'am_queue_size{mach_id="m1"} 1.5',
      "# TYPE am_transition_duration_seconds histogram",
      "# UNIT am_transition_duration_seconds seconds",
      "# HELP am_transition_duration_seconds Duration",
      'am_transition_duration_seconds_bucket{mach_id="m1",le="0.001"} 1',
      'am_transition_duration_seconds_bucket{mach_id="m1",le="0.01"} 2',
      'am_transition_duration_seconds_bucket{mach_id="m1",le="+Inf"} 3',
      'am_transition_duration_seconds_sum{mach_id="m1"} 2.0055',
      'am_transition_duration_seconds_count{mach_id="m1"} 3',
      "# TYPE am_transitions counter",
      "# HELP am_transitions Accepted transitions",
      'am_transitions_total{mach_id="m1"} 3',
      "# EOF",
      "",
    ].join("\n"),
  );
});

Deno.test("render: hostile ids and help texts are escaped", () => {
  const r = new Registry();
  const g = r.gauge({ name: "x", help: 'say "hi"\\ \nbye ✓', labelNames: ["mach_id"] });
  for (const id of ['q"uote', "back\\slash", "new\nline", "ünï✓", "", "9lives"]) {
    g.labels({ mach_id: id }).set(1);
  }
  assertEquals(
    r.render("text"),
    [
      '# HELP x say "hi"\\\\ \\nbye ✓',
      "# TYPE x gauge",
      'x{mach_id="q\\"uote"} 1',
      'x{mach_id="back\\\\slash"} 1',
      'x{mach_id="new\\nline"} 1',
      'x{mach_id="ünï✓"} 1',
      'x{mach_id=""} 1',
      'x{mach_id="9lives"} 1',
      "",
    ].join("\n"),
  );
  assert(
    r.render("openmetrics").startsWith('# TYPE x gauge\n# HELP x say \\"hi\\"\\\\ \\nbye ✓\n'),
  );
});

Deno.test("names: sanitising and upstream's NormalizeId", () => {
  assertEquals(sanitizeMetricName("1st-metric.name"), "_1st_metric_name");
  assertEquals(sanitizeMetricName(""), "_");
  assertEquals(sanitizeMetricName("ok:name_1"), "ok:name_1");
  assertEquals(sanitizeLabelName("__reserved"), "_reserved");
  assertEquals(sanitizeLabelName("mach-id"), "mach_id");
  assertEquals(normalizeId("My-Mach.1 ✓"), "my_mach_1_");
});

Deno.test("render: NaN, ±Inf, big and small numbers", () => {
  const r = new Registry();
  const g = r.gauge({ name: "v", help: "v", labelNames: ["k"] });
  g.labels({ k: "nan" }).set(NaN);
  g.labels({ k: "inf" }).set(Infinity);
  g.labels({ k: "ninf" }).set(-Infinity);
  g.labels({ k: "big" }).set(1e21);
  g.labels({ k: "small" }).set(1e-7);
  assertEquals(r.render("text").split("\n").slice(2, 7), [
    'v{k="nan"} NaN',
    'v{k="inf"} +Inf',
    'v{k="ninf"} -Inf',
    'v{k="big"} 1e+21',
    'v{k="small"} 1e-7',
  ]);
});

Deno.test("registry: one family per name, type and label clashes are errors", () => {
  const r = new Registry();
  const a = r.gauge({ name: "g", help: "h", labelNames: ["a"] });
  assert(r.gauge({ name: "g", help: "h", labelNames: ["a"] }) === a);
  assertThrows(() => r.counter({ name: "g", help: "h" }), Error, "already registered as a gauge");
  assertThrows(() => r.gauge({ name: "g", help: "h", labelNames: ["b"] }), Error, "other labels");
  assertThrows(() => r.register(new Counter({ name: "g", help: "h" })), Error, "already");
  assertThrows(() => a.labels({ nope: "1" }), TypeError, "unknown label");
  assert(r.unregister("g"));
  assertEquals(r.render("text"), "");
  const c = r.counter({ name: "c_total", help: "c" });
  assertThrows(() => c.inc(-1), RangeError);
});

Deno.test("registry: collect callbacks run before rendering; failures isolated", async () => {
  const r = new Registry();
  const g = r.gauge({ name: "calls", help: "collect calls" });
  let n = 0;
  r.onCollect(() => g.set(++n));
  r.onCollect(() => {
    throw new Error("broken collector");
  });
  const handler = metricsHandler(r);
  const res = await handler(new Request("http://x/metrics"));
  assertEquals(await res.text(), "# HELP calls collect calls\n# TYPE calls gauge\ncalls 1\n");
  assertEquals(r.collectErrors, 1);
});

Deno.test("negotiation: OpenMetrics when asked, text otherwise, 406 when neither", () => {
  assertEquals(negotiateFormat(null), "text");
  assertEquals(negotiateFormat("*/*"), "text");
  assertEquals(
    negotiateFormat(
      "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
    ),
    "openmetrics",
  );
  assertEquals(negotiateFormat("text/plain;version=0.0.4"), "text");
  assertEquals(negotiateFormat("application/json"), undefined);
  assertEquals(negotiateFormat("application/openmetrics-text;q=0"), undefined);
});

Deno.test("handler: content types, 405, 406, HEAD, path, gzip", async () => {
  const handler = metricsHandler(knownSet(), { path: "/metrics" });
  const om = await handler(
    new Request("http://x/metrics", { headers: { accept: "application/openmetrics-text" } }),
  );
  assertEquals(
    om.headers.get("content-type"),
    "application/openmetrics-text; version=1.0.0; charset=utf-8",
  );
  assert((await om.text()).endsWith("# EOF\n"));
  const text = await handler(new Request("http://x/metrics"));
  assertEquals(text.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  await text.body?.cancel();
  const post = await handler(new Request("http://x/metrics", { method: "POST", body: "x" }));
  assertEquals(post.status, 405);
  assertEquals(post.headers.get("allow"), "GET, HEAD");
  const json = await handler(
    new Request("http://x/metrics", { headers: { accept: "application/json" } }),
  );
  assertEquals(json.status, 406);
  assertEquals((await handler(new Request("http://x/other"))).status, 404);
  const head = await handler(new Request("http://x/metrics", { method: "HEAD" }));
  assertEquals(head.status, 200);
  assertEquals(head.body, null);
  const gz = await handler(
    new Request("http://x/metrics", { headers: { "accept-encoding": "gzip, br" } }),
  );
  assertEquals(gz.headers.get("content-encoding"), "gzip");
  const plain = await new Response(gz.body!.pipeThrough(new DecompressionStream("gzip"))).text();
  assertEquals(plain, knownSet().render("text"));
});
