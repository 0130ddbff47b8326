// tools/check_cycles.ts: finds import cycles in a tree, type-only imports
// included, and the repository has none.

import { assert, assertEquals } from "@std/assert";
import { findCycles, graphFromInfo } from "../tools/check_cycles.ts";

async function run(dir: string, ...args: string[]): Promise<{ code: number; err: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-run",
      "--allow-write",
      "tools/check_cycles.ts",
      ...args,
      dir,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, err: new TextDecoder().decode(out.stderr) };
}

Deno.test("cycles: findCycles lists strongly connected components and self-imports", () => {
  const g = new Map([
    ["a", new Set(["b"])],
    ["b", new Set(["c"])],
    ["c", new Set(["a", "d"])],
    ["d", new Set<string>()],
    ["e", new Set(["e"])],
  ]);
  assertEquals(findCycles(g), [["a", "b", "c"], ["e"]]);
  assertEquals(findCycles(new Map([["a", new Set(["b"])], ["b", new Set<string>()]])), []);
});

Deno.test("cycles: graphFromInfo keeps runtime and type-only edges to local files", () => {
  const root = "file:///r/";
  const g = graphFromInfo({
    modules: [
      {
        specifier: `${root}a.ts`,
        dependencies: [
          { code: { specifier: `${root}b.ts` } },
          { type: { specifier: `${root}t.ts` } },
          { code: { specifier: "npm:/x@1" } },
        ],
      },
      { specifier: "npm:/x@1" },
    ],
  }, root);
  assertEquals([...g.keys()], [`${root}a.ts`]);
  assertEquals([...g.get(`${root}a.ts`)!].sort(), [`${root}b.ts`, `${root}t.ts`]);
});

Deno.test("cycles: a type-only cycle fails like a runtime one", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/a.ts`,
      'import { b } from "./b.ts";\nexport const a = () => b;\n',
    );
    await Deno.writeTextFile(
      `${dir}/b.ts`,
      'import type { T } from "./t.ts";\nexport const b: T = 1;\n',
    );
    await Deno.writeTextFile(
      `${dir}/t.ts`,
      'import type { b } from "./b.ts";\nexport type T = typeof b | number;\n',
    );
    // b.ts and t.ts name each other through `import type` only
    const typed = await run(dir);
    assertEquals(typed.code, 1);
    assert(typed.err.includes("import cycle: b.ts t.ts"), typed.err);
    await Deno.writeTextFile(`${dir}/t.ts`, "export type T = number;\n");
    assertEquals((await run(dir)).code, 0);
    await Deno.writeTextFile(
      `${dir}/b.ts`,
      'import { a } from "./a.ts";\nexport const b = () => a;\n',
    );
    const res = await run(dir);
    assertEquals(res.code, 1);
    assert(res.err.includes("import cycle: a.ts b.ts"), res.err);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cycles: re-exports and import() type expressions are edges too", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/a.ts`,
      'export type { B } from "./b.ts";\nexport type A = 1;\n',
    );
    await Deno.writeTextFile(`${dir}/b.ts`, 'export type B = import("./a.ts").A;\n');
    const res = await run(dir);
    assertEquals(res.code, 1);
    assert(res.err.includes("import cycle: a.ts b.ts"), res.err);
    await Deno.writeTextFile(`${dir}/b.ts`, "export type B = 1;\n");
    assertEquals((await run(dir)).code, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cycles: the repository has no import cycle, type-only ones included", async () => {
  const res = await run(".");
  assertEquals(res.code, 0, res.err);
});
