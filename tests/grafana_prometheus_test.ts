// The generated dashboard against a real Prometheus scraping the demo:
// every panel's query (the mach_id variable and Grafana's rate interval
// substituted) returns data, and the variable's own query lists the demo's
// machines.

import { assert, assertEquals } from "@std/assert";
import { grafanaDashboard } from "../prometheus/mod.ts";
import { needs, poll, readUntil, startPrometheus } from "./peers.ts";

interface PanelTarget {
  expr: string;
}

interface Panel {
  type: string;
  title: string;
  targets?: PanelTarget[];
}

Deno.test({
  name:
    "grafana dashboard: every panel query returns data from a real Prometheus scraping the demo",
  ...needs("prometheus"),
  async fn() {
    const traces = await Deno.makeTempFile({ suffix: ".json" });
    const demo = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net",
        "--allow-env",
        "--allow-read",
        "--allow-write",
        "examples/demo.ts",
        "--duration",
        "120",
        "--port",
        "0",
        "--traces",
        traces,
      ],
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const out = demo.stdout.pipeThrough(new TextDecoderStream()).getReader();
    const [, host] = await readUntil(out, /demo on http:\/\/(127\.0\.0\.1:\d+)/);
    const drain = (async () => {
      while (!(await out.read()).done) {
        // keep the pipe flowing
      }
    })();
    const { api, stop } = await startPrometheus(host, "my_service");
    const query = async (expr: string): Promise<{ metric: Record<string, string> }[]> => {
      const res = await fetch(`${api}/query?query=${encodeURIComponent(expr)}`);
      const body = await res.json();
      if (body.status !== "success") throw new Error(`${expr}: ${body.error}`);
      return body.data.result;
    };
    try {
      const dashboard = grafanaDashboard(["sim"], { source: "my-service" });
      const panels = (dashboard.panels as Panel[]).filter((p) => p.targets && p.type !== "logs");
      const exprs = panels.flatMap((p) =>
        p.targets!.map((t) => ({
          panel: p.title,
          // what Grafana sends for mach_id = sim and a 1 s scrape interval
          expr: t.expr.replaceAll("$mach_id", "sim").replaceAll("$__rate_interval", "15s"),
        }))
      );
      assert(exprs.length >= 14, `${exprs.length} queries`);
      assert(exprs.some((e) => e.expr.includes("rate(am_transitions_total")));
      assert(exprs.some((e) => e.expr.startsWith("histogram_quantile(0.99")));
      // every query returns data once a few scrapes are in
      const empty = await poll(
        async () => {
          const missing: string[] = [];
          for (const { panel, expr } of exprs) {
            const result = await query(expr);
            if (!result.some((r) => r.metric.mach_id === "sim")) missing.push(`${panel}: ${expr}`);
          }
          return missing.length === 0 ? missing : undefined;
        },
        60_000,
        1000,
      );
      assertEquals(empty, []);
      // the quantile is a number, not NaN: the histogram has data
      const p99 = await query(
        exprs.find((e) => e.expr.startsWith("histogram_quantile(0.99"))!.expr,
      ) as unknown as { value: [number, string] }[];
      assert(Number.isFinite(Number(p99[0].value[1])), `p99 = ${p99[0].value[1]}`);
      // the variable's query (label_values) lists the demo's machines
      const variable = (dashboard.templating as { list: { name: string; query?: string }[] }).list
        .find((v) => v.name === "mach_id")!;
      const match = variable.query!.match(/^label_values\((.*), mach_id\)$/)![1];
      const values = await (await fetch(
        `${api}/label/mach_id/values?match[]=${encodeURIComponent(match)}`,
      )).json();
      assert(values.data.includes("sim"), values.data.join());
      assert(values.data.some((id: string) => id.startsWith("sim-p")), values.data.join());
    } finally {
      await stop();
      demo.kill("SIGTERM");
      await demo.status;
      await drain;
      await Deno.remove(traces).catch(() => {});
    }
  },
});
