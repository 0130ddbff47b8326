// Against real Go (the machine's Go, tests/go as a module with x/net): Go's
// net/rpc server decodes what our machines send over TCP and WebSocket;
// we decode what Go's gob encodes; random values round-trip TS→Go→TS; Go
// decodes our recordings as am-dbg's --import-data would.

import { assert, assertEquals } from "@std/assert";
import { LogLevel, Machine, type Schema } from "../machine/mod.ts";
import { DbgHub, exportDbgRecording, importDbgRecording, transitionsToDbg } from "../dbg/mod.ts";
import { DbgMsgStructType, DbgMsgTxType, RpcRequestType } from "../dbg/wire_types.ts";
import { decodeGob, go, GobDecoder, GobEncoder, type GoType } from "../dbg/gob/mod.ts";
import { concatBytes } from "../dbg/gob/wire.ts";
import type { DbgMessage, DbgMsgTx, DbgTransport } from "../dbg/mod.ts";
import { freePort, poll } from "./peers.ts";
import { goBuild, needsGo, norm } from "./go_peer.ts";

async function goRun(args: string[], input?: Uint8Array): Promise<Uint8Array> {
  const child = new Deno.Command(await goBuild("."), {
    args,
    stdin: input ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (input) {
    const w = child.stdin.getWriter();
    await w.write(input);
    await w.close();
  }
  const res = await child.output();
  if (res.code !== 0) throw new Error(`go ${args[0]}: ${new TextDecoder().decode(res.stderr)}`);
  return res.stdout;
}

/** Records what a transport is given, then passes it on. */
function recording(inner: DbgTransport, log: DbgMessage[]): DbgTransport {
  return {
    address: inner.address,
    send(batch) {
      log.push(...structuredClone(batch));
      return inner.send(batch);
    },
    close: () => inner.close?.(),
  };
}

Deno.test({
  name: "go: Go's net/rpc server decodes our messages over TCP and WebSocket, field for field",
  ...needsGo(),
  async fn() {
    const tcp = freePort();
    const http = freePort();
    const child = new Deno.Command(await goBuild("."), {
      args: ["server", String(tcp), String(http)],
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const lines: { method: string; msg: unknown }[] = [];
    const reading = (async () => {
      let buf = "";
      for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
        buf += chunk;
        let nl;
        while ((nl = buf.indexOf("\n")) >= 0) {
          lines.push(JSON.parse(buf.slice(0, nl)));
          buf = buf.slice(nl + 1);
        }
      }
    })();
    try {
      await poll(
        async () => {
          const c = await Deno.connect({ port: tcp });
          c.close();
          return true;
        },
        10_000,
        50,
      );
      const sent: DbgMessage[] = [];
      const schema: Schema = {
        Start: {},
        Ready: { auto: true, require: ["Start"], tags: ["x:1"] },
        Msg: { multi: true },
      };
      const viaTcp = new Machine(schema, {
        id: "ts-tcp",
        logLevel: LogLevel.Ops,
        logArgs: ["name"],
      });
      viaTcp.setGroups({ self: ["Start", "Ready"] });
      const viaWs = new Machine(schema, {
        id: "ts-ws",
        logLevel: LogLevel.Ops,
        parentId: "ts-tcp",
      });
      const { GobRpcTransport } = await import("../dbg/mod.ts");
      const t1 = transitionsToDbg(
        viaTcp,
        recording(new GobRpcTransport(`127.0.0.1:${tcp}`), sent),
        { stackTraces: true },
      );
      const t2 = transitionsToDbg(
        viaWs,
        recording(new GobRpcTransport(`ws://127.0.0.1:${http}/dbg.ws`), sent),
      );
      for (const m of [viaTcp, viaWs]) {
        m.add1("Start", { name: "ünï ✓" });
        m.add1("Msg");
        m.remove1("Start");
        m.addErr(new Error("boom"));
      }
      await t1.flush();
      await t2.flush();
      assertEquals([t1.errors, t2.errors], [0, 0], t1.lastError?.message ?? t2.lastError?.message);
      await poll(() => Promise.resolve(lines.length >= sent.length || undefined), 10_000, 20);
      assertEquals(lines.length, sent.length);
      for (const m of sent) {
        const key = m.method === "DbgMsgSchema" ? m.params.ID : m.params.ID;
        const got = lines.find((l) =>
          l.method === m.method && (l.msg as { ID: string }).ID === key &&
          (m.method === "DbgMsgSchema" ||
            (l.msg as { MachineID: string }).MachineID === (m.params as DbgMsgTx).MachineID)
        );
        assert(got, `Go received ${m.method} ${key}`);
        assertEquals(norm(got.msg), norm(m.params), `${m.method} ${key}`);
      }
      await (t1.transport as { close(): Promise<void> }).close();
      await (t2.transport as { close(): Promise<void> }).close();
    } finally {
      child.kill();
      await child.status;
      await reading.catch(() => {});
    }
  },
});

Deno.test({
  name: "go: we decode Go's gob stream of mixed types exactly",
  ...needsGo(),
  async fn() {
    const values = decodeGob(await goRun(["encode"]));
    assertEquals(values.length, 5);
    assertEquals(values[0], {
      ID: "go-mach",
      StatesIndex: ["A", "B", "Exception"],
      States: new Map([["A", { Auto: true, Require: ["B"], Tags: ["t:1"] }]]),
      Groups: new Map([["self", [0, 1]]]),
      GroupsOrder: ["self"],
      Parent: "root",
      Tags: ["env:go"],
    });
    assertEquals(values[1], {
      MachineID: "go-mach",
      ID: "tx-go",
      Clocks: [1, 18446744073709551615n, 0],
      QueueTick: 7,
      MutQueueToken: 3,
      Type: 2,
      CalledStatesIdxs: [0, 1],
      Steps: [
        { Type: 1, RelType: 2, FromState: "A", ToState: "B", ToStateIdx: 1 },
        {
          Type: 2,
          IsFinal: true,
          IsEnter: true,
          ToState: "A",
          FromStateIdx: -1,
          Data: { name: "github.com/pancsta/asyncmachine-go/pkg/machine.Relation", value: 3 },
        },
      ],
      LogEntries: [{ Level: 2, Text: "[state] +A ünï" }],
      PreLogEntries: [{ Level: 3, Text: "[queue:add] A" }],
      Queue: -1,
      Time: new Date("2026-11-27T22:49:44.123Z"),
      Accepted: true,
      Args: new Map([["name", "x"]]),
    });
    assertEquals(values.slice(2), ["a plain string", -42, [1.5, -0.25]]);
  },
});

const Fuzz: GoType = go.struct("Fuzz", {
  I: go.int,
  U: go.uint,
  F: go.float,
  B: go.bool,
  S: go.string,
  Ints: go.slice(go.int),
  Strs: go.slice(go.string),
  M: go.map(go.string, go.int),
  MM: go.map(go.string, go.map(go.int, go.string)),
  P: go.struct("LogEntry", { Level: go.int, Text: go.string }),
  Ps: go.slice(go.struct("LogEntry", { Level: go.int, Text: go.string })),
  Bytes: go.bytes,
});

function randomFuzz(rand: () => number): Record<string, unknown> {
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const str = () => pick(["", "a", "ünï ✓", "x".repeat(200), '\u0000\n"\\']);
  const int = () => pick([0, 1, -1, 127, -128, 2 ** 31, -(2 ** 53) + 1, 2 ** 53 - 1]);
  return {
    I: pick([int(), -(2n ** 63n), 2n ** 63n - 1n]),
    U: pick([0, 1, 255, 2 ** 40, 2n ** 64n - 1n]),
    F: pick([0, -0.5, 1e-300, 1.7976931348623157e308, Math.PI, -Infinity]),
    B: rand() < 0.5,
    S: str(),
    Ints: Array.from({ length: Math.floor(rand() * 5) }, int),
    Strs: Array.from({ length: Math.floor(rand() * 4) }, str),
    M: new Map(Array.from({ length: Math.floor(rand() * 3) }, () => [str(), int()])),
    MM: new Map([[str(), new Map([[int(), str()]])]]),
    P: rand() < 0.5 ? undefined : { Level: int(), Text: str() },
    Ps: Array.from({ length: Math.floor(rand() * 3) }, () => ({ Level: int(), Text: str() })),
    Bytes: new Uint8Array(
      Array.from({ length: Math.floor(rand() * 6) }, () => Math.floor(rand() * 256)),
    ),
  };
}

Deno.test({
  name: "go: random values round-trip TS → Go → TS",
  ...needsGo(),
  async fn() {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const values = Array.from({ length: 300 }, () => randomFuzz(rand));
    const enc = new GobEncoder();
    const parts = values.map((v) => enc.encode(Fuzz, v));
    const stream = concatBytes(parts);
    const dec = new GobDecoder();
    const back = dec.push(await goRun(["roundtrip"], stream));
    dec.end();
    assertEquals(back.length, values.length);
    for (let i = 0; i < values.length; i++) {
      const want = norm(values[i]) as Record<string, unknown>;
      const got = norm(back[i]) as Record<string, unknown>;
      // big values come back as bigint only beyond 2^53
      assertEquals(got, want, `value ${i}`);
    }
  },
});

Deno.test({
  name: "go: Go decodes our recordings into []*Exportable with the same counts",
  ...needsGo(),
  async fn() {
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile("../shared/fixtures/node-payload.gob.br");
    } catch {
      console.warn("skipping: ../shared/fixtures not found");
      return;
    }
    const s = await importDbgRecording(bytes);
    const out = await goRun(["recording"], await exportDbgRecording(s.hub, { compress: false }));
    assertEquals(JSON.parse(new TextDecoder().decode(out)), {
      machines: 23,
      txs: 727,
      steps: 5549,
      logEntries: 1920,
      first: "nw-TCWP-dev-5551c0",
      states: 30,
    });
  },
});

/** The printable runs of a gob stream: its type and field names, in order. */
function names(bytes: Uint8Array): string[] {
  return new TextDecoder("latin1").decode(bytes).match(/[\x20-\x7e]{2,}/g) ?? [];
}

/**
 * The stream with the inner id of GobEncoder type definitions (time.Time's:
 * wireType field 5, CommonType, Id) blanked: Go writes there the id of a
 * second gobType it builds for the same type, numbered after the others
 * (its decoder, and am-dbg, read the definition's own id instead).
 */
function maskGobEncoderIds(b: Uint8Array): Uint8Array {
  const out = b.slice();
  for (let i = 0; i + 4 < out.length; i++) {
    if (out[i] === 5 && out[i + 1] === 1 && out[i + 2] === 2 && out[i + 3] === 255) {
      out[i + 4] = 0;
    }
  }
  return out;
}

/** Where two byte arrays first differ, with the bytes around it. */
function firstDiff(a: Uint8Array, b: Uint8Array): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const around = (x: Uint8Array) => [...x.subarray(Math.max(0, i - 24), i + 24)].join(" ");
  return `at ${i}:\n ours ${around(a)}\n Go's ${around(b)}`;
}

Deno.test({
  name:
    "go: our gob bytes equal upstream's client's and am-dbg's export's, type definitions included",
  ...needsGo(),
  async fn() {
    const goBytes = async (what: string) => {
      const res = await new Deno.Command(await goBuild("./upstream"), {
        args: ["gobwire", what],
        stdout: "piped",
        stderr: "piped",
      }).output();
      assertEquals(res.code, 0, new TextDecoder().decode(res.stderr));
      return maskGobEncoderIds(res.stdout);
    };
    const schema = {
      ID: "go-mach",
      StatesIndex: ["A", "B"],
      States: {
        A: {
          Auto: true,
          Multi: true,
          Require: ["B"],
          Add: ["B"],
          Remove: ["B"],
          After: ["B"],
          Tags: ["t:1"],
        },
      },
      Groups: { self: [0, 1] },
      GroupsOrder: ["self"],
      Parent: "root",
      Tags: ["env:go"],
    };
    const tx = {
      MachineID: "go-mach",
      ID: "tx-1",
      Clocks: [1, 2],
      QueueTick: 3,
      MutQueueToken: 4,
      MutQueueTick: 5,
      Type: 1, // am.MutationRemove
      CalledStates: ["A"],
      CalledStatesIdxs: [0],
      Steps: [{
        Type: 1,
        RelType: 2,
        IsFinal: true,
        IsSelf: true,
        IsEnter: true,
        FromState: "A",
        FromStateIdx: 0,
        ToState: "B",
        ToStateIdx: 1,
      }],
      LogEntries: [{ Level: 2, Text: "[state] +A" }],
      PreLogEntries: [{ Level: 3, Text: "[queue:add] A" }],
      Queue: 6,
      Time: new Date("2026-11-27T22:49:44.123Z"),
      IsAuto: true,
      Accepted: true,
      IsCheck: true,
      IsQueued: true,
      Args: { name: "x" },
      QueueDump: ["q"],
      StackTrace: "trace",
    };
    // as NetRpcClient writes a connection: one encoder, header then body
    const enc = new GobEncoder();
    const rpc = concatBytes([
      enc.encode(RpcRequestType, { ServiceMethod: "RPCServer.DbgMsgSchema", Seq: 0 }),
      enc.encode(DbgMsgStructType, schema),
      enc.encode(RpcRequestType, { ServiceMethod: "RPCServer.DbgMsgTx", Seq: 1 }),
      enc.encode(DbgMsgTxType, tx),
    ]);
    const hub = new DbgHub();
    hub.addSchema(schema);
    hub.addTx(tx);
    const recording = await exportDbgRecording(hub, { compress: false, version: "v0.19.1" });
    // names first: a readable diff of the type definitions
    const goRpc = await goBytes("rpc");
    assertEquals(names(rpc), names(goRpc), "net/rpc stream");
    const ourRpc = maskGobEncoderIds(rpc);
    assertEquals(ourRpc, goRpc, `net/rpc bytes ${firstDiff(ourRpc, goRpc)}`);
    const goRec = await goBytes("recording");
    assertEquals(names(recording), names(goRec), "recording");
    const ourRec = maskGobEncoderIds(recording);
    assertEquals(ourRec, goRec, `recording bytes ${firstDiff(ourRec, goRec)}`);
  },
});
