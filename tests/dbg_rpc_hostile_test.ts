// net/rpc server under hostile clients (issue 15, items 2 and 5): decoded
// size budgets, partial messages, timeouts, in-flight bytes, connection
// limits and the optional TCP token.

import { assert, assertEquals, assertRejects } from "@std/assert";
import { DbgHub, GobRpcTransport, listenDbgTcp, type ListenDbgTcpOptions } from "../dbg/mod.ts";
import { type ByteConn, tcpByteConn, wsByteConn } from "../dbg/byte_conn.ts";
import { DbgMsgStructType, RpcRequestType } from "../dbg/wire_types.ts";
import { dbgWsRoute } from "../dbg/rpc.ts";
import { NetRpcClient } from "../dbg/rpc_client.ts";
import { go, GobEncoder } from "../dbg/gob/mod.ts";

const SCHEMA = { ID: "m1", StatesIndex: ["A"], States: new Map([["A", {}]]) };

function listen(opts: ListenDbgTcpOptions = {}): { hub: DbgHub; port: number; close(): void } {
  const hub = new DbgHub();
  const listener = listenDbgTcp(hub, { port: 0, ...opts });
  return { hub, port: (listener.addr as Deno.NetAddr).port, close: () => listener.close() };
}

/** Reads until EOF or `ms`: "closed" if the server closed it, "open" on timeout, "data" if it replied. */
async function outcome(conn: Deno.Conn, ms: number): Promise<"closed" | "open" | "data"> {
  const buf = new Uint8Array(4096);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"open">((r) => timer = setTimeout(() => r("open"), ms));
  const read = conn.read(buf).then((n) => n === null ? "closed" as const : "data" as const)
    .catch(() => "closed" as const);
  const got = await Promise.race([read, timeout]);
  clearTimeout(timer);
  return got;
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.length) off += await conn.write(bytes.subarray(off));
}

/** A net/rpc call whose body is `[]struct{}` of `n` elements (one wire byte each). */
function emptyStructsCall(n: number): Uint8Array {
  const enc = new GobEncoder();
  const head = enc.encode(RpcRequestType, { ServiceMethod: "RPCServer.DbgMsgTx", Seq: 0 });
  const body = enc.encode(go.slice(go.struct("E", {})), new Array(n).fill({}));
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

/** A message header declaring `declared` bytes, followed by `sent` of them. */
function partial(declared: number, sent: number): Uint8Array {
  const out = new Uint8Array(5 + sent);
  out.set([
    0xfc,
    declared >>> 24,
    (declared >>> 16) & 0xff,
    (declared >>> 8) & 0xff,
    declared & 0xff,
  ]);
  return out;
}

const closeQuietly = (c: Deno.Conn) => {
  try {
    c.close();
  } catch {
    // closed by the server
  }
};

Deno.test("net/rpc hostile: a call decoding over the budget closes the connection unanswered", async () => {
  const s = listen({ maxDecodedBytes: 1 << 20 });
  const conn = await Deno.connect({ port: s.port });
  await writeAll(conn, emptyStructsCall(100_000)); // 100 KB on the wire, ~5 MB as objects
  assertEquals(await outcome(conn, 5000), "closed");
  closeQuietly(conn);
  // with the defaults: 2M elements are over 1,048,576 values
  const s2 = listen();
  const conn2 = await Deno.connect({ port: s2.port });
  await writeAll(conn2, emptyStructsCall(2_000_000));
  assertEquals(await outcome(conn2, 10_000), "closed");
  closeQuietly(conn2);
  // and the listener goes on serving good clients
  const ok = new NetRpcClient(tcpByteConn(await Deno.connect({ port: s2.port })));
  await ok.call("RPCServer.DbgMsgSchema", DbgMsgStructType, SCHEMA);
  assertEquals((await s2.hub.schema("m1"))?.StatesIndex, ["A"]);
  ok.close();
  s.close();
  s2.close();
});

Deno.test("net/rpc hostile: partial and missing messages time out; idle is allowed by default", async () => {
  const s = listen({ readTimeoutMs: 200 });
  const part = await Deno.connect({ port: s.port });
  await writeAll(part, partial(1 << 20, 100));
  const silent = await Deno.connect({ port: s.port });
  assertEquals(await outcome(part, 3000), "closed");
  assertEquals(await outcome(silent, 3000), "closed");
  closeQuietly(part);
  closeQuietly(silent);
  // a Go-like client, idle after its schema (it never reconnects): kept open
  const conn = await Deno.connect({ port: s.port });
  const client = new NetRpcClient(tcpByteConn(conn));
  await client.call("RPCServer.DbgMsgSchema", DbgMsgStructType, SCHEMA);
  await new Promise((r) => setTimeout(r, 500));
  await client.call("RPCServer.DbgMsgSchema", DbgMsgStructType, SCHEMA);
  client.close();
  s.close();
  // an idle timeout, when asked for
  const s2 = listen({ idleTimeoutMs: 200 });
  const idle = await Deno.connect({ port: s2.port });
  const c2 = new NetRpcClient(tcpByteConn(idle));
  await c2.call("RPCServer.DbgMsgSchema", DbgMsgStructType, SCHEMA);
  await new Promise((r) => setTimeout(r, 600));
  await assertRejects(() => c2.call("RPCServer.DbgMsgSchema", DbgMsgStructType, SCHEMA));
  c2.close();
  s2.close();
});

Deno.test("net/rpc hostile: bytes in flight are bounded per connection and in all", async () => {
  // per connection: a declared message over maxMessageBytes
  const s = listen({ maxMessageBytes: 1 << 20, maxInFlightBytes: 1536 << 10 });
  const big = await Deno.connect({ port: s.port });
  await writeAll(big, partial(2 << 20, 10));
  assertEquals(await outcome(big, 3000), "closed");
  closeQuietly(big);
  // in all: the second 900 KB partial message is over the 1.5 MiB budget
  const a = await Deno.connect({ port: s.port });
  await writeAll(a, partial(1000_000, 900_000));
  await new Promise((r) => setTimeout(r, 300));
  const b = await Deno.connect({ port: s.port });
  await writeAll(b, partial(1000_000, 900_000)).catch(() => {});
  assertEquals(await outcome(b, 3000), "closed");
  assertEquals(await outcome(a, 300), "open");
  closeQuietly(a);
  closeQuietly(b);
  s.close();
});

Deno.test("net/rpc hostile: connection limits on TCP and /dbg.ws", async () => {
  const s = listen({ maxConnections: 2 });
  const c1 = await Deno.connect({ port: s.port });
  const c2 = await Deno.connect({ port: s.port });
  await new Promise((r) => setTimeout(r, 100));
  const c3 = await Deno.connect({ port: s.port });
  assertEquals(await outcome(c3, 3000), "closed");
  assertEquals(await outcome(c1, 100), "open");
  for (const c of [c1, c2, c3]) closeQuietly(c);
  s.close();

  const hub = new DbgHub();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    dbgWsRoute(hub, undefined, { maxConnections: 1 }),
  );
  const url = `ws://127.0.0.1:${server.addr.port}/dbg.ws`;
  const first = new GobRpcTransport(url);
  await first.send([{ method: "DbgMsgSchema", params: { ...SCHEMA, States: { A: {} } } }]);
  const res = await fetch(`http://127.0.0.1:${server.addr.port}/dbg.ws`, {
    headers: { upgrade: "websocket", connection: "upgrade" },
  });
  await res.body?.cancel();
  assertEquals(res.status, 503);
  const second = new GobRpcTransport(url);
  await assertRejects(() =>
    second.send([{ method: "DbgMsgSchema", params: { ...SCHEMA, States: { A: {} } } }])
  );
  await first.close();
  await second.close();
  await server.shutdown();
});

Deno.test("net/rpc hostile: an optional token gates the TCP listener", async () => {
  const s = listen({ token: "s3cret" });
  const msg = { method: "DbgMsgSchema" as const, params: { ...SCHEMA, States: { A: {} } } };
  const anon = new GobRpcTransport(`127.0.0.1:${s.port}`);
  await assertRejects(() => anon.send([msg]));
  const wrong = new GobRpcTransport(`127.0.0.1:${s.port}`, { token: "guess" });
  await assertRejects(() => wrong.send([msg]));
  assertEquals(await s.hub.schema("m1"), undefined);
  const good = new GobRpcTransport(`127.0.0.1:${s.port}`, { token: "s3cret" });
  await good.send([msg]);
  assert(await s.hub.schema("m1"));
  for (const t of [anon, wrong, good]) await t.close();
  s.close();
});

Deno.test("net/rpc hostile: a WebSocket peer outrunning its reader is cut off at maxQueuedBytes", async () => {
  let conn: ByteConn | undefined;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const { socket, response } = Deno.upgradeWebSocket(req);
    socket.addEventListener("open", () => conn = wsByteConn(socket, { maxQueuedBytes: 1000 }));
    return response;
  });
  const ws = new WebSocket(`ws://127.0.0.1:${server.addr.port}/`);
  const closed = new Promise<number>((r) => ws.onclose = (e) => r(e.code));
  await new Promise((r) => ws.onopen = r);
  ws.send(new Uint8Array(600));
  ws.send(new Uint8Array(600)); // nobody reads: over 1000 queued
  assertEquals(await closed, 1009);
  assert(conn);
  assertEquals(conn.queued, 0);
  await server.shutdown();
});

Deno.test("net/rpc hostile: over /dbg.ws too, a call decoding over the budget closes the socket", async () => {
  const hub = new DbgHub();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    dbgWsRoute(hub, undefined, { maxDecodedBytes: 1 << 20 }),
  );
  const ws = new WebSocket(`ws://127.0.0.1:${server.addr.port}/dbg.ws`);
  ws.binaryType = "arraybuffer";
  let replied = false;
  ws.onmessage = () => replied = true;
  const closed = new Promise<void>((r) => ws.onclose = () => r());
  await new Promise((r) => ws.onopen = r);
  ws.send(emptyStructsCall(100_000));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const got = await Promise.race([
    closed.then(() => "closed"),
    new Promise((r) => timer = setTimeout(() => r("open"), 5000)),
  ]);
  clearTimeout(timer);
  assertEquals([got, replied], ["closed", false]);
  ws.close();
  await server.shutdown();
});

Deno.test("net/rpc hostile: a server that never replies fails the call after timeoutMs", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted: Deno.Conn[] = [];
  (async () => {
    for await (const c of listener) accepted.push(c); // reads nothing, answers nothing
  })().catch(() => {});
  const port = (listener.addr as Deno.NetAddr).port;
  const client = new NetRpcClient(tcpByteConn(await Deno.connect({ port })), { timeoutMs: 200 });
  await assertRejects(
    () => client.call("RPCServer.DbgMsgSchema", DbgMsgStructType, SCHEMA),
    Error,
    "no reply",
  );
  await assertRejects(() => client.call("RPCServer.DbgMsgSchema", DbgMsgStructType, SCHEMA));
  for (const c of accepted) closeQuietly(c);
  listener.close();
});

Deno.test("net/rpc hostile: a busy client whose chunks always end mid-message isn't timed out", async () => {
  const s = listen({ readTimeoutMs: 300 });
  const conn = await Deno.connect({ port: s.port });
  const enc = new GobEncoder();
  const call = (seq: number) =>
    [
      enc.encode(RpcRequestType, { ServiceMethod: "RPCServer.DbgMsgSchema", Seq: seq }),
      enc.encode(DbgMsgStructType, SCHEMA),
    ].flatMap((b) => [...b]);
  // for 1.2 s: every write completes the previous call and starts the next one
  let carry: number[] = [];
  for (let seq = 0; seq < 12; seq++) {
    const bytes = [...carry, ...call(seq)];
    const cut = bytes.length - 5;
    await writeAll(conn, Uint8Array.from(bytes.slice(0, cut)));
    carry = bytes.slice(cut);
    await new Promise((r) => setTimeout(r, 100));
  }
  await writeAll(conn, Uint8Array.from(carry));
  // replies to all 12 calls arrive, the connection still open
  const replies = await new Promise<number>((resolve) => {
    let got = 0;
    const buf = new Uint8Array(65536);
    const read = (): void => {
      conn.read(buf).then((n) => {
        if (n === null) return resolve(-1);
        got += n;
        if (got >= 12 * 20) resolve(got);
        else read();
      }, () => resolve(-1));
    };
    read();
  });
  assert(replies > 0, "the connection was closed");
  closeQuietly(conn);
  s.close();
});
