// Helpers for tests against real peers (Debian packages installed by
// .ci/run): find binaries, free ports, run and stop processes, poll.

/** The binary's path on PATH, or undefined. */
export function which(bin: string): string | undefined {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    try {
      const path = `${dir}/${bin}`;
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // not here
    }
  }
}

/** Test options skipping (with a message) when a binary is missing. */
export function needs(...bins: string[]): { ignore: boolean } {
  const missing = bins.filter((b) => !which(b));
  if (missing.length > 0) {
    console.warn(`skipping: ${missing.join(", ")} not installed (.ci/run installs it)`);
  }
  return { ignore: missing.length > 0 };
}

/** A free loopback TCP port. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Polls `fn` until it returns a value (not undefined) or `ms` pass. */
export async function poll<T>(
  fn: () => Promise<T | undefined>,
  ms = 30_000,
  every = 250,
): Promise<T> {
  const end = Date.now() + ms;
  let lastErr: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      lastErr = e;
    }
    await new Promise((r) => setTimeout(r, every));
  }
  throw new Error(`timed out after ${ms} ms${lastErr ? `: ${lastErr}` : ""}`);
}

/** Starts a process with output discarded; kill it with the returned fn. */
export function spawn(cmd: string, args: string[]): () => Promise<void> {
  const child = new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).spawn();
  return async () => {
    try {
      child.kill("SIGTERM");
    } catch {
      // already gone
    }
    await child.status;
  };
}

/** Runs a command with `input` on stdin; returns exit code and output. */
export async function run(
  cmd: string,
  args: string[],
  input?: string,
): Promise<{ code: number; out: string }> {
  const child = new Deno.Command(cmd, {
    args,
    stdin: input === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (input !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(input));
    await w.close();
  }
  const { code, stdout, stderr } = await child.output();
  const dec = new TextDecoder();
  return { code, out: dec.decode(stdout) + dec.decode(stderr) };
}

/** Reads a text stream until `re` matches what was read; the match. */
export async function readUntil(
  reader: ReadableStreamDefaultReader<string>,
  re: RegExp,
): Promise<RegExpMatchArray> {
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`stream ended before ${re}: ${text}`);
    text += value;
    const m = text.match(re);
    if (m) return m;
  }
}

/**
 * A real Prometheus scraping `target` (host:port) every second as job
 * `job`, on a free loopback port; `stop` kills it and removes its data.
 */
export async function startPrometheus(
  target: string,
  job = "am",
): Promise<{ api: string; stop: () => Promise<void> }> {
  const dir = await Deno.makeTempDir();
  const port = freePort();
  await Deno.writeTextFile(
    `${dir}/prometheus.yml`,
    [
      "global:",
      "  scrape_interval: 1s",
      "scrape_configs:",
      `  - job_name: ${job}`,
      "    static_configs:",
      `      - targets: ["${target}"]`,
    ].join("\n"),
  );
  const kill = spawn("prometheus", [
    `--config.file=${dir}/prometheus.yml`,
    `--storage.tsdb.path=${dir}/data`,
    `--web.listen-address=127.0.0.1:${port}`,
  ]);
  return {
    api: `http://127.0.0.1:${port}/api/v1`,
    stop: async () => {
      await kill();
      await Deno.remove(dir, { recursive: true });
    },
  };
}
