// The public API is curated: every entry point of deno.json re-exports names
// one by one (no `export *` carrying a file's internals along), its symbols
// are the reviewed list in tests/fixtures/public_api.json, the internals an
// audit found stay out, and module docs stop exporters the one way
// (`await using`), not by calling a teardown method on a disposable too.
//
// After changing the public API on purpose:
//   deno test -A tests/exports_test.ts -- --update

import { assertEquals } from "@std/assert";
import { denoDocJson } from "./helpers.ts";

const root = new URL("../", import.meta.url);
const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)));
const entries = config.exports as Record<string, string>;
const snapshotUrl = new URL("tests/fixtures/public_api.json", root);

/** Each entry point's public symbol names, as `deno doc` (and JSR) list them. */
async function publicApi(): Promise<Record<string, string[]>> {
  const doc = await denoDocJson<{
    nodes: Record<string, { symbols?: { name: string }[] }>;
  }>(Object.values(entries), root);
  const api: Record<string, string[]> = {};
  for (const [name, path] of Object.entries(entries)) {
    const node = doc.nodes[new URL(path, root).href];
    api[name] = [...new Set((node?.symbols ?? []).map((s) => s.name))].sort();
  }
  return api;
}

Deno.test("public API: entry points re-export by name, never `export *`", async () => {
  const found: string[] = [];
  for (const path of Object.values(entries)) {
    const src = await Deno.readTextFile(new URL(path, root));
    for (const m of src.matchAll(/^export \*.*$/gm)) found.push(`${path}: ${m[0]}`);
  }
  assertEquals(found, []);
});

Deno.test("public API: the reviewed symbol list per entry point", async () => {
  const api = await publicApi();
  if (Deno.args.includes("--update")) {
    await Deno.writeTextFile(snapshotUrl, JSON.stringify(api, null, 2) + "\n");
    return;
  }
  const want = JSON.parse(await Deno.readTextFile(snapshotUrl)) as Record<string, string[]>;
  const diff: string[] = [];
  for (const entry of new Set([...Object.keys(api), ...Object.keys(want)])) {
    const has = new Set(api[entry] ?? []);
    const had = new Set(want[entry] ?? []);
    for (const n of has) if (!had.has(n)) diff.push(`+ ${entry} ${n}`);
    for (const n of had) if (!has.has(n)) diff.push(`- ${entry} ${n}`);
  }
  // a change here is an API change: review it, then update the list (see the top)
  assertEquals(diff, []);
});

Deno.test("public API: internals stay internal", async () => {
  const api = await publicApi();
  const internals: Record<string, string[]> = {
    ".": ["uniq", "randId", "concatBytes", "goSliceStable", "GobReader", "A"],
    "./machine": [
      "isActiveTick",
      "statesDiff",
      "formatArgs",
      "mutationTypeName",
      "uniq",
      "randId",
      "envLogLevel",
      "TransitionRecord",
    ],
    "./prometheus": ["releaseSeriesId", "uniqueSeriesId", "wellFormedId", "escapeLabelValue"],
    "./dbg": [
      "dbgPageScript",
      "DBG_PAGE_HTML",
      "MAX_PAGE",
      "DbgMsgTxType",
      "DbgMsgStructType",
      "RpcRequestType",
      "RecordingType",
      "schemaMessage",
      "dbgAddrFromEnv",
      "tcpByteConn",
      "RPC_ERRORS",
    ],
  };
  const leaked: string[] = [];
  for (const [entry, names] of Object.entries(internals)) {
    for (const n of names) if (api[entry].includes(n)) leaked.push(`${entry} ${n}`);
  }
  assertEquals(leaked, []);
});

Deno.test("module docs: an `await using` exporter isn't also stopped by hand", async () => {
  const found: string[] = [];
  for (const path of [...Object.values(entries), "./env.ts"]) {
    const src = await Deno.readTextFile(new URL(path, root));
    for (const [, example] of src.matchAll(/```ts\n([\s\S]*?)```/g)) {
      for (const [, v] of example.matchAll(/await using (\w+)/g)) {
        const call = example.match(new RegExp(`\\b${v}\\.(dispose|close|stop)\\(`));
        if (call) found.push(`${path}: ${call[0]}`);
      }
    }
  }
  assertEquals(found, []);
});
