// The byte renderer against a plain string renderer (the one it replaced):
// the same output byte for byte, for every kind of number, hostile labels,
// both formats, and after children come and go (cached templates rebuilt).

import { assertEquals } from "@std/assert";
import { escapeHelp, formatValue } from "../prometheus/names.ts";
import {
  type AnyMetric,
  type Format,
  type Histogram,
  metricsHandler,
  Registry,
  type ValueChild,
} from "../prometheus/mod.ts";

/** The string renderer the byte one replaced, kept here as the reference. */
function reference(registry: Registry, format: Format): string {
  let out = "";
  for (const m of registry.metrics()) out += family(m, format);
  return format === "openmetrics" ? out + "# EOF\n" : out;
}

function family(m: AnyMetric, format: Format): string {
  const om = format === "openmetrics";
  const name = om && m.type === "counter" && m.name.endsWith("_total")
    ? m.name.slice(0, -6)
    : m.name;
  let out = om
    ? `# TYPE ${name} ${m.type}\n` +
      (m.unit && name.endsWith("_" + m.unit) ? `# UNIT ${name} ${m.unit}\n` : "") +
      `# HELP ${name} ${escapeHelp(m.help, true)}\n`
    : `# HELP ${name} ${escapeHelp(m.help, false)}\n# TYPE ${name} ${m.type}\n`;
  if (m.type === "histogram") {
    for (const c of (m as Histogram).children()) {
      let cum = 0;
      c.counts.forEach((n, i) => {
        cum += n;
        out += `${m.name}_bucket${c.bucketLabels[i]} ${cum}\n`;
      });
      out += `${m.name}_sum${c.labelStr} ${formatValue(c.sum)}\n`;
      out += `${m.name}_count${c.labelStr} ${c.count}\n`;
    }
    return out;
  }
  const sample = om && m.type === "counter" ? name + "_total" : m.name;
  for (const c of m.children()) {
    out += `${sample}${c.labelStr} ${formatValue((c as ValueChild).value)}\n`;
  }
  return out;
}

const NUMBERS = [
  0,
  -0,
  1,
  -1,
  9,
  10,
  99,
  100,
  2147483647,
  2147483648,
  -2147483649,
  4294967296,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2,
  1e21,
  -1e21,
  1.5,
  0.1 + 0.2,
  1e-7,
  -2.5e-300,
  5e-324,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  123456.789,
  NaN,
  Infinity,
  -Infinity,
];

const IDS = ['q"uote', "back\\slash", "new\nline", "ünï✓", "", "9lives", "a b/c", "emoji 🚀"];

function hostileSet(): Registry {
  const r = new Registry();
  const g = r.gauge({ name: "g_value", help: 'say "hi"\\ \nbye ✓', labelNames: ["id", "k"] });
  NUMBERS.forEach((v, i) => g.labels({ id: IDS[i % IDS.length], k: String(i) }).set(v));
  const c = r.counter({ name: "c_total", help: "counter", labelNames: ["id"] });
  const bare = r.counter({ name: "no_suffix", help: "counter without _total" });
  bare.inc(7);
  IDS.forEach((id, i) => c.labels({ id }).inc(i * 1000003));
  const h = r.histogram({
    name: "h_seconds",
    help: "histogram",
    unit: "seconds",
    labelNames: ["id"],
    buckets: [0.001, 0.5, 1, 1e6],
  });
  IDS.forEach((id, i) => {
    for (let j = 0; j < i * 3; j++) h.observe(j * 0.37, { id });
  });
  r.gauge({ name: "empty_family", help: "no children yet", labelNames: ["id"] });
  r.gauge({ name: "unlabeled", help: "one series" }).set(-3.25);
  return r;
}

function assertSame(r: Registry): void {
  for (const format of ["text", "openmetrics"] as const) {
    const want = reference(r, format);
    assertEquals(r.render(format), want, format);
    assertEquals(new TextDecoder().decode(r.renderBytes(format)), want, format);
  }
}

Deno.test("renderBytes: byte for byte the reference, every number kind and hostile labels", () => {
  assertSame(hostileSet());
});

Deno.test("renderBytes: templates follow children added, removed and reset", () => {
  const r = hostileSet();
  assertSame(r);
  const g = r.get("g_value")!;
  g.remove({ id: IDS[1], k: "1" });
  (g.labels({ id: "late ✓", k: "x" }) as ValueChild).set(0.125);
  (r.get("empty_family")!.labels({ id: "now" }) as ValueChild).set(42);
  assertSame(r);
  r.get("c_total")!.reset();
  (r.get("h_seconds") as Histogram).observe(3, { id: "new" });
  assertSame(r);
  // values change without children changing: same templates, new numbers
  for (const c of g.children()) (c as ValueChild).set(Math.random() * 1e6);
  assertSame(r);
});

Deno.test("renderBytes: a large registry (grown buffer) and repeated renders agree", () => {
  const r = new Registry();
  const g = r.gauge({ name: "big", help: "many series", labelNames: ["mach_id"] });
  for (let i = 0; i < 20_000; i++) g.labels({ mach_id: `mach-${i}` }).set(i * 0.25);
  assertSame(r);
  // each call hands out its own bytes (the buffer itself when full enough):
  // later renders never write into earlier results
  const results: [Uint8Array, string][] = [];
  for (let round = 0; round < 5; round++) {
    for (const c of g.children()) (c as ValueChild).set(round * 1000 + Math.random());
    results.push([r.renderBytes("text"), reference(r, "text")]);
  }
  for (const [bytes, want] of results) assertEquals(new TextDecoder().decode(bytes), want);
});

Deno.test("handler: the body is the rendered bytes, plain and gzip", async () => {
  const r = hostileSet();
  const handler = metricsHandler(r);
  const res = await handler(new Request("http://x/"));
  const plain = new Uint8Array(await res.arrayBuffer());
  assertEquals(new TextDecoder().decode(plain), reference(r, "text"));
  assertEquals(res.headers.get("content-length"), String(plain.length));
  // each response owns its bytes: a later scrape doesn't write into them
  const first = await handler(new Request("http://x/"));
  (r.get("unlabeled") as unknown as { set(v: number): void }).set(123456.5);
  await (await handler(new Request("http://x/"))).arrayBuffer();
  assertEquals(
    new TextDecoder().decode(await first.arrayBuffer()),
    reference(r, "text").replace(
      "unlabeled 123456.5",
      "unlabeled -3.25",
    ),
  );
  const gz = await handler(
    new Request("http://x/", {
      headers: { "accept-encoding": "gzip", accept: "application/openmetrics-text" },
    }),
  );
  const unzipped = await new Response(gz.body!.pipeThrough(new DecompressionStream("gzip")))
    .text();
  assertEquals(unzipped, reference(r, "openmetrics"));
});

Deno.test("renderBytes: numbers match JavaScript's formatting (random decimals and doubles)", () => {
  const r = new Registry();
  const g = r.gauge({ name: "n", help: "numbers", labelNames: ["i"] });
  const u = new Float64Array(1);
  const bits = new Uint32Array(u.buffer);
  const values: number[] = [0.5, -0.5, 1e-6, -1e-6, 9.999999e-7, 999999999.5, 1e9 + 0.5, 1.005];
  for (let i = 0; i < 20_000; i++) {
    const k = i % 8;
    const scale = 10 ** k;
    // decimals of up to 7 places and magnitudes around the 1e9 cut
    values.push(Math.round((Math.random() - 0.5) * 2e9 * 10 ** -(i % 12)) / scale);
    values.push((Math.random() - 0.5) * 10 ** ((i % 40) - 20));
    bits[0] = Math.random() * 2 ** 32;
    bits[1] = Math.random() * 2 ** 32;
    values.push(u[0]);
  }
  values.forEach((v, i) => g.labels({ i: String(i) }).set(v));
  assertSame(r);
});
