// gob under hostile input (issue 15, items 2, 6, 7): decoded-size budgets,
// nesting depth, slices that yield, Brotli bombs and huge recordings.

import { assert, assertEquals, assertRejects, assertThrows } from "@std/assert";
import { DbgHub, exportDbgRecording, importDbgRecording } from "../dbg/mod.ts";
import { DbgMsgStructType, RecordingType } from "../dbg/wire_types.ts";
import { decodeGob, go, GobDecoder, GobEncoder, GobError, type GoType } from "../dbg/gob/mod.ts";
import { GobWriter } from "../dbg/gob/wire.ts";

/** One gob message: its length, then the body. */
function message(body: number[] | Uint8Array): Uint8Array {
  const w = new GobWriter();
  w.uint(body.length);
  w.bytes(Uint8Array.from(body));
  return w.view().slice();
}

const join = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) out.set(p, (off += p.length) - p.length);
  return out;
};

/** The type definitions the encoder sends before a value of `type` (type id 65). */
function typeDefs(type: GoType, shallow: unknown): Uint8Array {
  const all = new GobEncoder().encode(type, shallow);
  const last = decodeLastMessageStart(all);
  return all.subarray(0, last);
}

function decodeLastMessageStart(b: Uint8Array): number {
  let pos = 0;
  let last = 0;
  while (pos < b.length) {
    last = pos;
    const first = b[pos];
    let len: number;
    let head: number;
    if (first < 0x80) {
      len = first;
      head = 1;
    } else {
      const n = 256 - first;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + b[pos + 1 + i];
      head = 1 + n;
    }
    pos += head + len;
  }
  return last;
}

/** type S []S, a value nested `depth` deep. */
export function deepSlices(depth: number): Uint8Array {
  const S = { kind: "slice", name: "S" } as { kind: "slice"; name: string; elem: GoType };
  S.elem = S;
  const body = [0xff, 0x82, 0x00, ...new Array(depth).fill(1), 0];
  return join(typeDefs(S, [[]]), message(body));
}

/** type T struct { A *T }, nested `depth` deep. */
export function deepStructs(depth: number): Uint8Array {
  const T = { kind: "struct", name: "T", fields: [] as { name: string; type: GoType }[] } as const;
  T.fields.push({ name: "A", type: T as unknown as GoType });
  const body = [0xff, 0x82, ...new Array(depth).fill(1), ...new Array(depth + 1).fill(0)];
  return join(typeDefs(T as unknown as GoType, { A: {} }), message(body));
}

/** type W struct { V interface{} }, each V holding a W, `depth` deep. */
export function deepInterfaces(depth: number): Uint8Array {
  const W = go.struct("W", { V: go.interface });
  let inner: number[] = [0];
  for (let i = 0; i < depth; i++) {
    const len = new GobWriter();
    len.uint(inner.length);
    inner = [1, 1, 0x57, 0xff, 0x82, ...len.view(), ...inner, 0];
  }
  return join(typeDefs(W, {}), message([0xff, 0x82, ...inner]));
}

/** `[]struct{}` of `n` elements: one wire byte each. */
export function emptyStructs(n: number): Uint8Array {
  const E = go.slice(go.struct("E", {}));
  const defs = typeDefs(E, [{}]); // struct E is type 65, []E 66
  const count = new GobWriter();
  count.uint(n);
  const body = new Uint8Array(3 + count.len + n);
  body.set([0xff, 0x84, 0x00]);
  body.set(count.view(), 3);
  return join(defs, message(body));
}

Deno.test("gob hostile: []struct{} amplification stops at the decoded-size budgets", () => {
  const bytes = emptyStructs(1_000_000); // ~1 MB on the wire, ~56 MB as objects
  assertThrows(
    () => new GobDecoder({ maxDecodedBytes: 8 << 20 }).push(bytes),
    GobError,
    "maxDecodedBytes",
  );
  assertThrows(() => new GobDecoder({ maxElements: 1000 }).push(bytes), GobError, "maxElements");
  // the defaults bound it too: 5M elements are over 4,194,304 values
  assertThrows(() => decodeGob(emptyStructs(5_000_000)), GobError, "maxElements");
  // and the same shape under the limits decodes
  assertEquals((decodeGob(emptyStructs(1000))[0] as unknown[]).length, 1000);
});

Deno.test("gob hostile: deep nesting is a GobError, not a stack overflow", () => {
  for (const [name, make] of [["[]S", deepSlices], ["struct", deepStructs]] as const) {
    assertThrows(() => decodeGob(make(20_000)), GobError, "maxDepth", name);
    assertThrows(() => new GobDecoder().push(make(20_000)), GobError, "maxDepth", name);
    assertEquals(decodeGob(make(10)).length, 1, name);
  }
  assertThrows(() => decodeGob(deepInterfaces(3000)), GobError, "maxDepth");
  assertEquals(decodeGob(deepInterfaces(10)).length, 1);
  // a limit of its own
  assertThrows(() => decodeGob(deepSlices(10), { maxDepth: 5 }), GobError, "maxDepth");
});

Deno.test("gob hostile: pushAsync decodes a large message in slices, yielding to the loop", async () => {
  const bytes = emptyStructs(2_000_000);
  const dec = new GobDecoder({ maxElements: 3_000_000, maxDecodedBytes: 1 << 30 });
  let ticks = 0;
  let stop = false;
  const tick = () => {
    ticks++;
    if (!stop) setTimeout(tick, 0);
  };
  setTimeout(tick, 0);
  const [list] = await dec.pushAsync(bytes, { sliceMs: 1 });
  stop = true;
  assertEquals((list as unknown[]).length, 2_000_000);
  assert(ticks > 0, "timers ran while the message was decoded");
  // a push during an unfinished pushAsync is refused, not interleaved
  const dec2 = new GobDecoder({ maxElements: 3_000_000, maxDecodedBytes: 1 << 30 });
  const p = dec2.pushAsync(emptyStructs(100_000), { sliceMs: 0 });
  assertThrows(() => dec2.push(new Uint8Array([1])), GobError, "unfinished");
  await p;
});

/** Brotli of `count` gob messages, each a 1 MiB `[]byte` of zeros (compresses ~1,000:1). */
async function brotliBomb(count: number): Promise<Uint8Array> {
  const size = 1 << 20;
  const body = new GobWriter();
  body.int(5); // []byte
  body.uint(0); // singleton
  body.uint(size);
  const head = new GobWriter();
  head.uint(body.len + size);
  head.bytes(body.view());
  const msg = new Uint8Array(head.len + size);
  msg.set(head.view());
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (count-- <= 0) return c.close();
      c.enqueue(msg);
    },
  }).pipeThrough(
    new CompressionStream("brotli" as CompressionFormat) as unknown as TransformStream<
      Uint8Array,
      Uint8Array
    >,
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("recordings hostile: a Brotli bomb stops at the decompressed-size cap", async () => {
  const bomb = await brotliBomb(256); // 256 MiB decompressed
  assert(bomb.length < 100_000, `${bomb.length} bytes`);
  await assertRejects(
    () => importDbgRecording(bomb, { maxBytes: 4 << 20 }),
    GobError,
    "maxBytes",
  );
});

Deno.test("recordings hostile: deep nesting is a GobError; a huge list is no RangeError", async () => {
  await assertRejects(() => importDbgRecording(deepSlices(20_000)), GobError, "maxDepth");
  // 300,000 Exportables (no machines in them) once threw from Math.max(...list)
  const list = new Array(300_000).fill({ Version: "x" });
  const bytes = new GobEncoder().encode(RecordingType, list);
  const stats = await importDbgRecording(bytes);
  assertEquals(stats.machines, 0);
});

Deno.test("recordings hostile: a step's Data from a client doesn't break the export", async () => {
  const hub = new DbgHub();
  await hub.addSchema({ ID: "m1", StatesIndex: ["A"], States: { A: {} } });
  await hub.addTx({
    MachineID: "m1",
    ID: "t1",
    Clocks: [1],
    Steps: [{ Type: 1, ToState: "A", ToStateIdx: 0, Data: { any: [["json"]] } }],
  });
  const again = await importDbgRecording(await exportDbgRecording(hub));
  assertEquals([again.machines, again.txs, again.steps], [1, 1, 1]);
});

Deno.test("recordings hostile: plain gob that a Brotli decoder half-accepts still imports", async () => {
  // am-dbg names the recording's slice type "": its definition is 13 bytes,
  // and a first byte of 0x0d reads as an uncompressed Brotli meta-block
  const Exportable = go.struct("", { MsgStruct: DbgMsgStructType, Version: go.string });
  const schema = { ID: "m1", StatesIndex: ["A"], States: new Map([["A", {}]]) };
  const bytes = new GobEncoder().encode(go.slice(Exportable, ""), [
    { MsgStruct: schema, Version: "v" },
  ]);
  assertEquals(bytes[0], 0x0d);
  const stats = await importDbgRecording(bytes);
  assertEquals([stats.machines, stats.version], [1, "v"]);
});
