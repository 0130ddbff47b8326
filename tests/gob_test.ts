// gob: golden bytes of real Go net/rpc traffic, round trips, streaming,
// malformed input, and the am-dbg recordings with their Go-decoded counts.

import { assert, assertEquals, assertInstanceOf, assertThrows } from "@std/assert";
import { exportDbgRecording, importDbgRecording } from "../dbg/mod.ts";
import { DbgMsgStructType, DbgMsgTxType, RpcRequestType } from "../dbg/wire_types.ts";
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

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const unhex = (s: string) => new Uint8Array(s.match(/../g)!.map((h) => parseInt(h, 16)));

// ../shared/reference/am-core-gob-vectors.md
const CLIENT_SCHEMA =
  "2fff81030101075265717565737401ff82000102010d536572766963654d6574686f64010c00010353657101060000001bff8201165250435365727665722e4462674d7367536368656d610070ff830301010c4462674d736753747275637401ff8400010701024944010c00010b537461746573496e64657801ff8600010653746174657301ff8c00010647726f75707301ff9000010b47726f7570734f7264657201ff8a000106506172656e74010c0001045461677301ff8a0000000fff85020101015301ff8600010c000017ff8b04010106536368656d6101ff8c00010c01ff88000056ff87030102ff8800010701044175746f01020001054d756c746901020001075265717569726501ff8600010341646401ff8600010652656d6f766501ff86000105416674657201ff860001045461677301ff8a00000016ff89020101085b5d737472696e6701ff8a00010c000021ff8f040101106d61705b737472696e675d5b5d696e7401ff9000010c01ff8e00000cff8d020102ff8e000104000032ff8401026d3101030141014209457863657074696f6e010301420009457863657074696f6e02010001410101020101420000";
const SERVER_SCHEMA_REPLY =
  "3aff9103010108526573706f6e736501ff92000103010d536572766963654d6574686f64010c00010353657101060001054572726f72010c0000001bff9201165250435365727665722e4462674d7367536368656d6100030c0000";
const CLIENT_TX =
  "19ff8201125250435365727665722e4462674d73675478010100fe0134ff93030101084462674d7367547801ff9400011501094d616368696e654944010c0001024944010c000106436c6f636b7301ff9600010951756575655469636b010600010d4d75745175657565546f6b656e010600010c4d757451756575655469636b010600010454797065010400010c43616c6c656453746174657301ff8a00011043616c6c65645374617465734964787301ff8e000105537465707301ff9a00010a4c6f67456e747269657301ff9e00010d5072654c6f67456e747269657301ff9e0001055175657565010400010454696d6501ffa000010649734175746f0102000108416363657074656401020001074973436865636b0102000108497351756575656401020001044172677301ffa2000109517565756544756d7001ff8a00010a537461636b5472616365010c00000012ff950201010454696d6501ff9600010600001bff990201010c5b5d2a6d61696e2e5374657001ff9a0001ff980000ff87ff97030102ff9800010a010454797065010400010752656c547970650104000107497346696e616c0102000106497353656c6601020001074973456e746572010200010946726f6d5374617465010c00010c46726f6d53746174654964780104000107546f5374617465010c00010a546f537461746549647801040001044461746101100000001fff9d020101105b5d2a6d61696e2e4c6f67456e74727901ff9e0001ff9c00001fff9b030102ff9c00010201054c6576656c010400010454657874010c0000000aff9f050102ffa400000021ffa1040101116d61705b737472696e675d737472696e6701ffa200010c010c000033ff9401026d310103747831010301010001020501020101014006010101420001010104010a5b73746174655d202b4200050100";
const CLIENT_TX_AGAIN =
  "19ff8201125250435365727665722e4462674d7367547801020033ff9401026d310103747831010301010001020501020101014006010101420001010104010a5b73746174655d202b4200050100";

const SCHEMA_MSG = {
  ID: "m1",
  StatesIndex: ["A", "B", "Exception"],
  // Go's random map order, as in the recorded bytes
  States: new Map<string, object>([["B", {}], ["Exception", { Multi: true }], [
    "A",
    { Auto: true, Require: ["B"] },
  ]]),
};
const TX_MSG = {
  MachineID: "m1",
  ID: "tx1",
  Clocks: [1, 1, 0],
  QueueTick: 2,
  Type: 0,
  CalledStatesIdxs: [1],
  Steps: [{
    Type: 32,
    RelType: 0,
    IsFinal: false,
    IsSelf: false,
    IsEnter: false,
    FromState: "",
    FromStateIdx: -1,
    ToState: "B",
    ToStateIdx: 0,
  }],
  LogEntries: [{ Level: 2, Text: "[state] +B" }],
  Accepted: true,
};

Deno.test("gob golden: our first net/rpc write equals Go's, byte for byte", () => {
  const enc = new GobEncoder();
  const head = enc.encode(RpcRequestType, { ServiceMethod: "RPCServer.DbgMsgSchema", Seq: 0 });
  const body = enc.encode(DbgMsgStructType, SCHEMA_MSG);
  assertEquals(hex(head) + hex(body), CLIENT_SCHEMA);
});

Deno.test("gob golden: a DbgMsgTx on an established stream equals Go's (but for type ids)", () => {
  const enc = new GobEncoder();
  enc.encode(RpcRequestType, { ServiceMethod: "RPCServer.DbgMsgSchema", Seq: 0 });
  enc.encode(DbgMsgStructType, SCHEMA_MSG);
  enc.encode(RpcRequestType, { ServiceMethod: "RPCServer.DbgMsgTx", Seq: 1 });
  enc.encode(DbgMsgTxType, TX_MSG);
  const again = hex(enc.encode(RpcRequestType, { ServiceMethod: "RPCServer.DbgMsgTx", Seq: 2 })) +
    hex(enc.encode(DbgMsgTxType, TX_MSG));
  // Go's type ids are process-wide: the recording process's server had
  // taken id 73 (its Response), so Go's DbgMsgTx got 74 (ff94); ours is 73
  assertEquals(again, CLIENT_TX_AGAIN.replace("33ff94", "33ff92"));
});

Deno.test("gob golden: Go's bytes decode to the sent values", () => {
  const client = decodeGob(unhex(CLIENT_SCHEMA + CLIENT_TX + CLIENT_TX_AGAIN));
  assertEquals(client.length, 6);
  assertEquals(client[0], { ServiceMethod: "RPCServer.DbgMsgSchema" });
  assertEquals(client[1], SCHEMA_MSG);
  assertEquals(client[2], { ServiceMethod: "RPCServer.DbgMsgTx", Seq: 1 });
  // zero fields (Type 0, the Step's other fields) aren't on the wire
  const { Type: _zero, ...sent } = TX_MSG;
  assertEquals(client[3], { ...sent, Steps: [{ Type: 32, FromStateIdx: -1, ToState: "B" }] });
  assertEquals(client[5], client[3]);
  const server = decodeGob(unhex(SERVER_SCHEMA_REPLY));
  assertEquals(server, [{ ServiceMethod: "RPCServer.DbgMsgSchema" }, ""]);
});

Deno.test("gob: round trips of floats, negative and big ints, maps, nil and empty", () => {
  const Inner = go.struct("Inner", { Name: go.string, Vals: go.slice(go.float) });
  const T = go.struct("T", {
    I: go.int,
    U: go.uint,
    F: go.float,
    B: go.bool,
    S: go.string,
    Raw: go.bytes,
    Nested: go.map(go.string, go.map(go.int, Inner)),
    Ptr: Inner,
    Empty: go.slice(go.int),
    When: goTime,
    Arr: go.array(go.int, 3),
  });
  const when = new Date("2026-11-27T22:49:44.123Z");
  const v = {
    I: -9007199254740991,
    U: 18446744073709551615n,
    F: -0.1,
    B: true,
    S: "ünïcode ✓ \u0000",
    Raw: new Uint8Array([0, 255, 7]),
    Nested: new Map([["a", new Map([[-5, { Name: "x", Vals: [1.5, -Infinity, 1e300] }]])]]),
    Empty: [],
    When: when,
    Arr: [0, -1, 2 ** 40],
  };
  const [out] = decodeGob(new GobEncoder().encode(T, v)) as [Record<string, unknown>];
  // zero and empty fields are omitted on the wire, as Go does
  const { Empty: _e, ...sent } = v;
  assertEquals(out, sent);
  assertInstanceOf(out.When, Date);
  assertEquals(decodeGob(new GobEncoder().encode(go.float, NaN)).map(Number.isNaN), [true]);
  assertEquals(decodeGob(new GobEncoder().encode(go.int, -(2n ** 63n))), [-(2n ** 63n)]);
});

Deno.test("gob: interface values with registered names", () => {
  const Step = go.struct("Step", { Type: go.int, Data: go.interface });
  const v = {
    Type: 1,
    Data: {
      name: "github.com/pancsta/asyncmachine-go/pkg/machine.Relation",
      type: go.int,
      value: 2,
    },
  };
  const [out] = decodeGob(new GobEncoder().encode(Step, v)) as [Record<string, unknown>];
  assertEquals(out, { Type: 1, Data: { name: v.Data.name, value: 2 } });
});

Deno.test("gob: streaming: every split point decodes the same values", () => {
  const enc = new GobEncoder();
  const parts = [
    enc.encode(RpcRequestType, { ServiceMethod: "RPCServer.DbgMsgTx", Seq: 7 }),
    enc.encode(DbgMsgTxType, TX_MSG),
    enc.encode(DbgMsgTxType, { ...TX_MSG, ID: "tx2" }),
  ];
  const all = concatBytes(parts);
  const expected = decodeGob(all);
  assertEquals(expected.length, 3);
  for (let cut = 1; cut < all.length; cut++) {
    const dec = new GobDecoder();
    const got = [...dec.push(all.subarray(0, cut)), ...dec.push(all.subarray(cut))];
    assertEquals(got, expected);
    dec.end();
  }
});

Deno.test("gob: malformed and truncated input is a clear GobError, never a hang", () => {
  const good = new GobEncoder().encode(DbgMsgTxType, TX_MSG);
  assertThrows(() => decodeGob(good.subarray(0, good.length - 3)), GobError, "truncated");
  // a huge declared count with few bytes behind it fails fast
  assertThrows(() => decodeGob(new Uint8Array([5, 0x0c, 0x00, 0xfc, 0x7f, 0xff])), GobError);
  assertThrows(
    () => decodeGob(new Uint8Array([3, 0xff, 0xc8, 0])),
    GobError,
    "undefined type id 100",
  );
  assertThrows(
    () => new GobDecoder({ maxMessageBytes: 10 }).push(new Uint8Array([0xfe, 0x10, 0x00])),
    GobError,
    "limit",
  );
  // random bytes: only GobErrors (or values), no other exceptions, no hangs
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let i = 0; i < 3000; i++) {
    const n = 1 + Math.floor(rand() * 64);
    const b = new Uint8Array(n);
    for (let j = 0; j < n; j++) b[j] = Math.floor(rand() * 256);
    // also mutations of a valid stream
    const m = good.slice();
    m[Math.floor(rand() * m.length)] = Math.floor(rand() * 256);
    for (const input of [b, m]) {
      try {
        decodeGob(input);
      } catch (e) {
        if (!(e instanceof GobError)) throw new Error(`non-GobError for ${hex(input)}: ${e}`);
      }
    }
  }
});

Deno.test("gob: encoding rejects values that don't fit the declared type", () => {
  const T = go.struct("T", { U: go.uint, L: go.slice(go.string) });
  assertThrows(() => new GobEncoder().encode(T, { U: -1 }), GobError, "T.U");
  assertThrows(() => new GobEncoder().encode(T, { L: ["a", null] }), GobError, "nil elements");
  assertThrows(() => new GobEncoder().encode(T, 5), GobError, "expected an object");
});

const FIXTURES = "../shared/fixtures";
const COUNTS: Record<string, [number, number, number, number, string, number]> = {
  // machines, txs, steps, log entries, first machine, its states (../shared/README.md)
  "am-dbg.gob.br": [1, 1384, 25070, 16222, "d-am-dbg", 89],
  "node-payload.gob.br": [23, 727, 5549, 1920, "nw-TCWP-dev-5551c0", 30],
  "wasm.gob.br": [13, 195, 1000, 547, "rm-repl-server-foo", 10],
};

async function fixture(name: string): Promise<Uint8Array | undefined> {
  try {
    return await Deno.readFile(`${FIXTURES}/${name}`);
  } catch {
    console.warn(
      `skipping: ${FIXTURES}/${name} not found (shared fixtures are beside the checkout)`,
    );
    return undefined;
  }
}

Deno.test("recordings: am-dbg exports decode to Go's counts; export round-trips", async () => {
  for (const [name, [machines, txs, steps, logs, first, states]] of Object.entries(COUNTS)) {
    const bytes = await fixture(name);
    if (!bytes) continue;
    const s = await importDbgRecording(bytes);
    assertEquals([s.machines, s.txs, s.steps, s.logEntries], [machines, txs, steps, logs], name);
    const m0 = (await s.hub.machines())[0];
    assertEquals([m0.id, m0.states], [first, states], name);
    assertInstanceOf((await s.hub.txs(m0.id)).txs[0].msg.Time, Date);
    // write it back, read it again: the same counts
    const again = await importDbgRecording(await exportDbgRecording(s.hub));
    assertEquals(
      [again.machines, again.txs, again.steps, again.logEntries],
      [machines, txs, steps, logs],
      `${name} re-exported`,
    );
  }
});

Deno.test("gob: a multi-megabyte stream decodes incrementally with bounded buffering", async () => {
  const bytes = await fixture("am-dbg.gob.br");
  if (!bytes) return;
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
  // re-encode as one message per transaction (three times over), then feed in 4 KiB chunks
  const [list] = decodeGob(raw) as [{ MsgTxs: unknown[] }[]];
  const enc = new GobEncoder();
  const txs = [...list[0].MsgTxs, ...list[0].MsgTxs, ...list[0].MsgTxs];
  const chunks = txs.map((tx) => enc.encode(DbgMsgTxType, tx));
  const stream = concatBytes(chunks);
  assert(stream.length > 3_000_000, `${stream.length} bytes`);
  const dec = new GobDecoder({ maxMessageBytes: 1 << 20 });
  let count = 0;
  let maxBuffered = 0;
  for (let i = 0; i < stream.length; i += 4096) {
    count += dec.push(stream.subarray(i, i + 4096)).length;
    maxBuffered = Math.max(maxBuffered, dec.buffered);
  }
  dec.end();
  assertEquals(count, 3 * 1384);
  assert(maxBuffered < 1 << 20, `buffered at most ${maxBuffered} bytes`);
});

Deno.test("gob: type descriptors are sent once per stream", () => {
  const T: GoType = go.struct("T", { A: go.int });
  const enc = new GobEncoder();
  const first = enc.encode(T, { A: 1 });
  const second = enc.encode(T, { A: 1 });
  assert(first.length > second.length);
  assertEquals(hex(second), "05ff82010200");
});

Deno.test("gob: recursive types", () => {
  const Node: { kind: "struct"; name: string; fields: { name: string; type: GoType }[] } = {
    kind: "struct",
    name: "Node",
    fields: [],
  };
  Node.fields.push({ name: "Name", type: go.string }, { name: "Kids", type: go.slice(Node) });
  const tree = { Name: "root", Kids: [{ Name: "a", Kids: [{ Name: "a1" }] }, { Name: "b" }] };
  assertEquals(decodeGob(new GobEncoder().encode(Node, tree)), [tree]);
});
