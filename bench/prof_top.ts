// Self time of a V8 .cpuprofile (deno run --cpu-prof): the top functions,
// then the same grouped by source (a file of ours, an npm package, Deno's
// runtime, GC). deno run -A bench/prof_top.ts FILE [N]

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const p: Profile = JSON.parse(Deno.readTextFileSync(Deno.args[0]));
const top = Number(Deno.args[1] ?? 20);
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const fns = new Map<string, number>();
const sources = new Map<string, number>();
let total = 0;
const add = (m: Map<string, number>, k: string, t: number) => m.set(k, (m.get(k) ?? 0) + t);

function source(url: string, fn: string): string {
  if (!url) return fn.startsWith("(") ? fn : "(native)";
  const npm = /\/npm\/[^/]+\/(@[^/]+\/[^/]+|[^/]+)\//.exec(url);
  if (npm) return "npm:" + npm[1];
  if (url.startsWith("ext:")) return "deno runtime (" + url.split("/")[0] + ")";
  return url.split("/").slice(-2).join("/");
}

for (let i = 0; i < p.samples.length; i++) {
  const n = byId.get(p.samples[i])!;
  const t = p.timeDeltas[i] ?? 0;
  const { functionName, url, lineNumber } = n.callFrame;
  const fn = functionName || "(anonymous)";
  add(fns, `${fn} ${url.split("/").slice(-2).join("/")}:${lineNumber + 1}`, t);
  add(sources, source(url, fn), t);
  total += t;
}
const print = (m: Map<string, number>) => {
  for (const [k, t] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${(100 * t / total).toFixed(1).padStart(5)}%  ${k}`);
  }
};
console.log("self time by function:");
print(fns);
console.log("\nself time by source:");
print(sources);
