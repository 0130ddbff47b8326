// Prometheus binding correctness: one binding per machine and registry,
// interval gauges over fixed windows that no scraper can change, and the
// binding's lifecycle (await using).

import { assert, assertEquals, assertStrictEquals, assertThrows } from "@std/assert";
import { Machine } from "../machine/mod.ts";
import {
  bindPrometheusMetrics,
  defaultRegistry,
  metricsHandler,
  PrometheusMetrics,
  Registry,
  transitionsToPrometheus,
} from "../prometheus/mod.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function total(registry: Registry, id: string): string | undefined {
  const re = new RegExp(`am_transitions_total\\{mach_id="${id}"\\} (\\d+)`);
  return registry.render("text").match(re)?.[1];
}

Deno.test("prometheus binding: a second bind returns the first, nothing counts twice", () => {
  const registry = new Registry();
  const mach = new Machine({ A: {} }, { id: "twice" });
  const first = bindPrometheusMetrics(mach, { registry });
  const second = bindPrometheusMetrics(mach, { registry, legacyNames: true });
  assertStrictEquals(second, first);
  assertEquals(mach.tracers().filter((t) => t.id.startsWith("prom-")).length, 1);
  mach.add1("A");
  assertEquals(total(registry, "twice"), "1");
  // another registry is another binding
  const other = new Registry();
  assert(bindPrometheusMetrics(mach, { registry: other }) !== first);
  mach.remove1("A");
  assertEquals(total(registry, "twice"), "2");
  assertEquals(total(other, "twice"), "1");
});

Deno.test("prometheus binding: transitionsToPrometheus and bindPrometheusMetrics share the default registry's binding", async () => {
  const mach = new Machine({ A: {} }, { id: "mixed-default" });
  await using a = transitionsToPrometheus(mach, 5_000);
  const b = bindPrometheusMetrics(mach);
  assertStrictEquals(b, a);
  mach.add1("A");
  assertEquals(total(defaultRegistry, "mixed-default"), "1");
});

Deno.test("prometheus binding: a submachine bound by hand and by inheritance is bound once", () => {
  const registry = new Registry();
  const parent = new Machine({ P: {} }, { id: "p1" });
  const child = new Machine({ C: {} }, { id: "c1", parent });
  const childMetrics = bindPrometheusMetrics(child, { registry });
  const parentMetrics = bindPrometheusMetrics(parent, { registry });
  // a submachine appearing later is bound through the parent
  const late = new Machine({ L: {} }, { id: "late", parent });
  assertEquals(parentMetrics.children.map((m) => m.machId), ["late"]);
  assertStrictEquals(bindPrometheusMetrics(late, { registry }), parentMetrics.children[0]);
  child.add1("C");
  late.add1("L");
  assertEquals(total(registry, "c1"), "1");
  assertEquals(total(registry, "late"), "1");
  assertEquals(childMetrics.transitionsTotal.value, 1);
});

Deno.test("prometheus binding: await using detaches; binding again starts afresh", async () => {
  const registry = new Registry();
  const mach = new Machine({ A: {} }, { id: "scoped" });
  const child = new Machine({ C: {} }, { id: "scoped-child", parent: mach });
  {
    await using metrics = bindPrometheusMetrics(mach, { registry });
    assertEquals(metrics.children.length, 0); // child existed before the bind
    mach.add1("A");
  }
  assertEquals(mach.tracers().length, 0);
  assertEquals(child.tracers().length, 0);
  mach.remove1("A"); // not counted
  assertEquals(total(registry, "scoped"), "1");
  registry.collect();
  registry.collect(); // the zeros were seen once: the series are gone
  assertEquals(total(registry, "scoped"), undefined);
  const again = bindPrometheusMetrics(mach, { registry });
  mach.add1("A");
  assertEquals(again.transitionsTotal.value, 1);
});

Deno.test("prometheus window: scrapes don't change the interval gauges; windows do", () => {
  const registry = new Registry();
  const mach = new Machine({ A: {}, B: {} }, { id: "win" });
  const metrics = bindPrometheusMetrics(mach, { registry, window: 60_000 });
  for (let i = 0; i < 5; i++) {
    mach.add1("A");
    mach.remove1("A");
  }
  // any number of scrapes inside the window: the last completed window (none yet)
  registry.collect();
  registry.collect();
  assertEquals(metrics.transitionsCount.value, 0);
  const t0 = performance.now();
  metrics.roll(t0 + 60_000); // the window ended
  assertEquals(metrics.transitionsCount.value, 10);
  const steps = metrics.stepsAmount.value;
  assert(steps > 0);
  // a fast second scraper: every scrape in the next window sees the same values
  for (let i = 0; i < 20; i++) {
    registry.collect();
    metrics.roll(t0 + 60_000 + i);
  }
  assertEquals(metrics.transitionsCount.value, 10);
  assertEquals(metrics.stepsAmount.value, steps);
  // an empty window publishes zeros; a skipped one too
  metrics.roll(t0 + 120_000);
  assertEquals(metrics.transitionsCount.value, 0);
  mach.add1("B");
  metrics.roll(t0 + 240_000); // the sample's window isn't the last completed one
  assertEquals(metrics.transitionsCount.value, 0);
  assertEquals(metrics.transitionsTotal.value, 11); // counters are never windowed
});

Deno.test("prometheus window: real time, 5 Hz scrapes through the handler see one value per window", async () => {
  const registry = new Registry();
  const window = 400;
  const mach = new Machine({ A: {} }, { id: "win-rt" });
  bindPrometheusMetrics(mach, { registry, window });
  const handler = metricsHandler(registry);
  const scrape = async () => {
    const text = await (await handler(new Request("http://x/metrics"))).text();
    return text.match(/am_transitions_interval\{mach_id="win-rt"\} (\S+)/)![1];
  };
  // start right after a window boundary, transitions well inside it
  await sleep(window - (performance.now() % window) + 20);
  for (let i = 0; i < 3; i++) {
    mach.add1("A");
    mach.remove1("A");
  }
  assertEquals(await scrape(), "0"); // the window is still open
  await sleep(window - (performance.now() % window) + 20);
  const seen = [];
  for (let i = 0; i < 5; i++) {
    seen.push(await scrape());
    await sleep(40);
  }
  assertEquals(seen, ["6", "6", "6", "6", "6"]);
});

Deno.test("prometheus lifecycle: dispose() is await using without waiting; close() is dispose()", () => {
  for (const stop of ["dispose", "close"] as const) {
    const registry = new Registry();
    const mach = new Machine({ A: {} }, { id: `sync-${stop}` });
    const metrics = bindPrometheusMetrics(mach, { registry });
    const child = new Machine({ C: {} }, { id: `sync-${stop}-child`, parent: mach });
    assertEquals(metrics.children.length, 1);
    mach.add1("A");
    metrics[stop]();
    assert(metrics.disposed);
    assertEquals(mach.tracers().length, 0, `${stop}: detached`);
    assertEquals(child.tracers().length, 0, `${stop}: submachine detached`);
    registry.collect();
    registry.collect();
    assertEquals(total(registry, `sync-${stop}`), undefined, `${stop}: series gone`);
    assertEquals(total(registry, `sync-${stop}-child`), undefined, `${stop}: child's too`);
  }
});

Deno.test("prometheus lifecycle: a disposed machine releases its metrics, its submachines' go on rolling", async () => {
  const registry = new Registry();
  const window = 300;
  const parent = new Machine({ P: {} }, { id: "gone-parent" });
  const metrics = bindPrometheusMetrics(parent, { registry, window });
  const child = new Machine({ C: {} }, { id: "gone-child", parent });
  parent.dispose();
  await parent.whenDisposed;
  assert(metrics.disposed);
  assertEquals(child.tracers().length, 1, "the submachine lives on, still measured");
  // a transition well inside a window, a collect in the next one
  await sleep(window - (performance.now() % window) + 20);
  child.add1("C");
  await sleep(window - (performance.now() % window) + 20);
  registry.collect(); // rolls the child's window though its parent's metrics are gone
  assertEquals(metrics.children[0].transitionsCount.value, 1);
});

Deno.test("prometheus metrics: constructed from the machine alone; gauge fields are read-only getters", () => {
  const mach = new Machine({ A: {} }, { id: "standalone" });
  const metrics = new PrometheusMetrics(mach); // defaultRegistry, unbound
  assertStrictEquals(metrics.registry, defaultRegistry);
  assertEquals(metrics.statesAmount.value, 2);
  assertStrictEquals(metrics.queueSize, metrics.gauges.queueSize);
  assertThrows(() => Object.assign(metrics, { queueSize: metrics.txTime }), TypeError);
  metrics.unregister();
});
