// One lifecycle vocabulary in every entry point (root, prometheus, otel, loki, dbg):
// an AsyncDisposable stops through `[Symbol.asyncDispose]`; `close`, `stop`,
// `flushed` (and `closed`) are deprecated aliases; a `dispose()` left
// undeprecated is the synchronous twin ("the same, without waiting").

import { assertEquals } from "@std/assert";
import { denoDocJson } from "./helpers.ts";

const entries = [
  "../prometheus/mod.ts",
  "../otel/mod.ts",
  "../loki/mod.ts",
  "../dbg/mod.ts",
  "../mod.ts",
]
  .map((p) => new URL(p, import.meta.url).href);

interface Member {
  name: string;
  kind?: string;
  jsDoc?: { doc?: string; tags?: { kind: string }[] };
  functionDef?: { returnType?: { repr?: string } };
}

Deno.test("lifecycle names: other teardown names are deprecated; dispose() is the sync twin", async () => {
  const doc = await denoDocJson<{ nodes: Record<string, unknown> }>(entries);
  const wrong: string[] = [];
  let classes = 0;
  for (const node of Object.values(doc.nodes) as { symbols?: unknown[] }[]) {
    for (const sym of (node.symbols ?? []) as { name: string; declarations: unknown[] }[]) {
      for (const decl of sym.declarations as { kind: string; def: Record<string, unknown> }[]) {
        if (decl.kind !== "class") continue;
        const members = [
          ...(decl.def.methods ?? []) as Member[],
          ...(decl.def.properties ?? []) as Member[],
        ];
        if (!members.some((m) => m.name === "[Symbol.asyncDispose]")) continue;
        classes++;
        for (const m of members) {
          const deprecated = m.jsDoc?.tags?.some((t) => t.kind === "deprecated") ?? false;
          const where = `${sym.name}.${m.name}`;
          if (["close", "closed", "stop", "flushed"].includes(m.name) && !deprecated) {
            wrong.push(`${where}: not deprecated`);
          }
          if (m.name !== "dispose" || deprecated) continue;
          if (!m.jsDoc?.doc?.includes("the same, without waiting")) {
            wrong.push(`${where}: not documented as the sync twin`);
          }
          if (m.functionDef?.returnType?.repr !== "void") wrong.push(`${where}: not synchronous`);
        }
      }
    }
  }
  assertEquals(wrong, []);
  // PrometheusMetrics, PrometheusEnvBinding, Pusher, GrafanaSyncTracer, OtelMachTracer,
  // OtelLogger, OtelMetrics, OtelEnvBinding, LokiLogger at least
  assertEquals(classes >= 9, true, `${classes} disposable classes`);
});
