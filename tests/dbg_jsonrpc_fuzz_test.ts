// Fuzz (issue 15): random and mutated JSON-RPC bodies against the dbg
// endpoint's handler as it is (whatever dbgHandler is merged), then its
// queries and stream replay over what was stored. Seeded; bounded to
// seconds; only documented answers, bounded time per input, heap below a
// bound (tests/fuzz.ts).

import { assert } from "@std/assert";
import { dbgHandler, DbgHub } from "../dbg/mod.ts";
import { RPC_ERRORS } from "../dbg/jsonrpc.ts";
import { fuzz, FUZZ_BOUNDS, mutate, Rand } from "./fuzz.ts";

const SEED = 0x15f;
/** The endpoint's documented codes (RPC_ERRORS) and JSON-RPC 2.0's internal error. */
const DOCUMENTED_CODES = new Set<number>([...Object.values(RPC_ERRORS), -32603]);
const enc = new TextEncoder();

function randJson(r: Rand, depth: number): unknown {
  const leaves = [
    () => null,
    () => r.next() < 0.5,
    () => r.pick([0, -1, 1.5, 2 ** 53, 2 ** 62, -(2 ** 63), 1e308, 5e-324, r.int(1e6)]),
    () => r.pick(["", "a", "x\ud800", "\u0000", "Exception", "m1", "s".repeat(r.int(500))]),
  ];
  if (depth <= 0 || r.next() < 0.4) return r.pick(leaves)();
  if (r.next() < 0.5) return Array.from({ length: r.int(5) }, () => randJson(r, depth - 1));
  const o: Record<string, unknown> = {};
  const keys = [
    "ID",
    "MachineID",
    "States",
    "StatesIndex",
    "Clocks",
    "Steps",
    "Data",
    "Type",
    "__proto__",
    "constructor",
    "k",
  ];
  for (let i = r.int(5); i > 0; i--) {
    // an own property, as JSON.parse makes it (`__proto__` included), not the setter
    Object.defineProperty(o, r.pick(keys), {
      value: randJson(r, depth - 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return o;
}

/** `[[[…]]]` `depth` deep: small on the wire, deep for every recursive walker. */
function deep(depth: number): string {
  return "[".repeat(depth) + "]".repeat(depth);
}

function validSchema(id: string): unknown {
  return { ID: id, StatesIndex: ["A", "Exception"], States: { A: {}, Exception: { Multi: true } } };
}

function validTx(r: Rand, id: string): Record<string, unknown> {
  return {
    MachineID: id,
    ID: `t${r.int(1e6)}`,
    Clocks: [r.int(5), r.int(3)],
    Type: r.int(3),
    Steps: [{ Type: 1, ToState: "A", ToStateIdx: 0, Data: randJson(r, 4) }],
    LogEntries: [{ Level: 2, Text: "[add] A" }],
  };
}

function request(r: Rand, id: number): Record<string, unknown> {
  const mach = r.pick(["m1", "m2", "x\ud800", ""]);
  const method = r.pick([
    "DbgMsgSchema",
    "DbgMsgTx",
    "DbgMsgTx",
    "machines",
    "schema",
    "txs",
    "nope",
    "__proto__",
  ]);
  let params: unknown;
  switch (method) {
    case "DbgMsgSchema":
      params = r.next() < 0.7 ? validSchema(mach) : randJson(r, 4);
      break;
    case "DbgMsgTx": {
      const tx = validTx(r, mach);
      if (r.next() < 0.3) tx[r.pick(Object.keys(tx))] = randJson(r, 3);
      params = tx;
      break;
    }
    case "txs":
      params = {
        id: mach,
        cursor: r.pick([0, 1, -1, 2 ** 60, 1.5, "0", null]),
        limit: r.pick([1, 1000, 0, 1001, -5, 2 ** 53]),
      };
      break;
    default:
      params = r.next() < 0.5 ? { id: mach } : randJson(r, 2);
  }
  const req: Record<string, unknown> = { jsonrpc: "2.0", method, params };
  if (r.next() < 0.9) req.id = r.pick([id, `s${id}`, null, { o: 1 }]);
  return req;
}

function body(r: Rand, i: number): string | Uint8Array {
  switch (r.int(7)) {
    case 0:
      return r.bytes(r.int(200)); // not even UTF-8
    case 1:
      return JSON.stringify(randJson(r, 6));
    case 2: {
      const batch = Array.from({ length: 1 + r.int(20) }, (_, k) => request(r, i * 100 + k));
      return JSON.stringify(batch);
    }
    case 3:
      return mutate(r, enc.encode(JSON.stringify(request(r, i))));
    case 4: {
      // deeply nested data in an otherwise valid tx (a ~40 KB body)
      const tx = JSON.stringify({
        jsonrpc: "2.0",
        id: i,
        method: "DbgMsgTx",
        params: validTx(r, "m1"),
      });
      return tx.replace('"Data":', `"Data":${deep(20_000)},"_":`);
    }
    default:
      return JSON.stringify(request(r, i));
  }
}

async function post(
  handler: (req: Request) => Promise<Response>,
  b: string | Uint8Array,
): Promise<void> {
  const res = await handler(
    new Request("http://127.0.0.1/rpc", {
      method: "POST",
      body: b as BodyInit,
      headers: { "content-type": "application/json" },
    }),
  );
  if (res.status === 204) return;
  const text = await res.text();
  if (res.status === 413) return;
  if (res.status !== 200) throw new Error(`status ${res.status}: ${text.slice(0, 200)}`);
  const parsed = JSON.parse(text);
  for (const one of Array.isArray(parsed) ? parsed : [parsed]) {
    if (one?.jsonrpc !== "2.0") throw new Error(`not JSON-RPC 2.0: ${text.slice(0, 200)}`);
    if ("error" in one) {
      if (!DOCUMENTED_CODES.has(one.error?.code)) {
        throw new Error(`undocumented error ${text.slice(0, 300)}`);
      }
    } else if (!("result" in one)) {
      throw new Error(`neither result nor error: ${text.slice(0, 200)}`);
    }
  }
}

/** What a page does next: list machines, page their txs, open the stream from 0. */
async function readBack(handler: (req: Request) => Promise<Response>): Promise<void> {
  const list = await handler(
    new Request("http://127.0.0.1/rpc", {
      method: "POST",
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "machines", params: {} }),
    }),
  );
  const machines = (await list.json()).result as { id: string }[];
  assert(Array.isArray(machines), "machines answers a list");
  for (const m of machines.slice(0, 5)) {
    await post(
      handler,
      JSON.stringify({ jsonrpc: "2.0", id: 2, method: "txs", params: { id: m.id } }),
    );
  }
  const sse = await handler(new Request("http://127.0.0.1/events?since=0"));
  if (sse.status !== 200) throw new Error(`/events: ${sse.status}`);
  const reader = sse.body!.getReader();
  let read = 0;
  const until = performance.now() + 100;
  while (read < 256 * 1024 && performance.now() < until) {
    const chunk = await Promise.race([
      reader.read(),
      new Promise<undefined>((r) => setTimeout(() => r(undefined), 50)),
    ]);
    if (!chunk || chunk.done) break;
    read += chunk.value.length;
  }
  await reader.cancel();
}

Deno.test("fuzz JSON-RPC: random and mutated bodies get documented answers; what's stored reads back", async () => {
  const hub = new DbgHub();
  const handler = dbgHandler(hub);
  const r = new Rand(SEED);
  let n = 0;
  const ran = await fuzz("jsonrpc", 3000, (i) => {
    n = i;
    return body(r, i);
  }, async (b) => {
    await post(handler, b);
    if (n % 25 === 0) await readBack(handler);
  });
  await readBack(handler);
  assert(ran > 100, `${ran} inputs in ${FUZZ_BOUNDS.budgetMs} ms`);
});
