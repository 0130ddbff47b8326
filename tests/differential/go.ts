// Builds the Go runner (tests/go/diff) once per source version (the binary is
// cached by a hash of its sources) and runs scenarios through it in batches:
// one process, scenarios on stdin, one JSON result per line on stdout.

import type { Out, Scenario } from "./scenario.ts";

const GO_DIR = new URL("../go/", import.meta.url).pathname;
/** The runner's sources: every file of tests/go/diff, go.mod, go.sum. */
function sources(): string[] {
  const files = [...Deno.readDirSync(GO_DIR + "diff")]
    .filter((e) => e.isFile && e.name.endsWith(".go"))
    .map((e) => "diff/" + e.name)
    .sort();
  return [...files, "go.mod", "go.sum"];
}

async function sha(bytes: Uint8Array[]): Promise<string> {
  const all = new Uint8Array(bytes.reduce((n, b) => n + b.length, 0));
  let off = 0;
  for (const b of bytes) {
    all.set(b, off);
    off += b.length;
  }
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return Array.from(d.slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
}

function cacheDir(): string {
  const base = Deno.env.get("XDG_CACHE_HOME") ?? `${Deno.env.get("HOME") ?? "/tmp"}/.cache`;
  return `${base}/am-telemetry`;
}

/** Path of the built Go runner; builds it when its sources changed. */
export async function goRunner(): Promise<string> {
  const hash = await sha(
    sources().flatMap((f) => [new TextEncoder().encode(f), Deno.readFileSync(GO_DIR + f)]),
  );
  const dir = cacheDir();
  const bin = `${dir}/amdiff-${hash}`;
  try {
    if (Deno.statSync(bin).isFile) return bin;
  } catch {
    // not built yet
  }
  Deno.mkdirSync(dir, { recursive: true });
  const tmp = `${bin}.${Deno.pid}.tmp`;
  const out = await new Deno.Command("go", {
    args: ["build", "-o", tmp, "./diff"],
    cwd: GO_DIR,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`go build ./diff failed:\n${new TextDecoder().decode(out.stderr)}`);
  }
  Deno.renameSync(tmp, bin);
  // older builds (of other sources) aren't needed any more
  for (const e of Deno.readDirSync(dir)) {
    if (e.name.startsWith("amdiff-") && !e.name.endsWith(".tmp") && `${dir}/${e.name}` !== bin) {
      try {
        Deno.removeSync(`${dir}/${e.name}`);
      } catch {
        // another run may be removing it too
      }
    }
  }
  return bin;
}

/** Runs scenarios on upstream's Go core, in one process; results in order. */
export async function runGo(bin: string, scenarios: Scenario[]): Promise<Out[]> {
  const child = new Deno.Command(bin, {
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const enc = new TextEncoder();
  // write and read at once: a full stdout pipe would block the writer
  const writing = (async () => {
    const w = child.stdin.getWriter();
    const chunk: string[] = [];
    for (const sc of scenarios) {
      chunk.push(JSON.stringify(sc));
      if (chunk.length >= 200) {
        await w.write(enc.encode(chunk.join("\n") + "\n"));
        chunk.length = 0;
      }
    }
    if (chunk.length) await w.write(enc.encode(chunk.join("\n") + "\n"));
    await w.close();
  })();
  const stderr = new Response(child.stderr).text();
  const text = await new Response(child.stdout).text();
  await writing;
  const status = await child.status;
  const lines = text.split("\n").filter((l) => l.length > 0);
  if (!status.success || lines.length !== scenarios.length) {
    throw new Error(
      `Go runner: exit ${status.code}, ${lines.length}/${scenarios.length} results\n` +
        (await stderr).slice(0, 4000),
    );
  }
  return lines.map((l) => JSON.parse(l) as Out);
}
