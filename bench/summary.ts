// One summary table of the ratios the issues ask for. Each section runs in
// a fresh process (one section's heap and JIT state don't tilt the next
// one's ratios), measured with interleaved rounds (bench/harness.ts).
// `--json` prints JSON; `--section=NAME` runs one section and prints its
// rows as JSON.
//
// Adding a section: a module in bench/ whose default export returns its
// rows (`(): Promise<Row[]>`, see bench/row.ts), and one entry in SECTIONS
// below (with any extra permissions its process needs).

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
  { name: "ui", module: "./section_ui.ts", allow: ["--allow-run", "--allow-write"] },
  // builds (or reuses) the Go runner in ~/.cache
  { name: "go", module: "./section_go.ts", allow: ["--allow-run", "--allow-write"] },
];

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
