// Prometheus rows: the bytes of a /metrics response for 1,000 machines
// (plain and gzip, text and OpenMetrics), ours through metricsHandler and
// prom-client through the same Response path, the floor (one copy of the
// same bytes plus the number formatting alone), and the metrics tracer's
// cost to the machine.

import type client from "prom-client";
import { bindPrometheusMetrics, metricsHandler, Registry } from "../prometheus/mod.ts";
import { addRemoveLoop, benchMachine } from "./fixtures.ts";
import { measure } from "./harness.ts";
import { floorScrape, oursSet, promClientSet, sampleValues } from "./prometheus_fixtures.ts";
import { goal, info, PAIRS, type Row } from "./row.ts";

const OM = "application/openmetrics-text; version=1.0.0";

/** The response body's bytes, read to the end (a stream included). */
async function bytesOf(res: Response | Promise<Response>): Promise<number> {
  return (await (await res).arrayBuffer()).byteLength;
}

/** prom-client behind the same Response path as ours: string body, or gzip stream. */
async function promClientResponse(reg: client.Registry, gzip: boolean): Promise<Response> {
  const text = await reg.metrics();
  const headers = { "content-type": reg.contentType };
  if (!gzip) return new Response(text, { headers });
  const gz = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Response(gz, { headers: { ...headers, "content-encoding": "gzip" } });
}

/** The section's rows. */
export default async function rows(): Promise<Row[]> {
  const out: Row[] = [];
  const ours = oursSet(1000);
  const theirs = promClientSet(ours.registry);
  const handler = metricsHandler(ours.registry);
  const req = (accept?: string, gzip = false) =>
    new Request("http://127.0.0.1/metrics", {
      headers: {
        ...(accept ? { accept } : {}),
        ...(gzip ? { "accept-encoding": "gzip" } : {}),
      },
    });
  // the two sets must be the same series: a fixture rendering less would measure nothing
  const oursBytes = ours.registry.renderBytes("text").length;
  const theirsBytes = (await theirs.registry.metrics()).length;
  if (oursBytes < theirsBytes * 0.9) {
    throw new Error(`our set renders ${oursBytes} bytes, prom-client's ${theirsBytes}`);
  }
  let round = 0;
  const update = () => {
    ours.update(round);
    theirs.update(round++);
  };
  // the floor gets this round's bytes and numbers, taken outside its timing
  let body = ours.registry.renderBytes("text");
  const dst = new Uint8Array(body.length * 2);
  let values = sampleValues(ours.registry);
  let sink = 0;
  const variants = [
    { key: "text", accept: undefined, gzip: false, pc: theirs.registry },
    { key: "OpenMetrics", accept: OM, gzip: false, pc: theirs.openMetrics },
    { key: "text, gzip", accept: undefined, gzip: true, pc: theirs.registry },
    { key: "OpenMetrics, gzip", accept: OM, gzip: true, pc: theirs.openMetrics },
  ];
  const sizes: Record<string, number> = {};
  for (const v of variants) {
    const cases = [
      {
        name: "ours",
        ops: 1,
        prepare: update,
        run: async () => sizes[v.key] = await bytesOf(handler(req(v.accept, v.gzip))),
      },
      {
        name: "prom-client",
        ops: 1,
        prepare: update,
        run: async () => sink += await bytesOf(promClientResponse(v.pc, v.gzip)),
      },
    ];
    if (v.key === "text") {
      cases.push({
        name: "floor",
        ops: 1,
        prepare: () => {
          update();
          body = ours.registry.renderBytes("text");
          values = sampleValues(ours.registry);
        },
        run: () => Promise.resolve(sink += floorScrape(body, dst, values)),
      });
    }
    const [o, p, f] = await measure(cases, 40, 3);
    const ratio = p.bestMs / o.bestMs;
    const label = `/metrics, 1,000 machines, ${v.key}`;
    out.push(
      info(`${label}: ours (response bytes read)`, o.bestMs, "ms"),
      info(`${label}: prom-client 15.1.3 (same Response path)`, p.bestMs, "ms"),
      v.gzip
        ? info(`${label}: ours vs prom-client`, ratio, "x")
        : goal(`${label}: ours vs prom-client`, ratio, "x", ">= 10x", ratio >= 10),
    );
    if (f) {
      const vsFloor = o.bestMs / f.bestMs;
      out.push(
        info(`${label}: floor (one copy of the bytes + number formatting)`, f.bestMs, "ms"),
        goal(`${label}: ours / floor`, vsFloor, "x", "<= 3x", vsFloor <= 3),
      );
    }
  }
  out.push(
    info("/metrics body, text (1,000 machines)", sizes["text"], "bytes"),
    info("/metrics body, text, gzip", sizes["text, gzip"], "bytes"),
    info(`(checksum ${sink % 10})`, 0, ""),
  );
  out.pop();

  const bare = benchMachine();
  const metered = benchMachine();
  bindPrometheusMetrics(metered, { registry: new Registry() });
  const [b, m] = await measure([
    { name: "core", ops: PAIRS, run: () => addRemoveLoop(bare, PAIRS) },
    { name: "metrics", ops: PAIRS, run: () => addRemoveLoop(metered, PAIRS) },
  ]);
  const cost = (1 - m.opsPerSec / b.opsPerSec) * 100;
  out.push(goal("metrics tracer cost", cost, "%", "< 15%", cost < 15));
  return out;
}
