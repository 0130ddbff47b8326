// Writes a Grafana dashboard for machine ids:
//   deno task gen-grafana-dashboard IDS=mach1,mach2 [SOURCE=my-service] [LEGACY=1] [OUT=file.json]
// Without OUT, the JSON goes to stdout.

import { grafanaDashboard } from "../prometheus/mod.ts";

const args: Record<string, string> = {};
for (const arg of Deno.args) {
  const eq = arg.indexOf("=");
  if (eq > 0) args[arg.slice(0, eq).replace(/^--/, "").toUpperCase()] = arg.slice(eq + 1);
}
const ids = (args.IDS ?? "").split(",").map((s) => s.trim()).filter(Boolean);
if (ids.length === 0) {
  console.error(
    "usage: deno task gen-grafana-dashboard IDS=mach1,mach2 [SOURCE=svc] [LEGACY=1] [OUT=f.json]",
  );
  Deno.exit(2);
}
const dashboard = grafanaDashboard(ids, {
  title: args.TITLE ?? `asyncmachine: ${ids.join(", ")}`,
  source: args.SOURCE,
  legacyNames: args.LEGACY === "1" || args.LEGACY === "true",
});
const json = JSON.stringify(dashboard, null, 2) + "\n";
if (args.OUT) {
  await Deno.writeTextFile(args.OUT, json);
  console.error(`wrote ${args.OUT}`);
} else {
  await Deno.stdout.write(new TextEncoder().encode(json));
}
