// Upstream's Go machines in our endpoint: asyncmachine-go v0.19.1's own
// pkg/machine and pkg/telemetry/dbg (TransitionsToDbg) run a fixed scenario
// (a root with Auto, Multi, an Exception and a queued mutation; upstream's
// relations playground as submachines, one nested) against listenDbgTcp(hub)
// and against the endpoint's /dbg.ws. Go prints what its tracer sent (an
// in-process recorder gets the same messages); our hub must hold exactly
// that, and the debugger page must show those machines. Then am-dbg v0.19.1
// exports the same scenario to a real .gob.br (through its TUI, in tmux),
// and importDbgRecording reads it with Go's counts.

import { assert, assertEquals } from "@std/assert";
import { dbgHandler, DbgHub, type DbgMsgTx, importDbgRecording, listenDbgTcp } from "../dbg/mod.ts";
import { dbgWsRoute } from "../dbg/rpc.ts";
import { chromiumPath, launch } from "./cdp.ts";
import { freePort, poll, which } from "./peers.ts";
import { amDbgPath, goBuild, jsonLines, needsGo, norm, quiet } from "./go_peer.ts";

interface GoRun {
  msgs: { method: string; msg: Record<string, unknown> }[];
  summary: { machines: string[]; schemas: number; txs: number; steps: number; logEntries: number };
}

/** Runs the Go scenario against `addr` (`ws` for /dbg.ws); resolves with what Go sent. */
async function runUpstream(addr: string, ...flags: string[]): Promise<GoRun> {
  const res = await new Deno.Command(await goBuild("./upstream"), {
    args: ["scenario", addr, ...flags],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const err = new TextDecoder().decode(res.stderr);
  assertEquals(res.code, 0, err);
  const lines = new TextDecoder().decode(res.stdout).split("\n")
    // the machines' own log goes to stdout too
    .filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
  const summary = lines.pop().summary;
  return { msgs: lines, summary };
}

/** Waits until the hub holds every machine with Go's transition count, then compares. */
async function assertHubHolds(hub: DbgHub, run: GoRun): Promise<void> {
  const want = new Map<string, { schema?: unknown; txs: Record<string, unknown>[] }>();
  for (const m of run.msgs) {
    const id = (m.method === "DbgMsgSchema" ? m.msg.ID : m.msg.MachineID) as string;
    if (!want.has(id)) want.set(id, { txs: [] });
    if (m.method === "DbgMsgSchema") want.get(id)!.schema = m.msg;
    else want.get(id)!.txs.push(m.msg);
  }
  assertEquals([...want.keys()].sort(), [...run.summary.machines].sort());
  const txsOf = async (id: string): Promise<DbgMsgTx[]> => {
    try {
      return (await hub.txs(id, { limit: 1000 })).txs.map((t) => t.msg);
    } catch {
      return [];
    }
  };
  await poll(
    async () => {
      for (const [id, w] of want) if ((await txsOf(id)).length < w.txs.length) return undefined;
      return true;
    },
    15_000,
    50,
  );
  assertEquals((await hub.machines()).map((m) => m.id).sort(), [...want.keys()].sort());
  let txs = 0;
  for (const [id, w] of want) {
    assertEquals(norm(await hub.schema(id)), norm(w.schema), `schema ${id}`);
    const got = await txsOf(id);
    assertEquals(got.length, w.txs.length, `txs of ${id}`);
    for (let i = 0; i < got.length; i++) {
      assertEquals(norm(got[i], ["Time"]), norm(w.txs[i], ["Time"]), `${id} tx #${i}`);
    }
    txs += got.length;
  }
  assertEquals(txs, run.summary.txs);
  // the scenario covers what it claims
  const all = [...want.values()].flatMap((w) => w.txs) as unknown as DbgMsgTx[];
  assert(all.some((t) => t.IsQueued), "queued mutations");
  assert(all.some((t) => t.IsAuto), "auto transitions");
  assert(all.some((t) => (t.Steps?.length ?? 0) > 0), "steps");
  assert(all.some((t) => t.Args?.["name"] === "two"), "args");
  const root = (await hub.schema("go-root"))!;
  assertEquals(root.Tags, ["env:go", "scenario"]);
  assert(root.StatesIndex.includes("Exception"));
  assertEquals((await hub.machines()).find((m) => m.id === "go-water")?.parent, "go-quiz");
}

Deno.test({
  name:
    "upstream: Go's TransitionsToDbg over TCP into listenDbgTcp(hub): the hub holds exactly what Go sent",
  ...needsGo(),
  async fn() {
    const hub = new DbgHub();
    const port = freePort();
    const listener = listenDbgTcp(hub, { port });
    try {
      const run = await runUpstream(`127.0.0.1:${port}`);
      assertEquals(run.summary.machines.length, 4);
      await assertHubHolds(hub, run);
    } finally {
      listener.close();
    }
  },
});

const hasBrowser = !!chromiumPath();

Deno.test({
  name:
    "upstream: Go's TransitionsToDbg over the endpoint's /dbg.ws: the hub holds what Go sent, the page shows its machines",
  ...needsGo(),
  async fn() {
    const hub = new DbgHub();
    const ac = new AbortController();
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen() {} },
      dbgHandler(hub, { fallback: dbgWsRoute(hub) }),
    );
    try {
      const run = await runUpstream(`127.0.0.1:${server.addr.port}`, "ws");
      await assertHubHolds(hub, run);

      if (!hasBrowser && !Deno.env.get("CI")) {
        console.warn("skipping the page check: no chromium (.ci/run installs it)");
        return;
      }
      const browser = await launch();
      try {
        await browser.page.navigate(`http://127.0.0.1:${server.addr.port}/`);
        const nodes = await poll(
          async () => {
            const n = await browser.page.evaluate<{ id: string; pad: string }[]>(
              `[...document.querySelectorAll("#tree .node")].map((n) => ({ id: n.dataset.id, pad: n.style.paddingLeft }))`,
            );
            return n.length >= run.summary.machines.length ? n : undefined;
          },
          15_000,
          100,
        );
        assertEquals(nodes.map((n) => n.id).sort(), [...run.summary.machines].sort());
        const pad = (id: string) => parseFloat(nodes.find((n) => n.id === id)!.pad || "0");
        assert(pad("go-water") > pad("go-quiz") && pad("go-quiz") > pad("go-root"), "nested");
      } finally {
        await browser.close();
      }
    } finally {
      ac.abort();
      await server.finished;
    }
  },
});

/** tmux on a private socket, so the test never touches a user's sessions. */
function tmux(sock: string, ...args: string[]): Promise<Deno.CommandOutput> {
  return new Deno.Command("tmux", { args: ["-L", sock, ...args], stdout: "piped", stderr: "piped" })
    .output();
}

Deno.test({
  name:
    "upstream: a .gob.br exported by am-dbg v0.19.1 from Go's scenario imports with the counts Go reports",
  ignore: needsGo({ amDbg: true }).ignore || (!which("tmux") && !Deno.env.get("CI")),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "am-dbg-export-" });
    const sock = `am-telemetry-${Deno.pid}`;
    let port = 0;
    for (let i = 0; i < 20 && !port; i++) {
      const p = freePort();
      try {
        for (const k of [1, 2]) Deno.listen({ hostname: "127.0.0.1", port: p + k }).close();
        port = p;
      } catch {
        // next
      }
    }
    // a real terminal for am-dbg's TUI: its export is a dialog (alt+s)
    const cmd = [
      amDbgPath()!,
      "--enable-clipboard=false",
      "--dbg-log-level",
      "3",
      "-l",
      `127.0.0.1:${port}`,
      "-d",
      dir,
    ].join(" ");
    const started = await tmux(sock, "new-session", "-d", "-s", "am", "-x", "200", "-y", "50", cmd);
    assertEquals(started.code, 0, new TextDecoder().decode(started.stderr));
    const goChild = new Deno.Command(await goBuild("./upstream"), {
      args: ["scenario", `127.0.0.1:${port}`, "hold"],
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
    });
    let go: Deno.ChildProcess | undefined;
    try {
      await poll(
        async () => {
          const c = await Deno.connect({ hostname: "127.0.0.1", port });
          c.close();
          return true;
        },
        20_000,
        50,
      );
      go = goChild.spawn();
      const out = jsonLines<{ summary?: GoRun["summary"] }>(go.stdout);
      const summary = await poll(
        () => Promise.resolve(out.lines.find((l) => l.summary)?.summary),
        20_000,
        50,
      );
      // am-dbg debounces incoming transitions for 1 s: wait till it's idle
      await new Promise((r) => setTimeout(r, 1200));
      await quiet(`${dir}/am-dbg.log`);
      const file = `${dir}/am-dbg-dump.gob.br`;
      const screen = async () =>
        new TextDecoder().decode((await tmux(sock, "capture-pane", "-p", "-t", "am")).stdout);
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
      // alt+s opens the export dialog (retried until it shows)
      await poll(
        async () => {
          if ((await screen()).includes("Export to a file")) return true;
          await tmux(sock, "send-keys", "-t", "am", "M-s");
          await sleep(300);
        },
        20_000,
        100,
      );
      // Tab, Tab, Enter: from the filename (default am-dbg-dump) to Save
      for (const key of ["Tab", "Tab", "Enter"]) {
        await tmux(sock, "send-keys", "-t", "am", key);
        await sleep(200);
      }
      await poll(
        async () => {
          const { size } = await Deno.stat(file);
          // written once the dialog closed
          return size > 0 && !(await screen()).includes("Export to a file") || undefined;
        },
        20_000,
        100,
      );
      const s = await importDbgRecording(await Deno.readFile(file));
      assertEquals(
        { machines: s.machines, txs: s.txs, steps: s.steps, version: s.version },
        {
          machines: summary.machines.length,
          txs: summary.txs,
          steps: summary.steps,
          version: "v0.19.1",
        },
      );
      assertEquals((await s.hub.machines()).map((m) => m.id).sort(), [...summary.machines].sort());
      // field for field, but: am-dbg stamps Time, fills the deprecated
      // CalledStates (names), turns step state names into indexes (upstream's
      // client sends names, with the Idx fields unset), and its export
      // carries a synthetic log line in place of the log of queued, canceled
      // and empty transitions (its log view's "[queue] +A" lines)
      const goMsgs = out.lines as unknown as GoRun["msgs"];
      const goTxs = goMsgs.filter((l) => l.method === "DbgMsgTx");
      let logs = 0;
      for (const id of summary.machines) {
        const index = goMsgs.find((m) => m.method === "DbgMsgSchema" && m.msg.ID === id)!
          .msg.StatesIndex as string[];
        const want = goTxs.filter((t) => t.msg.MachineID === id).map((
          t,
        ): Record<string, unknown> => ({
          ...t.msg,
          Steps: ((t.msg.Steps ?? []) as Record<string, unknown>[]).map((st) =>
            st.FromState || st.ToState
              ? {
                ...st,
                FromStateIdx: index.indexOf(st.FromState as string),
                ToStateIdx: index.indexOf(st.ToState as string),
                FromState: "",
                ToState: "",
              }
              : st
          ),
        }));
        const got = (await s.hub.txs(id, { limit: 1000 })).txs.map((t) => t.msg);
        assertEquals(got.length, want.length, id);
        for (let i = 0; i < got.length; i++) {
          const g = got[i].LogEntries ?? [];
          const synthetic = g.length === 1 && /^\[(queue|aqueu|cance|empty)\] /.test(g[0].Text);
          if (!synthetic) {
            assertEquals(norm(g), norm(want[i].LogEntries as unknown), `${id} #${i} log`);
            logs += g.length;
          }
          assertEquals(
            norm(got[i], ["Time", "LogEntries", "CalledStates"]),
            norm(want[i], ["Time", "LogEntries", "CalledStates"]),
            `${id} #${i}`,
          );
        }
      }
      assert(
        logs > 0 && logs <= summary.logEntries,
        `${logs} of ${summary.logEntries} log entries`,
      );
      await go.stdin.close();
      await go.status;
      go = undefined;
    } finally {
      if (go) {
        go.kill();
        await go.status;
      }
      await tmux(sock, "kill-server");
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
