// Machine metrics: the per-transition samples, averaging maths (floats),
// totals, naming modes, schema changes, submachines, close.

import { assert, assertAlmostEquals, assertEquals, assertStringIncludes } from "@std/assert";
import { Machine, MutationType } from "../machine/mod.ts";
import { bindMach, grafanaDashboard, Registry } from "../prometheus/mod.ts";

function scenario() {
  const registry = new Registry();
  const mach = new Machine({ A: {}, B: { require: ["A"] }, C: { multi: true } }, { id: "m1" });
  const metrics = bindMach(mach, { registry });
  mach.add1("A"); // 2 steps, 1 tick, added 1, touched A
  mach.add1("B"); // 4 steps (require checked twice), touched A B
  mach.remove1("A"); // B goes too: removed 2, 2 ticks, 4 steps
  mach.add1("C"); // 2 steps
  mach.add1("C"); // Multi: +2 ticks, counts as added, 1 step
  mach.add1("B"); // canceled (A missing): not sampled
  return { registry, mach, metrics };
}

Deno.test("metrics: definition gauges from the schema", () => {
  const { metrics } = scenario();
  assertEquals(metrics.statesAmount.value, 4); // A B C Exception
  assertEquals(metrics.relAmount.value, 1);
  assertEquals(metrics.refStatesAmount.value, 1);
});

Deno.test("metrics: sync averages the interval's samples as floats, then resets", () => {
  const { metrics } = scenario();
  metrics.sync();
  assertEquals(metrics.transitionsCount.value, 5);
  assertEquals(metrics.exceptionsCount.value, 0);
  assertEquals(metrics.queueSize.value, 0);
  assertAlmostEquals(metrics.stepsAmount.value, 13 / 5);
  assertEquals(metrics.handlersAmount.value, 0);
  assertEquals(metrics.statesAdded.value, 1); // 4 add samples, 1 each
  assertEquals(metrics.statesRemoved.value, 2); // 1 remove sample
  assertAlmostEquals(metrics.statesTouched.value, 7 / 5);
  assertAlmostEquals(metrics.txTick.value, 7 / 5);
  assertAlmostEquals(metrics.statesActiveAmount.value, 4 / 5);
  assertAlmostEquals(metrics.statesInactiveAmount.value, 16 / 5);
  assert(metrics.txTime.value >= 0);
  assertEquals(metrics.transitionsTotal.value, 5);
  assertEquals(metrics.txDuration.count, 5);
  // nothing new: averages drop to 0, totals stay
  metrics.sync();
  assertEquals(metrics.transitionsCount.value, 0);
  assertEquals(metrics.stepsAmount.value, 0);
  assertEquals(metrics.transitionsTotal.value, 5);
});

Deno.test("metrics: exceptions, handlers, set counts added and removed", () => {
  const { mach, metrics } = scenario();
  metrics.sync();
  mach.bindHandlers({ CExit: () => true, AState: () => {} });
  mach.addErr(new Error("x")); // accepted, Exception among targets
  mach.set(["A"]); // removes C (CExit) and Exception, adds A (AState)
  metrics.sync();
  assertEquals(metrics.exceptionsCount.value, 1);
  assertEquals(metrics.exceptionsTotal.value, 1);
  assertEquals(metrics.transitionsCount.value, 2);
  assertEquals(metrics.handlersAmount.value, 1); // 0 and 2
  assertEquals(metrics.statesAdded.value, 1); // Exception; A
  assertEquals(metrics.statesRemoved.value, 2); // set: C and Exception
});

Deno.test("metrics: labels by default, upstream's names with legacyNames", () => {
  const registry = new Registry();
  bindMach(new Machine({ A: {} }, { id: "Mach-1" }), { registry });
  bindMach(new Machine({ A: {} }, { id: "Mach-2" }), { registry, legacyNames: true });
  const text = registry.render("text");
  assertStringIncludes(text, 'am_queue_size{mach_id="Mach-1"} 0\n');
  assertStringIncludes(text, 'am_transitions_interval{mach_id="Mach-1"} 0\n');
  assertStringIncludes(text, "am_queue_size_mach_2 0\n");
  assertStringIncludes(text, "am_transitions_mach_2 0\n");
  assertStringIncludes(text, 'am_transitions_total{mach_id="Mach-2"} 0\n');
  // 15 gauges + 2 counters + 1 histogram with labels; 15 more in legacy
  assertEquals(registry.metrics().length, 33);
});

Deno.test("metrics: setSchema updates the definition gauges", () => {
  const registry = new Registry();
  const mach = new Machine({ A: {} }, { id: "m" });
  const metrics = bindMach(mach, { registry });
  mach.setSchema({ A: {}, B: { add: ["A"], after: ["A"] }, Exception: { multi: true } });
  assertEquals(metrics.statesAmount.value, 3);
  assertEquals(metrics.relAmount.value, 2);
  assertEquals(metrics.refStatesAmount.value, 2);
});

Deno.test("metrics: submachines get their own metrics, synced by the parent", () => {
  const registry = new Registry();
  const parent = new Machine({ P: {} }, { id: "parent" });
  const metrics = bindMach(parent, { registry });
  const child = new Machine({ C: {} }, { id: "child", parent });
  new Machine({ R: {} }, { id: "rpc", parent, tags: ["rpc-server"] });
  assertEquals(metrics.children.map((m) => m.machId), ["child"]);
  child.add1("C");
  child.add1("C"); // no change, but still an accepted transition
  registry.collect(); // same window: nothing published yet
  assertEquals(metrics.children[0].transitionsCount.value, 0);
  metrics.roll(performance.now() + 15_000); // the next window: the root rolls its children
  assertEquals(metrics.children[0].transitionsCount.value, 2);
  const text = registry.render("text");
  assertStringIncludes(text, 'am_transitions_total{mach_id="child"} 2\n');
  assert(!text.includes('mach_id="rpc"'));
});

Deno.test("metrics: close on dispose zeroes the gauges", async () => {
  const { mach, metrics } = scenario();
  metrics.sync();
  mach.dispose();
  await mach.whenDisposed;
  assert(metrics.disposed);
  assertEquals(metrics.statesAmount.value, 0);
  assertEquals(metrics.stepsAmount.value, 0);
});

Deno.test("metrics: a disposed machine's series go after one more scrape", async () => {
  const registry = new Registry();
  const keep = new Machine({ A: {} }, { id: "keep" });
  const gone = new Machine({ A: {} }, { id: "gone" });
  bindMach(keep, { registry });
  bindMach(gone, { registry });
  gone.add1("A");
  gone.dispose();
  await gone.whenDisposed;
  registry.collect();
  assertStringIncludes(registry.render("text"), 'am_states{mach_id="gone"} 0\n');
  registry.collect();
  const text = registry.render("text");
  assert(!text.includes('mach_id="gone"'), "series removed");
  assertStringIncludes(text, 'am_states{mach_id="keep"} 2\n');
});

Deno.test("metrics: interval sync on a timer", async () => {
  const registry = new Registry();
  const mach = new Machine({ A: {} });
  const metrics = bindMach(mach, { registry, interval: 20 });
  mach.add1("A");
  await new Promise((r) => setTimeout(r, 60));
  assertEquals(metrics.transitionsTotal.value, 1);
  // the timer synced: the sample is in the gauge or already averaged away
  assert(metrics.transitionsCount.value <= 1);
  metrics.dispose();
});

Deno.test("grafana: labeled panels on counters and histogram with a mach_id variable; legacy rows per machine", () => {
  const d = grafanaDashboard(["mach1", "mach-2"], { source: "my-service" });
  const panels = d.panels as { type: string; title: string; targets?: { expr: string }[] }[];
  const exprs = panels.flatMap((p) => p.targets ?? []).map((t) => t.expr);
  const m = 'mach_id=~"$mach_id", job="my_service"';
  assert(exprs.includes(`sum by (mach_id) (rate(am_transitions_total{${m}}[$__rate_interval]))`));
  assert(exprs.some((e) => e.startsWith("histogram_quantile(0.99, sum by (mach_id, le)")));
  assert(exprs.includes(`am_transitions_interval{${m}}`));
  assert(exprs.includes('{service_name="my_service", asyncmachine_id=~"$mach_id"}'));
  assertEquals(panels.filter((p) => p.type === "heatmap").length, 0);
  const vars = (d.templating as { list: { name: string; current?: { value: string[] } }[] }).list;
  assertEquals(vars.find((v) => v.name === "mach_id")?.current?.value, ["mach1", "mach-2"]);
  // upstream's names: its generator's rows per machine, no variable
  const legacy = grafanaDashboard(["mach-2"], { source: "my-service", legacyNames: true });
  const lpanels = legacy.panels as { type: string; targets?: { expr: string }[] }[];
  assertEquals(lpanels.filter((p) => p.type === "row").length, 1);
  const lexprs = lpanels.flatMap((p) => p.targets ?? []).map((t) => t.expr);
  // upstream's sample dashboard expressions
  assert(lexprs.includes('am_transitions_mach_2{job="my_service"}'));
  assert(
    lexprs.includes('am_relations_mach_2{job="my_service"} / am_states_mach_2{job="my_service"}'),
  );
  const lvars = (legacy.templating as { list: { name: string }[] }).list.map((v) => v.name);
  assertEquals(lvars, ["prometheus", "loki"]);
});

Deno.test("metrics: added/removed averages equal the core's tx.diff over random mutations", () => {
  const registry = new Registry();
  const names = ["A", "B", "C", "D", "E"] as const;
  const mach = new Machine({
    A: {},
    B: { require: ["A"] },
    C: { multi: true },
    D: { remove: ["E"] },
    E: { multi: true, add: ["A"] },
  }, { id: "diffs" });
  const metrics = bindMach(mach, { registry });
  let added = 0, removed = 0, adding = 0, removing = 0;
  mach.bindTracer({
    id: "diff-check",
    transitionEnd(tx) {
      if (!tx.accepted) return;
      if (tx.mutation.type !== MutationType.Remove) {
        [added, adding] = [added + tx.diff.added.length, adding + 1];
      }
      if (tx.mutation.type !== MutationType.Add) {
        [removed, removing] = [removed + tx.diff.removed.length, removing + 1];
      }
    },
  });
  let seed = 7;
  // high bits: an LCG's low bits cycle
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) >>> 16) % n;
  const pick = () => names.filter(() => rnd(2) === 1);
  for (let i = 0; i < 300; i++) {
    const op = rnd(3);
    if (op === 0) mach.add(pick());
    else if (op === 1) mach.remove(pick());
    else mach.set(pick());
  }
  metrics.sync();
  assert(adding > 0 && removing > 0 && added > 0 && removed > 0);
  assertAlmostEquals(metrics.statesAdded.value, added / adding, 1e-9);
  assertAlmostEquals(metrics.statesRemoved.value, removed / removing, 1e-9);
});
