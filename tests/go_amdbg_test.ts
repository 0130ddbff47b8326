// Our machines in the real am-dbg v0.19.1 (`go install`ed by .ci/run):
// headless (--ui-ssh), forwarding what it decodes (--fwd-data) to a Go sink
// that decodes with upstream's own types. The demo's sim workload streams to
// it with AM_DBG_ADDR over TCP and over ws://…/dbg.ws; what am-dbg forwards
// must equal what our tracer sent, field for field; its SIGTERM stats must
// count our machines and transitions; --import-data must load our export.

import { assert, assertEquals } from "@std/assert";
import { newSim } from "../examples/sim.ts";
import {
  DbgHub,
  type DbgMessage,
  exportDbgRecording,
  HubTransport,
  transitionsToDbg,
} from "../dbg/mod.ts";
import { withEnv } from "./helpers.ts";
import { poll } from "./peers.ts";
import {
  AM_DBG_VERSION,
  amDbgPath,
  goBuild,
  goPath,
  jsonLines,
  needsGo,
  norm,
  quiet,
} from "./go_peer.ts";

/** A loopback port with the next two free too (am-dbg takes port+1 for HTTP, +2 for SSH). */
function freePorts3(): number {
  for (let i = 0; i < 50; i++) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    const ls: Deno.Listener[] = [];
    try {
      for (let k = 0; k < 3; k++) ls.push(Deno.listen({ hostname: "127.0.0.1", port: port + k }));
      return port;
    } catch {
      // taken: try another
    } finally {
      for (const l of ls) l.close();
    }
  }
  throw new Error("no three free ports");
}

async function canConnect(port: number): Promise<true | undefined> {
  const c = await Deno.connect({ hostname: "127.0.0.1", port });
  c.close();
  return true;
}

interface AmDbg {
  port: number;
  dir: string;
  /** SIGTERM; resolves with what it printed. */
  stop(): Promise<string>;
}

/** Starts am-dbg headless with the flags the issue names. */
async function startAmDbg(extra: string[]): Promise<AmDbg> {
  const port = freePorts3();
  const dir = await Deno.makeTempDir({ prefix: "am-dbg-" });
  const child = new Deno.Command(amDbgPath()!, {
    args: [
      "--ui-ssh",
      // headless: no clipboard (else its init error is am-dbg's error state)
      "--enable-clipboard=false",
      "-l",
      `127.0.0.1:${port}`,
      "-d",
      dir,
      "--output-log",
      "--dbg-log-level",
      "3",
      ...extra,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = child.output();
  await poll(() => canConnect(port), 20_000, 50);
  return {
    port,
    dir,
    async stop() {
      try {
        child.kill("SIGTERM");
      } catch {
        // gone
      }
      const res = await output;
      const dec = new TextDecoder();
      return dec.decode(res.stdout) + dec.decode(res.stderr);
    },
  };
}

function stats(out: string): { clients: number; txs: number } {
  const clients = out.match(/Clients: (\d+)/)?.[1];
  const txs = out.match(/Transitions: (\d+)/)?.[1];
  assert(clients && txs, `am-dbg printed no stats:\n${out}`);
  return { clients: Number(clients), txs: Number(txs) };
}

/** Lines of am-dbg's own log telling of a failure (net/rpc, gob, Exception, Err* states). */
async function logErrors(dir: string): Promise<string[]> {
  const log = await Deno.readTextFile(`${dir}/am-dbg.log`);
  return log.split("\n").filter((l) =>
    /\+Exception|\+Err[A-Z]|\[error|rpc: |gob: |panic|import failed/i.test(l)
  );
}

/** The sim workload, AM_DBG_ADDR at `addr`; returns what our tracer sent. */
async function runSim(addr: string): Promise<DbgMessage[]> {
  const sent: DbgMessage[] = [];
  await withEnv({ AM_DBG_ADDR: addr }, async () => {
    const sim = newSim([], { seed: 11, maxPeers: 6 });
    // no address given: transitionsToDbg sends where AM_DBG_ADDR says
    const tracer = transitionsToDbg(sim.root);
    const inner = tracer.transport.send.bind(tracer.transport);
    (tracer.transport as { send: typeof inner }).send = (batch) => {
      sent.push(...structuredClone(batch));
      return inner(batch);
    };
    for (let i = 0; i < 40; i++) sim.step();
    await tracer.flush();
    sim.dispose();
    await tracer.flush();
    assertEquals(tracer.errors, 0, tracer.lastError?.message);
    assertEquals(tracer.dropped, 0);
    await (tracer.transport as { close(): Promise<void> }).close();
  });
  return sent;
}

type Fwd = { method: string; conn: string; msg: Record<string, unknown> };

function byMachine<T>(list: T[], id: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of list) {
    const k = id(x);
    if (!out.has(k)) out.set(k, []);
    out.get(k)!.push(x);
  }
  return out;
}

const msgMachine = (m: { method: string; msg?: unknown; params?: unknown }) => {
  const body = (m.msg ?? m.params) as { ID: string; MachineID: string };
  return m.method === "DbgMsgSchema" ? body.ID : body.MachineID;
};

for (const transport of ["tcp", "ws"] as const) {
  Deno.test({
    name: `am-dbg: the sim over ${
      transport === "tcp" ? "TCP" : "ws://…/dbg.ws"
    } reaches am-dbg ${AM_DBG_VERSION} field for field; its stats count our machines and transitions`,
    ...needsGo({ amDbg: true }),
    async fn() {
      const sinkPort = freePorts3();
      const sink = new Deno.Command(await goBuild("./sink"), {
        args: [String(sinkPort)],
        stdout: "piped",
        stderr: "null",
      }).spawn();
      const fwd = jsonLines<Fwd>(sink.stdout);
      let amDbg: AmDbg | undefined;
      try {
        await poll(() => canConnect(sinkPort), 10_000, 50);
        amDbg = await startAmDbg(["--fwd-data", `127.0.0.1:${sinkPort}`]);
        const addr = transport === "tcp"
          ? `127.0.0.1:${amDbg.port}`
          : `ws://127.0.0.1:${amDbg.port + 1}/dbg.ws`;
        const sent = await runSim(addr);
        const txs = sent.filter((m) => m.method === "DbgMsgTx").length;
        const ids = new Set(sent.map(msgMachine));
        assert(txs > 300 && ids.size > 5, `a real workload: ${txs} txs, ${ids.size} machines`);
        const txMsgs = sent.flatMap((m) => m.method === "DbgMsgTx" ? [m.params] : []);
        assert(txMsgs.some((t) => t.IsQueued) && txMsgs.some((t) => t.IsAuto), "queued, auto");
        assert(txMsgs.some((t) => t.Steps?.length) && txMsgs.some((t) => t.Args), "steps, args");
        assert(txMsgs.some((t) => !t.Accepted), "canceled transitions");

        // am-dbg forwards each message before it replies: all are there
        assertEquals(fwd.lines.length, sent.length, "forwarded = sent");
        const got = byMachine(fwd.lines, msgMachine);
        const want = byMachine(sent, msgMachine);
        assertEquals([...got.keys()].sort(), [...want.keys()].sort());
        for (const [id, msgs] of want) {
          const fwds = got.get(id)!;
          assertEquals(fwds.length, msgs.length, id);
          for (let i = 0; i < msgs.length; i++) {
            assertEquals(fwds[i].method, msgs[i].method, `${id} #${i}`);
            // am-dbg stamps Time itself on receipt
            assertEquals(
              norm(fwds[i].msg, ["Time"]),
              norm(msgs[i].params, ["Time"]),
              `${id} #${i} ${msgs[i].method}`,
            );
          }
        }
        // one connection per machine, as upstream's client (am-dbg ties a
        // machine to its connection id)
        const conns = [...got.values()].map((fwds) => new Set(fwds.map((f) => f.conn)));
        assert(conns.every((c) => c.size === 1), "a machine's messages share one connection");
        assertEquals(new Set(conns.flatMap((c) => [...c])).size, got.size, "a connection each");

        const dir = amDbg.dir;
        const texts = new Set(
          sent.flatMap((m) =>
            m.method === "DbgMsgTx"
              ? [...(m.params.LogEntries ?? []), ...(m.params.PreLogEntries ?? [])].map((e) =>
                e.Text
              )
              : []
          ),
        );
        // --output-log writes the selected machine's log, made of our entries
        // (am-dbg renders it after its 1 s debounce; later under load)
        const shown = await poll(
          async () => {
            const lines = (await Deno.readTextFile(`${dir}/log.md`)).split("\n").map((l) =>
              l.trim()
            );
            return lines.some((l) => texts.has(l)) ? lines : undefined;
          },
          20_000,
          250,
        );
        assert(shown.length > 0);
        await quiet(`${dir}/am-dbg.log`);
        const out = await amDbg.stop();
        amDbg = undefined;
        assertEquals(stats(out), { clients: ids.size, txs });
        assertEquals(await logErrors(dir), [], "am-dbg's log holds no error");
      } finally {
        await amDbg?.stop();
        sink.kill();
        await sink.status;
        await fwd.done.catch(() => {});
      }
    },
  });
}

Deno.test({
  name: "am-dbg: --import-data loads our exportDbgRecording output with the same counts",
  ...needsGo({ amDbg: true }),
  async fn() {
    const hub = new DbgHub({ maxTxsPerMachine: 100_000 });
    const sim = newSim([], { seed: 5, maxPeers: 6 });
    const tracer = transitionsToDbg(sim.root, new HubTransport(hub));
    for (let i = 0; i < 40; i++) sim.step();
    sim.dispose();
    await tracer.flush();
    const machines = await hub.machines();
    const txs = machines.reduce((n, m) => n + m.txs, 0);
    const file = await Deno.makeTempFile({ suffix: ".gob.br" });
    await Deno.writeFile(file, await exportDbgRecording(hub));
    const amDbg = await startAmDbg(["--import-data", file]);
    let out = "";
    try {
      await poll(
        async () => {
          const log = await Deno.readTextFile(`${amDbg.dir}/am-dbg.log`);
          return /Imported data in|import failed/.test(log) || undefined;
        },
        20_000,
        100,
      );
      const errors = await logErrors(amDbg.dir);
      out = await amDbg.stop();
      assertEquals(errors, [], "am-dbg imported without error");
      assert(!/ERROR/.test(out), out);
    } finally {
      if (!out) await amDbg.stop();
      await Deno.remove(file);
    }
    assertEquals(stats(out), { clients: machines.length, txs });

    // and what am-dbg's own type ([]*server.Exportable) decodes, field for field
    const child = new Deno.Command(await goBuild("./upstream"), {
      args: ["recording"],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const w = child.stdin.getWriter();
    await w.write(await exportDbgRecording(hub));
    await w.close();
    const res = await child.output();
    assertEquals(res.code, 0, new TextDecoder().decode(res.stderr));
    const [summary, ...list] = new TextDecoder().decode(res.stdout).trim().split("\n").map((l) =>
      JSON.parse(l)
    );
    assertEquals(summary.summary.machines, machines.length);
    assertEquals(summary.summary.txs, txs);
    for (const e of list) {
      const id = e.MsgStruct.ID;
      assertEquals(norm(e.MsgStruct), norm(await hub.schema(id)), `schema ${id}`);
      const ours = (await hub.txs(id, { limit: 1000 })).txs.map((t) => t.msg);
      // Duration is the JSON endpoint's extension: not on am-dbg's wire
      assertEquals(norm(e.MsgTxs ?? []), norm(ours, ["Duration"]), `txs of ${id}`);
    }
  },
});

Deno.test({
  name: "am-dbg: the README's tested version is the one go.mod pins and .ci/run installs",
  ...needsGo({ amDbg: true }),
  async fn() {
    const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
    const gomod = await Deno.readTextFile(new URL("./go/go.mod", import.meta.url));
    assert(readme.includes(`Tested with **am-dbg ${AM_DBG_VERSION}**`), "README's am-dbg section");
    assert(readme.includes(`tools/cmd/am-dbg@${AM_DBG_VERSION}`), "README's install command");
    assert(gomod.includes(`github.com/pancsta/asyncmachine-go ${AM_DBG_VERSION}`), "go.mod");
    const res = await new Deno.Command(goPath()!, {
      args: ["version", "-m", amDbgPath()!],
      stdout: "piped",
    }).output();
    const info = new TextDecoder().decode(res.stdout);
    assert(
      new RegExp(`\\bmod\\s+github.com/pancsta/asyncmachine-go\\s+${AM_DBG_VERSION}\\s`).test(info),
      info,
    );
  },
});
