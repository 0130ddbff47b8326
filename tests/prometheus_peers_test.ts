// Against the real thing: promtool lints our output, a real Prometheus
// scrapes metricsHandler, a real Pushgateway takes the Pusher's pushes.

import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { Machine, type Schema } from "../machine/mod.ts";
import { bindMach, metricsHandler, Pusher, Registry } from "../prometheus/mod.ts";
import { freePort, needs, poll, run, spawn, startPrometheus } from "./peers.ts";

const HOSTILE_IDS = ['q"uote', "back\\slash", "new\nline", "ünï✓", "", "9lives", "a b/c"];

/** A small workload on machines with hostile ids, in one registry. */
function workload(registry: Registry, ids = HOSTILE_IDS): Machine[] {
  const schema: Schema = {
    Start: {},
    Ready: { auto: true, require: ["Start"] },
    Msg: { multi: true, require: ["Ready"] },
    Bad: { require: ["Nope"] },
  };
  return ids.map((id, i) => {
    const mach = new Machine(schema, { id });
    bindMach(mach, { registry, legacyNames: i % 2 === 1 && id !== "" });
    mach.bindHandlers({
      MsgState() {
        if (i % 3 === 0) throw new Error("boom");
      },
    });
    mach.add1("Start");
    mach.add1("Msg");
    mach.add1("Bad");
    return mach;
  });
}

Deno.test({
  name: "promtool check metrics passes on a workload with hostile ids (text format)",
  ...needs("promtool"),
  async fn() {
    const registry = new Registry();
    workload(registry);
    registry.collect();
    const text = registry.render("text");
    assertStringIncludes(text, 'mach_id="new\\nline"');
    const { code, out } = await run("promtool", ["check", "metrics"], text);
    assertEquals(out.trim(), "");
    assertEquals(code, 0);
  },
});

Deno.test({
  name: "a real Prometheus scrapes metricsHandler (OpenMetrics negotiated) and serves the series",
  ...needs("prometheus"),
  async fn() {
    const registry = new Registry();
    const [mach] = workload(registry, ["scraped-mach", 'q"uote']);
    const handler = metricsHandler(registry, { path: "/metrics" });
    const served: string[] = [];
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
      const res = await handler(req);
      served.push(res.headers.get("content-type") ?? "");
      return res;
    });
    const { api, stop } = await startPrometheus(`127.0.0.1:${server.addr.port}`);
    try {
      const query = encodeURIComponent('am_transitions_total{mach_id="scraped-mach"}');
      const value = await poll(async () => {
        const res = await fetch(`${api}/query?query=${query}`);
        const body = await res.json();
        const v = body?.data?.result?.[0]?.value?.[1];
        return v !== undefined && Number(v) > 0 ? Number(v) : undefined;
      });
      assert(value >= 3, `am_transitions_total = ${value}`);
      // the escaped id made it through as the same label value
      const q2 = encodeURIComponent('am_transitions_total{mach_id="q\\"uote"}');
      const res = await fetch(`${api}/query?query=${q2}`);
      assertEquals((await res.json()).data.result[0]?.value[1], "3");
      // scrape health: no errors
      const targets = await (await fetch(`${api}/targets`)).json();
      assertEquals(targets.data.activeTargets[0].lastError, "");
      assertEquals(targets.data.activeTargets[0].health, "up");
      assert(served[0].startsWith("application/openmetrics-text"), served[0]);
    } finally {
      await stop();
      await server.shutdown();
      mach.dispose();
    }
  },
});

Deno.test({
  name: "a real Pushgateway accepts the Pusher's pushes and serves them back",
  ...needs("prometheus-pushgateway"),
  async fn() {
    const port = freePort();
    const stop = spawn("prometheus-pushgateway", [`--web.listen-address=127.0.0.1:${port}`]);
    try {
      const url = `http://127.0.0.1:${port}`;
      await poll(async () => (await fetch(`${url}/-/ready`)).ok || undefined);
      const registry = new Registry();
      workload(registry, ["pushed-mach", "new\nline"]);
      const pusher = new Pusher({ url, job: "am_test", instance: "ci/1", registry, retries: 0 });
      assert(await pusher.push(), pusher.lastError?.message);
      assert(await pusher.push(), "a second PUT replaces the group");
      const text = await (await fetch(`${url}/metrics`)).text();
      const line = text.split("\n").find((l) =>
        l.startsWith("am_transitions_total{") && l.includes('mach_id="pushed-mach"')
      );
      assert(line, "pushed series served back");
      assertStringIncludes(line, 'job="am_test"');
      assertStringIncludes(line, 'instance="ci/1"');
      assertStringIncludes(text, 'mach_id="new\\nline"');
      assert(await pusher.delete());
      const after = await (await fetch(`${url}/metrics`)).text();
      assert(!after.includes('mach_id="pushed-mach"'));
    } finally {
      await stop();
    }
  },
});
