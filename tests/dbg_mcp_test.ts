// MCP on the dbg endpoint: the official SDK client (Streamable HTTP) lists and
// calls every tool against a hub filled by a real machine, and each answer is
// checked against the hub's own messages; auth, malformed input, size bounds.

import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  dbgHandler,
  DbgHub,
  type DbgMsgTx,
  DbgTracer,
  HubTransport,
  msgActiveStates,
} from "../dbg/mod.ts";
import { LogLevel, Machine, StepType } from "../machine/mod.ts";

const TOKEN = "mcp-test-token";

interface Served {
  base: string;
  hub: DbgHub;
  mach: Machine;
  close(): Promise<void>;
}

/** A machine whose history has a canceled, an accepted and an Exception transition. */
async function served(opts: { mutations?: boolean; hub?: DbgHub } = {}): Promise<Served> {
  const hub = opts.hub ?? new DbgHub();
  const dbg = new DbgTracer(new HubTransport(hub));
  const mach = new Machine(
    { A: { require: ["B"] }, B: {}, C: {}, Boom: {} },
    { id: "mcp1", logLevel: LogLevel.Ops, tracers: [dbg] },
  );
  mach.bindHandlers({
    BoomState() {
      throw new Error("boom went the handler");
    },
  });
  mach.add(["A"]); // canceled: A requires B
  mach.add(["B"]);
  mach.add(["A"]);
  mach.add(["C"]);
  mach.remove(["B"]); // takes A down with it
  mach.add(["Boom"]); // Exception
  await dbg.flush();
  const handler = dbgHandler(hub, {
    token: TOKEN,
    mcp: {
      streamLifetimeMs: 500,
      ...(opts.mutations ? { machine: (id: string) => (id === mach.id ? mach : undefined) } : {}),
    },
  });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
  return {
    base: `http://127.0.0.1:${server.addr.port}`,
    hub,
    mach,
    close: () => server.shutdown(),
  };
}

async function connect(base: string): Promise<Client> {
  const client = new Client({ name: "am-telemetry-test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${TOKEN}` } },
    }),
  );
  return client;
}

type ToolOut = { text: string; data: Record<string, unknown>; isError: boolean };

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<ToolOut> {
  const r = await client.callTool({ name, arguments: args });
  const content = r.content as { type: string; text: string }[];
  return {
    text: content.map((c) => c.text).join("\n"),
    data: (r.structuredContent ?? {}) as Record<string, unknown>,
    isError: !!r.isError,
  };
}

async function allTxs(hub: DbgHub, id: string): Promise<{ cursor: number; msg: DbgMsgTx }[]> {
  return (await hub.txs(id, { limit: 1000 })).txs;
}

Deno.test("mcp: the SDK client initializes, lists tools and each answer matches the hub", async () => {
  const s = await served();
  const client = await connect(s.base);
  try {
    assertEquals(client.getServerVersion()?.name, "am-telemetry-dbg");
    const tools = (await client.listTools()).tools.map((t: { name: string }) => t.name).sort();
    assertEquals(tools, [
      "diff_positions",
      "explain_transition",
      "list_machines",
      "list_transitions",
      "machine_schema",
      "search_log",
      "states_at",
    ]);
    const txs = await allTxs(s.hub, "mcp1");
    const schema = (await s.hub.schema("mcp1"))!;

    const machines = await call(client, "list_machines", {});
    const info = (machines.data.machines as { id: string; txs: number }[])[0];
    assertEquals([info.id, info.txs], ["mcp1", txs.length]);
    assertStringIncludes(machines.text, `mcp1 [alive] states=${schema.StatesIndex.length}`);

    const sch = await call(client, "machine_schema", { id: "mcp1" });
    assertStringIncludes(sch.text, "A — require: B");

    // the canceled transition the tool finds is the hub's rejected one
    const canceled = await call(client, "list_transitions", { id: "mcp1", canceled: true });
    const found = canceled.data.transitions as { cursor: number; accepted: boolean }[];
    const hubCanceled = txs.filter((t) => !t.msg.Accepted).map((t) => t.cursor);
    assertEquals(found.map((t) => t.cursor).sort(), hubCanceled.sort());
    assert(hubCanceled.length >= 1);

    // explained: the requirement, citing a step that is a Cancel step in the hub
    const first = txs.find((t) => !t.msg.Accepted)!;
    const why = await call(client, "explain_transition", { id: "mcp1", cursor: first.cursor });
    assertEquals(why.data.accepted, false);
    const reason = (why.data.canceledBecause as string[])[0];
    assertStringIncludes(reason, "A requires B");
    const stepIdx = Number(/step (\d+)/.exec(reason)![1]);
    assertEquals(first.msg.Steps![stepIdx].Type, StepType.Cancel);
    assertStringIncludes(why.text, "canceled because: A requires B");

    // states at the newest transition = the hub's clocks
    const newest = txs[txs.length - 1];
    const at = await call(client, "states_at", { id: "mcp1" });
    assertEquals(at.data.active, msgActiveStates(newest.msg, schema.StatesIndex));
    assertEquals(at.data.cursor, newest.cursor);

    // the error filter finds the Exception, and its message
    const errs = await call(client, "list_transitions", { id: "mcp1", error: true });
    const errTx = (errs.data.transitions as { cursor: number }[])[0];
    const errWhy = await call(client, "explain_transition", { id: "mcp1", cursor: errTx.cursor });
    assertStringIncludes(errWhy.text, "boom went the handler");

    // diff between the accepted add A and the remove B
    const done = txs.filter((t) => !t.msg.IsQueued);
    const addA = done.find((t) => t.msg.Accepted && t.msg.CalledStatesIdxs?.[0] === 0)!;
    const remB = done.find((t) => t.msg.Type === 1)!;
    const diff = await call(client, "diff_positions", {
      id: "mcp1",
      from: addA.cursor,
      to: remB.cursor,
    });
    assertEquals((diff.data.deactivated as string[]).sort(), ["A", "B"]);
    assertEquals(diff.data.activated, ["C"]);

    // log search: every hit is a line of the hub's message at that cursor
    const search = await call(client, "search_log", { id: "mcp1", query: "cancel" });
    const hits = search.data.hits as { cursor: number; text: string }[];
    assert(hits.length >= 1, search.text);
    for (const h of hits) {
      const msg = txs.find((t) => t.cursor === h.cursor)!.msg;
      assert(
        [...(msg.PreLogEntries ?? []), ...(msg.LogEntries ?? [])].some((e) => e.Text === h.text),
      );
    }

    // a tool error is a result with isError, not a protocol error
    const bad = await call(client, "states_at", { id: "nope" });
    assert(bad.isError);
    assertStringIncludes(bad.text, "unknown machine");
    const badArg = await call(client, "list_transitions", { id: "mcp1", limit: 0 });
    assert(badArg.isError);
    assertStringIncludes(badArg.text, "limit must be an integer");

    const res = await client.listResources();
    assert(res.resources.some((r: { uri: string }) => r.uri === "amdbg://machine/mcp1/schema"));
    const read = await client.readResource({ uri: "amdbg://machine/mcp1/schema" });
    assertStringIncludes((read.contents[0] as { text: string }).text, "A — require: B");
  } finally {
    await client.close();
    await s.close();
    s.mach.dispose();
  }
});

Deno.test("mcp: token, malformed bodies and protocol errors", async () => {
  const s = await served();
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${s.base}/mcp`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        authorization: `Bearer ${TOKEN}`,
        ...headers,
      },
      body,
    });
  try {
    const noToken = await fetch(`${s.base}/mcp`, { method: "POST", body: "{}" });
    assertEquals(noToken.status, 401);
    await noToken.body?.cancel();

    const parse = await post("{nope");
    assertEquals((await parse.json()).error.code, -32700);
    const batch = await post("[]");
    assertEquals((await batch.json()).error.code, -32600);
    const unknown = await post(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "nope/nope" }));
    assertEquals((await unknown.json()).error.code, -32601);
    const noTool = await post(JSON.stringify({
      jsonrpc: "2.0",
      id: 2,
      method: "tools/call",
      params: { name: "rm_rf", arguments: {} },
    }));
    assertEquals((await noTool.json()).error.code, -32602);
    const badParams = await post(JSON.stringify({
      jsonrpc: "2.0",
      id: 3,
      method: "tools/call",
      params: [1, 2],
    }));
    assertEquals((await badParams.json()).error.code, -32602);
    const version = await post(JSON.stringify({ jsonrpc: "2.0", id: 4, method: "ping" }), {
      "mcp-protocol-version": "1999-01-01",
    });
    assertEquals(version.status, 400);
    await version.body?.cancel();
    const huge = await post(
      JSON.stringify({ jsonrpc: "2.0", id: 5, method: "ping", x: "x".repeat(2 << 20) }),
    );
    assertEquals(huge.status, 413);
    await huge.body?.cancel();
    const note = await post(
      JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
    );
    assertEquals(note.status, 202);
    await note.body?.cancel();
    // version negotiation: an unknown version gets the newest we speak
    const init = await post(JSON.stringify({
      jsonrpc: "2.0",
      id: 6,
      method: "initialize",
      params: {
        protocolVersion: "2099-01-01",
        capabilities: {},
        clientInfo: { name: "x", version: "1" },
      },
    }));
    assertEquals((await init.json()).result.protocolVersion, "2025-11-25");
  } finally {
    await s.close();
    s.mach.dispose();
  }
});

Deno.test("mcp: mutating tools exist only when enabled, and drive the live machine", async () => {
  const off = await served();
  const on = await served({ mutations: true });
  const [c1, c2] = [await connect(off.base), await connect(on.base)];
  try {
    const names1 = (await c1.listTools()).tools.map((t: { name: string }) => t.name);
    assert(!names1.includes("add_states"));
    const names2 = (await c2.listTools()).tools.map((t: { name: string }) => t.name);
    assert(names2.includes("add_states") && names2.includes("remove_states"));
    assert(!on.mach.is(["B"]));
    const r = await call(c2, "add_states", { id: "mcp1", states: ["B"] });
    assertEquals(r.data.result, "Executed");
    assert(on.mach.is(["B"]));
    const rm = await call(c2, "remove_states", { id: "mcp1", states: ["B"] });
    assertEquals(rm.data.result, "Executed");
    assert(!on.mach.is(["B"]));
  } finally {
    await c1.close();
    await c2.close();
    await off.close();
    await on.close();
    off.mach.dispose();
    on.mach.dispose();
  }
});

Deno.test("mcp: answers stay under the size bound on a 1,000,000-transition hub", async () => {
  const hub = new DbgHub({
    maxTxsPerMachine: 2000,
    maxMachines: 1000,
    maxBytes: 2 * 1024 ** 3,
    maxBytesPerMachine: 64 << 20,
  });
  const states = Array.from({ length: 40 }, (_, i) => `State${i}`);
  const text = "x".repeat(50);
  for (let m = 0; m < 500; m++) {
    const id = `big-${m}`;
    await hub.addSchema({ ID: id, StatesIndex: states, States: {} });
    for (let t = 0; t < 2000; t++) {
      await hub.addTx({
        MachineID: id,
        ID: `t${t}`,
        Clocks: states.map((_, i) => (i === t % 40 ? 1 : 0)),
        Type: 0,
        Accepted: t % 3 !== 0,
        CalledStatesIdxs: [t % 40],
        LogEntries: [{ Level: 2, Text: `[add] State${t % 40} ${text}` }],
      });
    }
  }
  assertEquals((await hub.machines()).reduce((n, m) => n + m.txs, 0), 1_000_000);
  const handler = dbgHandler(hub, {
    token: TOKEN,
    mcp: { maxChars: 8000, streamLifetimeMs: 500 },
  });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
  const client = await connect(`http://127.0.0.1:${server.addr.port}`);
  try {
    for (
      const [name, args] of [
        ["list_machines", { limit: 500 }],
        ["list_transitions", { id: "big-7", limit: 200 }],
        ["search_log", { id: "big-7", query: "State1", limit: 500 }],
        ["list_transitions", { id: "big-7", state: "State3", canceled: true, limit: 200 }],
      ] as const
    ) {
      const r = await call(client, name, args);
      assert(!r.isError, r.text);
      assert(r.text.length <= 8000 + 200, `${name}: ${r.text.length} characters`);
    }
    // a page continues where the last ended, without overlap
    const p1 = await call(client, "list_transitions", { id: "big-7", limit: 50 });
    const next = p1.data.cursor as number;
    const p2 = await call(client, "list_transitions", { id: "big-7", limit: 50, cursor: next });
    const c1 = (p1.data.transitions as { cursor: number }[]).map((t) => t.cursor);
    const c2 = (p2.data.transitions as { cursor: number }[]).map((t) => t.cursor);
    assertEquals(c2[0], c1[c1.length - 1] - 1);
  } finally {
    await client.close();
    await server.shutdown();
  }
});

Deno.test("mcp: an agent reads the running demo", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "demo", "--duration", "8", "--port", "0"],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const out = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  let base = "";
  while (!base) {
    const { done, value } = await out.read();
    if (done) throw new Error(`demo ended: ${text}`);
    text += value;
    base = /demo on (http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1] ?? "";
  }
  const drain = (async () => {
    while (!(await out.read()).done);
  })();
  await new Promise((r) => setTimeout(r, 2000));
  const client = new Client({ name: "demo-agent", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`)));
  try {
    const list = await call(client, "list_machines", { query: "sim" });
    const sim = (list.data.machines as { id: string; txs: number }[]).find((m) => m.id === "sim");
    assert(sim && sim.txs > 0, list.text);
    const page = await call(client, "list_transitions", { id: "sim", limit: 5 });
    const newest = (page.data.transitions as { cursor: number }[])[0];
    const why = await call(client, "explain_transition", { id: "sim", cursor: newest.cursor });
    assert(!why.isError, why.text);
    assertStringIncludes(why.text, `transition ${newest.cursor} `);
  } finally {
    await client.close();
    // the demo's graceful stop may wait out the MCP stream's lifetime: not this test's subject
    child.kill("SIGKILL");
    await drain;
    await child.status;
  }
});

Deno.test("mcp: the tools read a Deno KV hub the same way; queued notices say so", async () => {
  const kv = await Deno.openKv(":memory:");
  const s = await served({ hub: new DbgHub({ kv }) });
  const client = await connect(s.base);
  try {
    const txs = await allTxs(s.hub, "mcp1");
    const canceled = await call(client, "list_transitions", { id: "mcp1", canceled: true });
    const found = (canceled.data.transitions as { cursor: number }[]).map((t) => t.cursor);
    assertEquals(found.sort(), txs.filter((t) => !t.msg.Accepted).map((t) => t.cursor).sort());
    const queued = txs.find((t) => t.msg.IsQueued)!;
    const why = await call(client, "explain_transition", { id: "mcp1", cursor: queued.cursor });
    assertEquals(why.data.queued, true);
    assertStringIncludes(why.text, "queued (a mutation waiting in the queue");
  } finally {
    await client.close();
    await s.close();
    s.mach.dispose();
    kv.close();
  }
});
