/**
 * Fails when the module graph of the repository's TypeScript files has an
 * import cycle. Reads the graph from `deno info --json` (one run over a
 * generated module importing every file), then lists each strongly
 * connected component of more than one file (or a file importing itself).
 *
 * Edges are every import, type-only ones (`import type`, `deno info`'s
 * `type` dependencies) included: a runtime cycle means modules call each
 * other (or initialise in an order that depends on who is imported first),
 * a type-only one that neither file can be read or changed alone. Types
 * that name each other live in one file (machine/api.ts).
 *
 * Usage: `deno run --allow-read --allow-run --allow-write tools/check_cycles.ts [dir]`
 *
 * @module
 */

/** One module of `deno info --json`. */
interface InfoModule {
  specifier: string;
  dependencies?: {
    code?: { specifier: string };
    type?: { specifier: string };
  }[];
}

/** The local files' import edges: file URL to the file URLs it imports. */
export type Graph = Map<string, Set<string>>;

/**
 * Builds the graph of local (`file:`) modules from `deno info --json`
 * output: an edge per import, runtime or type-only.
 *
 * @example Usage
 * ```ts
 * import { graphFromInfo } from "./check_cycles.ts";
 * const g = graphFromInfo({ modules: [] }, "file:///repo/");
 * g.size; // 0
 * ```
 */
export function graphFromInfo(info: { modules: InfoModule[] }, root: string): Graph {
  const graph: Graph = new Map();
  for (const mod of info.modules) {
    if (!mod.specifier.startsWith(root)) continue;
    const deps = new Set<string>();
    for (const dep of mod.dependencies ?? []) {
      for (const target of [dep.code?.specifier, dep.type?.specifier]) {
        if (target?.startsWith(root)) deps.add(target);
      }
    }
    graph.set(mod.specifier, deps);
  }
  return graph;
}

/**
 * The cycles of a graph: its strongly connected components of two or more
 * nodes, and nodes with an edge to themselves (Tarjan's algorithm,
 * iterative so deep graphs can't overflow the stack).
 *
 * @example Usage
 * ```ts
 * import { findCycles } from "./check_cycles.ts";
 * const g = new Map([["a", new Set(["b"])], ["b", new Set(["a"])], ["c", new Set<string>()]]);
 * findCycles(g); // [["a", "b"]]
 * ```
 */
export function findCycles(graph: Graph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: [string, string[]][] = [];
    const enter = (v: string) => {
      index.set(v, next);
      low.set(v, next++);
      stack.push(v);
      onStack.add(v);
      work.push([v, [...(graph.get(v) ?? [])]]);
    };
    enter(start);
    while (work.length) {
      const [v, todo] = work[work.length - 1];
      const w = todo.shift();
      if (w !== undefined) {
        if (!index.has(w)) enter(w);
        else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent)!, low.get(v)!));
      }
      if (low.get(v) !== index.get(v)) continue;
      const scc: string[] = [];
      let x: string;
      do {
        x = stack.pop()!;
        onStack.delete(x);
        scc.push(x);
      } while (x !== v);
      if (scc.length > 1 || graph.get(v)?.has(v)) cycles.push(scc.sort());
    }
  }
  return cycles;
}

async function tsFiles(dir: string, out: string[] = []): Promise<string[]> {
  for await (const e of Deno.readDir(dir)) {
    if (e.name.startsWith(".") || e.name === "node_modules") continue;
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) await tsFiles(path, out);
    else if (e.isFile && /\.(ts|tsx|mts)$/.test(e.name) && !e.name.endsWith(".d.ts")) {
      out.push(path);
    }
  }
  return out;
}

async function main(dir: string): Promise<number> {
  const root = new URL(`file://${await Deno.realPath(dir)}/`).href;
  const files = await tsFiles(await Deno.realPath(dir));
  const entry = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(
      entry,
      files.sort().map((f) => `import "${new URL(`file://${f}`).href}";`).join("\n") + "\n",
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", entry],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      console.error(new TextDecoder().decode(out.stderr));
      return 2;
    }
    const info = JSON.parse(new TextDecoder().decode(out.stdout));
    const graph = graphFromInfo(info, root);
    const cycles = findCycles(graph);
    if (cycles.length === 0) {
      console.log(`no import cycles in ${graph.size} modules`);
      return 0;
    }
    for (const c of cycles) {
      console.error(`import cycle: ${c.map((s) => s.slice(root.length)).join(" ")}`);
    }
    return 1;
  } finally {
    await Deno.remove(entry);
  }
}

if (import.meta.main) {
  const dir = Deno.args.find((a) => !a.startsWith("--")) ?? ".";
  Deno.exit(await main(dir));
}
