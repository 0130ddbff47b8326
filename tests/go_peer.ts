// Go peers for the wire tests: the machine's Go (PATH or /usr/local/go/bin),
// the tests/go module's programs built with it (Go's build cache makes a
// rebuild cheap), and am-dbg v0.19.1 as `.ci/run` installs it.

import { which } from "./peers.ts";

/** The am-dbg version the tests pin (tests/go/go.mod's tool). */
export const AM_DBG_VERSION = "v0.19.1";

const HOME = Deno.env.get("HOME") ?? "/root";
/** Where `.ci/run` caches the built binaries (am-dbg, the tests/go programs). */
export const GO_BIN_CACHE = Deno.env.get("AM_TELEMETRY_GOBIN") ??
  `${HOME}/.cache/am-telemetry/bin`;

function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** The go binary: on PATH, else Go's default install dir. */
export function goPath(): string | undefined {
  return which("go") ?? (exists("/usr/local/go/bin/go") ? "/usr/local/go/bin/go" : undefined);
}

/** am-dbg: AM_DBG_BIN, the CI cache, PATH, or GOPATH/bin. */
export function amDbgPath(): string | undefined {
  const env = Deno.env.get("AM_DBG_BIN");
  if (env) return env;
  for (const p of [`${GO_BIN_CACHE}/am-dbg`, which("am-dbg"), `${HOME}/go/bin/am-dbg`]) {
    if (p && exists(p)) return p;
  }
}

/**
 * Test options for a test needing Go (and am-dbg): skipped locally when
 * missing, but in CI (CI=true) it runs and fails, as `.ci/run` installs them.
 */
export function needsGo(opts: { amDbg?: boolean } = {}): { ignore: boolean } {
  const missing = [
    ...(goPath() ? [] : ["go"]),
    ...(opts.amDbg && !amDbgPath() ? [`am-dbg ${AM_DBG_VERSION}`] : []),
  ];
  if (missing.length === 0) return { ignore: false };
  if (Deno.env.get("CI")) return { ignore: false };
  console.warn(`skipping: ${missing.join(", ")} not installed (.ci/run installs it)`);
  return { ignore: true };
}

const built = new Map<string, Promise<string>>();

/** Builds a main package of tests/go (".", "./sink", "./upstream"); returns the binary's path. */
export function goBuild(pkg = "."): Promise<string> {
  let p = built.get(pkg);
  if (!p) {
    p = (async () => {
      const go = goPath();
      if (!go) throw new Error("go not found (PATH, /usr/local/go/bin): .ci/run needs it");
      const out = await Deno.makeTempDir({ prefix: "am-go-" });
      const bin = `${out}/${pkg === "." ? "amgo" : pkg.replace(/^\.\//, "")}`;
      const res = await new Deno.Command(go, {
        args: ["build", "-o", bin, pkg],
        cwd: new URL("./go", import.meta.url).pathname,
        stdout: "piped",
        stderr: "piped",
      }).output();
      if (res.code !== 0) {
        throw new Error(`go build ${pkg}: ${new TextDecoder().decode(res.stderr)}`);
      }
      return bin;
    })();
    built.set(pkg, p);
  }
  return p;
}

/** A child's stdout as JSON lines, collected as they come. */
export function jsonLines<T>(
  stream: ReadableStream<Uint8Array<ArrayBuffer>>,
): { lines: T[]; done: Promise<void> } {
  const lines: T[] = [];
  const done = (async () => {
    let buf = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line.startsWith("{")) lines.push(JSON.parse(line));
      }
    }
  })();
  return { lines, done };
}

/**
 * Drops zero values (Go's JSON shows them, gob omits them), lower-cases keys
 * (am.State's JSON tags are lower-case), turns Maps into objects and times
 * into ISO strings.
 */
export function norm(v: unknown, skip: readonly string[] = [], keepEmpty = false): unknown {
  // Dates and Go's JSON times (RFC 3339, trailing zeros trimmed) alike
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "string" && /^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(v)) {
    return new Date(v).toISOString();
  }
  if (v instanceof Map) v = Object.fromEntries(v);
  if (Array.isArray(v)) return v.map((x) => norm(x, skip));
  if (v && typeof v === "object" && !(v instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (skip.includes(k)) continue;
      // a schema's states stay, even without relations
      const n = norm(x, skip, k.toLowerCase() === "states");
      const empty = n === null || n === undefined || n === "" || n === 0 || n === false ||
        (Array.isArray(n) && n.length === 0) ||
        (!keepEmpty && typeof n === "object" && !(n instanceof Date) &&
          Object.keys(n).length === 0);
      if (!empty) out[k.toLowerCase()] = n;
    }
    return out;
  }
  return typeof v === "bigint" && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** Waits until a file (am-dbg's own log) stops growing: its debounced work is done. */
export async function quiet(file: string, ms = 20_000): Promise<void> {
  let last = -1;
  let still = 0;
  const end = Date.now() + ms;
  while (still < 6 && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 250));
    const size = await Deno.stat(file).then((s) => s.size, () => -1);
    still = size === last ? still + 1 : 0;
    last = size;
  }
}
