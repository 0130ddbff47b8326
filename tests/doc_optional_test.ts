// `deno doc` shows a defaulted parameter (`opts: X = {}`) as required
// (`opts: X`); the public API declares them optional (`opts?: X`) and
// applies the default in the body. Every entry point of deno.json, every
// exported function, constructor and method.

import { assertEquals } from "@std/assert";
import { denoDocJson } from "./helpers.ts";

const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
const entries = Object.values(config.exports as Record<string, string>);

interface Param {
  kind: string;
  name?: string;
  left?: Param;
  param?: Param;
}

Deno.test("public API: no parameter that deno doc would show as required but has a default", async () => {
  const doc = await denoDocJson<{ nodes: Record<string, unknown> }>(entries);
  const found: string[] = [];
  const check = (where: string, params: Param[] = []) => {
    for (const p of params) {
      const inner = p.kind === "tsParamProp" ? p.param! : p;
      if (inner.kind === "assign") found.push(`${where}(${inner.left?.name ?? "?"})`);
    }
  };
  for (const node of Object.values(doc.nodes) as { symbols?: unknown[] }[]) {
    for (const sym of (node.symbols ?? []) as { name: string; declarations: unknown[] }[]) {
      for (const decl of sym.declarations as { kind: string; def: Record<string, unknown> }[]) {
        if (decl.kind === "function") check(sym.name, decl.def.params as Param[]);
        if (decl.kind !== "class") continue;
        for (const c of (decl.def.constructors ?? []) as { params: Param[] }[]) {
          check(`new ${sym.name}`, c.params);
        }
        for (
          const m of (decl.def.methods ?? []) as {
            name: string;
            functionDef: { params: Param[] };
          }[]
        ) {
          check(`${sym.name}.${m.name}`, m.functionDef.params);
        }
      }
    }
  }
  assertEquals([...new Set(found)].sort(), []);
});
