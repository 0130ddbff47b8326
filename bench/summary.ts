// One summary table of the ratios the issues ask for. Each section runs in
// a fresh process (one section's heap and JIT state don't tilt the next
// one's ratios), measured with interleaved rounds (bench/harness.ts).
// `--json` prints JSON; `--section=NAME` runs one section and prints its
// rows as JSON.
//
// Adding a section: a module in bench/ whose default export returns its
// rows (`(): Promise<Row[]>`, see bench/row.ts), and one entry in SECTIONS
// below (with any extra permissions its process needs).

import { dbgHandler, DbgHub } from "../dbg/mod.ts";
import { chromiumPath, launch } from "../tests/cdp.ts";
import { UI_PERF_SCRIPT, type UiPerf } from "../tests/ui_perf.ts";
import type { Row } from "./row.ts";

/** One section: its rows come from `module`'s default export (or `run`). */
interface Section {
  name: string;
  /** A module of bench/ exporting `default (): Promise<Row[]>`. */
  module?: string;
  /** Rows produced in this file. */
  run?: () => Promise<Row[]>;
  /** Permissions beyond --allow-read, --allow-env, --allow-net. */
  allow?: string[];
}

const SECTIONS: Section[] = [
  { name: "machine", module: "./section_machine.ts" },
  { name: "prometheus", module: "./section_prometheus.ts" },
  { name: "otel", module: "./section_otel.ts" },
  // spawns a child with OTEL_DENO=true
  { name: "otel-deno", module: "./section_otel_deno.ts", allow: ["--allow-run"] },
  // spawns the collector process (bench/dbg_sink.ts)
  { name: "dbg", module: "./section_dbg.ts", allow: ["--allow-run"] },
  { name: "gob", module: "./section_gob.ts" },
  // the KV row writes a temporary SQLite file
  { name: "hub", module: "./section_hub.ts", allow: ["--allow-write"] },
  { name: "logs", module: "./section_logs.ts" },
  // launches chromium with a temporary profile
  { name: "ui", run: uiRows, allow: ["--allow-run", "--allow-write"] },
];

async function uiRows(): Promise<Row[]> {
  const rows: Row[] = [];
  const metric = "dbg page: worst update batch, 10,000 transitions in history";
  if (!chromiumPath()) {
    rows.push({
      metric: metric + " (skipped: no chromium)",
      value: NaN,
      unit: "ms",
      target: "< 50 ms",
      ok: true,
    });
    return rows;
  }
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    dbgHandler(new DbgHub()),
  );
  const browser = await launch();
  try {
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) {
      // a fresh page each run: the history starts empty
      await browser.page.navigate(`http://127.0.0.1:${server.addr.port}/`);
      runs.push((await browser.page.evaluate<UiPerf>(UI_PERF_SCRIPT)).ms);
    }
    const ms = runs.sort((a, b) => a - b)[2];
    rows.push({
      metric: metric + " (median of 5)",
      value: ms,
      unit: "ms",
      target: "< 50 ms",
      ok: ms < 50,
    });
  } finally {
    await browser.close();
    await server.shutdown();
  }
  return rows;
}

async function runSection(section: Section): Promise<Row[]> {
  if (section.run) return await section.run();
  const mod = await import(section.module!);
  return await mod.default();
}

const only = Deno.args.find((a) => a.startsWith("--section="))?.split("=")[1];
if (only) {
  const section = SECTIONS.find((s) => s.name === only);
  if (!section) throw new Error(`no bench section ${only}: ${SECTIONS.map((s) => s.name)}`);
  console.log(JSON.stringify(await runSection(section)));
  Deno.exit(0);
}
const rows: Row[] = [];
for (const section of SECTIONS) {
  const res = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-env",
      "--allow-net",
      ...(section.allow ?? []),
      "--v8-flags=--expose-gc",
      new URL(import.meta.url).pathname,
      `--section=${section.name}`,
      ...Deno.args.filter((a) => a.startsWith("--stall-seconds=")),
    ],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (res.code !== 0) throw new Error(`bench section ${section.name} failed`);
  const out = new TextDecoder().decode(res.stdout).trim().split("\n");
  rows.push(...JSON.parse(out[out.length - 1]));
}

if (Deno.args.includes("--json")) {
  console.log(JSON.stringify({ runtime: Deno.version, rows }, null, 2));
} else {
  const fmt = (r: Row) =>
    r.unit === "%" || r.unit === "x" || r.unit === "ms"
      ? r.value.toFixed(2)
      : Math.round(r.value).toString();
  console.log(
    `\nsummary (a process per section; CPU: fastest of interleaved rounds; I/O: medians; Deno ${Deno.version.deno})\n`,
  );
  console.log("| metric | value | target | ok |\n|---|---|---|---|");
  for (const r of rows) {
    console.log(
      `| ${r.metric} | ${fmt(r)} ${r.unit} | ${r.target} | ${
        r.target ? (r.ok ? "yes" : "NO") : ""
      } |`,
    );
  }
}
