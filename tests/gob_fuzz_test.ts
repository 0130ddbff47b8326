// Fuzz (issue 15): random, generated and mutated gob streams through the
// decoder (sync and sliced), the net/rpc server and recordings import.
// Seeded; bounded to seconds; only documented errors, bounded time per
// input, heap below a bound (tests/fuzz.ts).

import { assert } from "@std/assert";
import { DbgHub, DbgHubError, importDbgRecording } from "../dbg/mod.ts";
import type { ByteConn } from "../dbg/byte_conn.ts";
import { DbgMsgStructType, DbgMsgTxType, RpcRequestType } from "../dbg/wire_types.ts";
import { serveNetRpc } from "../dbg/rpc_server.ts";
import {
  decodeGob,
  go,
  GobDecoder,
  GobEncoder,
  GobError,
  goTime,
  type GoType,
} from "../dbg/gob/mod.ts";
import { concatBytes } from "../dbg/gob/wire.ts";
import { fuzz, mutate, Rand } from "./fuzz.ts";

const SEED = 0x15;

function randType(r: Rand, depth: number): GoType {
  const leaves = [go.bool, go.int, go.uint, go.float, go.string, go.bytes, goTime];
  if (depth <= 0 || r.next() < 0.35) return r.pick(leaves);
  switch (r.int(4)) {
    case 0:
      return go.slice(randType(r, depth - 1));
    case 1:
      return go.map(r.pick([go.string, go.int]), randType(r, depth - 1));
    case 2:
      return go.struct("F", { V: go.interface });
    default: {
      const fields: Record<string, GoType> = {};
      for (let i = 1 + r.int(4); i > 0; i--) fields[`F${i}`] = randType(r, depth - 1);
      return go.struct(`S${r.int(1000)}`, fields);
    }
  }
}

function randValue(r: Rand, t: GoType, depth = 0): unknown {
  switch (t.kind) {
    case "bool":
      return r.next() < 0.5;
    case "int":
      return r.pick([0, -1, 1, 2 ** 31, -(2 ** 53) + 1, r.int(1e9) - 5e8, 2n ** 62n, -(2n ** 63n)]);
    case "uint":
      return r.pick([0, 1, 127, 128, 2 ** 32, 2 ** 53 - 1, 2n ** 64n - 1n]);
    case "float":
      return r.pick([0, -0, 1.5, NaN, Infinity, -Infinity, 1e308, 5e-324]);
    case "string":
      return r.pick(["", "a", "ünï", "x\ud800", "\u0000", "s".repeat(r.int(300))]);
    case "bytes":
      return r.bytes(r.int(40));
    case "gobencoder":
      return new Date(r.int(2 ** 40));
    case "interface":
      return r.next() < 0.3 ? null : { name: "string", type: go.string, value: "v" };
    case "slice":
      return Array.from({ length: r.int(5) }, () => randValue(r, t.elem, depth + 1));
    case "array":
      return Array.from({ length: t.len }, () => randValue(r, t.elem, depth + 1));
    case "map": {
      const m = new Map<unknown, unknown>();
      for (let i = r.int(4); i > 0; i--) {
        m.set(t.key.kind === "string" ? `k${r.int(100)}` : r.int(100), randValue(r, t.elem));
      }
      return m;
    }
    case "struct": {
      const o: Record<string, unknown> = {};
      for (const f of t.fields) if (r.next() < 0.8) o[f.name] = randValue(r, f.type, depth + 1);
      if (t.name === "F") o.V = r.next() < 0.5 ? null : { name: t.name, type: t, value: {} };
      return o;
    }
  }
}

/** A generated stream of 1–3 values of random types (sometimes unmutated). */
function generated(r: Rand): Uint8Array {
  const enc = new GobEncoder();
  const parts: Uint8Array[] = [];
  for (let n = 1 + r.int(3); n > 0; n--) {
    const t = randType(r, 4);
    parts.push(enc.encode(t, randValue(r, t)));
  }
  const stream = concatBytes(parts);
  return r.next() < 0.3 ? stream : mutate(r, stream);
}

/** A client's net/rpc write: schema call then a tx call. */
function rpcStream(): Uint8Array {
  const enc = new GobEncoder();
  return concatBytes([
    enc.encode(RpcRequestType, { ServiceMethod: "RPCServer.DbgMsgSchema", Seq: 0 }),
    enc.encode(DbgMsgStructType, {
      ID: "m1",
      StatesIndex: ["A", "Exception"],
      States: new Map([["A", {}], ["Exception", { Multi: true }]]),
    }),
    enc.encode(RpcRequestType, { ServiceMethod: "RPCServer.DbgMsgTx", Seq: 1 }),
    enc.encode(DbgMsgTxType, {
      MachineID: "m1",
      ID: "t1",
      Clocks: [1, 0],
      Steps: [{ Type: 1, ToState: "A", ToStateIdx: 0 }],
      LogEntries: [{ Level: 2, Text: "[add] A" }],
    }),
  ]);
}

function onlyGobErrors(e: unknown): void {
  if (!(e instanceof GobError)) throw e;
}

function fakeConn(chunks: Uint8Array[]): ByteConn {
  return {
    write: () => Promise.resolve(),
    readable: (async function* () {
      for (const c of chunks) yield c;
    })(),
    close() {},
  };
}

async function decodeEveryWay(r: Rand, input: Uint8Array): Promise<void> {
  try {
    decodeGob(input);
  } catch (e) {
    onlyGobErrors(e);
  }
  const cut = r.int(input.length + 1);
  const dec = new GobDecoder({ maxElements: 100_000, maxDecodedBytes: 16 << 20 });
  try {
    await dec.pushAsync(input.subarray(0, cut), { sliceMs: 1 });
    await dec.pushAsync(input.subarray(cut), { sliceMs: 1 });
    dec.end();
  } catch (e) {
    onlyGobErrors(e);
  }
  // the server never rejects, whatever arrives
  await serveNetRpc(fakeConn([input.subarray(0, cut), input.subarray(cut)]), new DbgHub());
}

Deno.test("fuzz gob: random bytes", async () => {
  const r = new Rand(SEED);
  const n = await fuzz(
    "random",
    3000,
    () => r.bytes(1 + r.int(200)),
    (b) => decodeEveryWay(r, b as Uint8Array),
  );
  assert(n > 100, `${n} inputs`);
});

Deno.test("fuzz gob: mutated net/rpc streams", async () => {
  const r = new Rand(SEED + 1);
  const base = rpcStream();
  const n = await fuzz(
    "rpc",
    2000,
    () => mutate(r, base),
    (b) => decodeEveryWay(r, b as Uint8Array),
  );
  assert(n > 100, `${n} inputs`);
});

Deno.test("fuzz gob: generated types and values, mutated or not", async () => {
  const r = new Rand(SEED + 2);
  const n = await fuzz(
    "generated",
    2000,
    () => generated(r),
    (b) => decodeEveryWay(r, b as Uint8Array),
  );
  assert(n > 100, `${n} inputs`);
});

Deno.test("fuzz gob: mutated recordings import to stats or a documented error", async () => {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile("../shared/fixtures/wasm.gob.br");
  } catch {
    console.warn("skipping: ../shared/fixtures/wasm.gob.br not found");
    return;
  }
  const raw = new Uint8Array(
    await new Response(
      new Blob([bytes as BlobPart]).stream().pipeThrough(
        new DecompressionStream("brotli" as CompressionFormat) as unknown as TransformStream<
          Uint8Array,
          Uint8Array
        >,
      ),
    ).arrayBuffer(),
  );
  const r = new Rand(SEED + 3);
  // mostly the plain gob (mutations reach the decoder), some Brotli
  const gen = () => mutate(r, r.next() < 0.8 ? raw : bytes);
  const n = await fuzz("recording", 60, gen, async (b) => {
    try {
      await importDbgRecording(b as Uint8Array, { maxBytes: 8 << 20 });
    } catch (e) {
      // a decodable recording whose messages the hub rejects: validation errors
      const validation = e instanceof TypeError && !/is not a|undefined|null/.test(e.message);
      if (!(e instanceof GobError || e instanceof DbgHubError || validation)) throw e;
    }
  });
  assert(n > 5, `${n} inputs`);
});
