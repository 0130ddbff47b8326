// The debugger page without a browser: the served script is every page
// function's source as plain JavaScript (no types, no imports, names kept),
// the transition facts it shows (clock parity, added/removed, error
// states) are the core's, served once, and run standalone,
// the document loads nothing from elsewhere, the diagram layout of the
// 89-state am-dbg fixture places every state without overlaps, and the
// export/import routes hold against hostile input.

import { assert, assertEquals, assertMatch } from "@std/assert";
import { dbgHandler, DbgHub, importDbgRecording } from "../dbg/mod.ts";
import { DBG_PAGE_HTML, dbgPageScript } from "../dbg/ui.ts";
import { dbgUiRoutes } from "../dbg/ui/routes.ts";
import * as util from "../dbg/ui/page_util.ts";
import * as data from "../dbg/ui/page_data.ts";
import * as stream from "../dbg/ui/page_stream.ts";
import * as actions from "../dbg/ui/page_actions.ts";
import * as events from "../dbg/ui/page_events.ts";
import * as render from "../dbg/ui/page_render.ts";
import * as diagram from "../dbg/ui/page_diagram.ts";
import * as sequence from "../dbg/ui/page_sequence.ts";
import * as main from "../dbg/ui/page_main.ts";
import { isActiveTick } from "../machine/utils.ts";
import { timeDiff } from "../machine/time_diff.ts";
import { StateException } from "../machine/states.ts";
import { Relation, StepType } from "../machine/types.ts";
import { relationName, stepTypeName } from "../machine/names.ts";
import { clockDiffNames, stepStateName } from "../dbg/explain.ts";
import { type DbgMsgTx, msgCalledStateNames } from "../dbg/messages.ts";
import { Rand } from "./fuzz.ts";

Deno.test("ui page: the script is the page modules' functions, as JavaScript", () => {
  const script = dbgPageScript();
  const shared = { isActiveTick, timeDiff, clockDiffNames, stepStateName, msgCalledStateNames };
  for (
    const mod of [shared, util, data, stream, render, diagram, sequence, actions, events, main]
  ) {
    for (const [name, v] of Object.entries(mod)) {
      if (typeof v !== "function") continue;
      // a bundler renaming them would break calls between the served functions
      assertMatch(script, new RegExp(`(^|\\n)(async )?function ${name}\\(`), name);
    }
  }
  // parses as a classic script: no type annotations or imports left
  new Function(script);
  assert(!/^\s*(import|export)\s/m.test(script));
  assert(script.trimEnd().endsWith("dbgPageMain();"));
});

Deno.test("ui page: transition facts are the core's, defined once in the script", () => {
  const script = dbgPageScript();
  const count = (s: string) => script.split(s).length - 1;
  // one parity (isActiveTick), one diff (timeDiff), one error-state rule
  assertEquals(count("% 2"), 1, "clock parity");
  assertEquals(count("function timeDiff("), 1);
  assertEquals(count(JSON.stringify(StateException)), 1, "the Exception name");
  assertEquals(count('startsWith("Err")'), 1, "the Err prefix");
  assertEquals(count("function msgCalledStateNames("), 1, "the called states");
  // a step's states: the name, else the index read through the schema's (one resolution)
  assertEquals(count("FromStateIdx >= 0"), 0);
  assertEquals(count("function stepStateName("), 1);
  // the served functions run on their own: what they call by name is served too
  type Served = {
    pageDiff: typeof util.pageDiff;
    pageErr: typeof util.pageErr;
    isErrState: typeof util.isErrState;
    PAGE_STEP_NAMES: Record<number, string>;
    PAGE_RELATION_NAMES: Record<number, string>;
  };
  const body = script.slice(0, script.lastIndexOf(`${main.dbgPageMain.name}();`));
  const page = new Function(
    body + "return { pageDiff, pageErr, isErrState, PAGE_STEP_NAMES, PAGE_RELATION_NAMES };",
  )() as Served;
  // steps and relations are labelled with the core's names (upstream's String())
  assertEquals(page.PAGE_STEP_NAMES[StepType.Relation], stepTypeName(StepType.Relation));
  assertEquals(page.PAGE_STEP_NAMES[StepType.Cancel], stepTypeName(StepType.Cancel));
  assertEquals(page.PAGE_RELATION_NAMES[Relation.Require], relationName(Relation.Require));
  for (const [name, err] of [["Exception", true], ["ErrNetwork", true], ["Foo", false]] as const) {
    assertEquals(page.isErrState(name), err, name);
  }
  const tx = (Clocks: number[], extra: Partial<DbgMsgTx> = {}): DbgMsgTx => ({
    MachineID: "m",
    ID: "t",
    Clocks,
    Type: 0,
    Accepted: true,
    ...extra,
  });
  assertEquals(page.pageErr(tx([], { CalledStatesIdxs: [0], Args: { err: "x" } }), ["ErrDb"]), "x");
  // removing an error state is no error
  assertEquals(page.pageErr(tx([], { CalledStates: ["Exception"], Type: 1 }), []), "");
  // the page's added/removed is timeDiff's, on clocks of any shape
  const rand = new Rand(13);
  const index = ["A", "B", "C", "D", "E"];
  for (let n = 0; n < 2000; n++) {
    const clocks = () => Array.from({ length: rand.int(7) }, () => rand.int(6));
    const [before, after] = [clocks(), clocks()];
    const d = timeDiff(before, after);
    const names = (xs: readonly number[]) =>
      xs.filter((i) => i < index.length).map((i) => index[i]);
    assertEquals(
      page.pageDiff(tx(after), tx(before), index),
      { added: names(d.added), removed: names(d.removed) },
      `${before} -> ${after}`,
    );
  }
  assertEquals(page.pageDiff(tx([1], { IsQueued: true }), tx([0]), ["A"]).added, []);
});

Deno.test("ui page: one document, nothing loaded from elsewhere", async () => {
  assert(DBG_PAGE_HTML.startsWith("<!doctype html>"));
  assert(!/(src|href)="(https?:)?\/\//.test(DBG_PAGE_HTML), "no external assets");
  assert(!DBG_PAGE_HTML.includes("<script src"));
  const res = await dbgHandler(new DbgHub())(new Request("http://x/"));
  assertEquals(res.status, 200);
  assertMatch(res.headers.get("content-security-policy") ?? "", /default-src 'self'/);
  assertEquals(await res.text(), DBG_PAGE_HTML);
});

Deno.test("ui page: the diagram layout of the 89-state fixture", async () => {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile("../shared/fixtures/am-dbg.gob.br");
  } catch {
    console.warn("skipping: ../shared/fixtures not found");
    return;
  }
  const { hub } = await importDbgRecording(bytes);
  const schema = (await hub.schema("d-am-dbg"))!;
  const layout = diagram.diagramLayout(schema);
  assertEquals(layout.nodes.length, 89);
  assertEquals(new Set(layout.nodes.map((n) => n.name)).size, 89);
  for (const a of layout.nodes) {
    for (const b of layout.nodes) {
      if (a === b || a.y !== b.y) continue;
      assert(Math.abs(a.x - b.x) >= (a.w + b.w) / 2, `${a.name} overlaps ${b.name}`);
    }
    assert(a.x - a.w / 2 >= 0 && a.x + a.w / 2 <= layout.w, `${a.name} inside`);
  }
  const rels = Object.entries(schema.States).flatMap(([name, s]) =>
    ["Require", "Add", "Remove", "After"].flatMap((r) =>
      ((s as Record<string, string[] | undefined>)[r] ?? [])
        .filter((x) => x !== name && schema.StatesIndex.includes(x))
    )
  );
  assertEquals(layout.edges.length, rels.length);
  const svg = diagram.diagramSvg(schema, layout);
  assertEquals(svg.match(/<g class="n[ "]/g)?.length, 89);
});

Deno.test("ui page: export and import routes, hostile input", async () => {
  const hub = new DbgHub();
  await hub.addSchema({ ID: "m1", StatesIndex: ["A", "B"], States: { A: {}, B: {} } });
  for (let i = 0; i < 5; i++) {
    await hub.addTx({ MachineID: "m1", ID: `t${i}`, Clocks: [i, 0], Type: 0, Accepted: true });
  }
  const h = dbgHandler(hub, { token: "tok", read: "public", maxImportBytes: 4096 });
  const post = (body: BodyInit, auth = true, headers: Record<string, string> = {}) =>
    h(
      new Request("http://x/import", {
        method: "POST",
        body,
        headers: { ...(auth ? { authorization: "Bearer tok" } : {}), ...headers },
      }),
    );

  const json = await (await h(new Request("http://x/export?format=json"))).json();
  assertEquals(json.length, 1);
  assertEquals(json[0].MsgTxs.map((t: { ID: string }) => t.ID), ["t0", "t1", "t2", "t3", "t4"]);
  const gob = new Uint8Array(await (await h(new Request("http://x/export"))).arrayBuffer());
  const back = await importDbgRecording(gob);
  assertEquals(back.txs, 5);

  // import needs ingest rights
  const refused = await post(gob, false);
  assertEquals(refused.status, 401);
  await refused.body?.cancel();
  // too large, declared or streamed
  assertEquals((await post(new Uint8Array(5000))).status, 413);
  const stream = new ReadableStream({
    pull(c) {
      c.enqueue(new Uint8Array(1024));
    },
  });
  assertEquals((await post(stream)).status, 413);
  // malformed: JSON, gob, shapes, deep nesting
  for (const bad of ["[{", "[1]", '[{"MsgStruct": 5}]', "[".repeat(3000), "\x00\x01\x02garbage"]) {
    const res = await post(bad);
    assertEquals(res.status, 400, bad.slice(0, 20));
    assertMatch((await res.json()).error, /^import: /);
  }
  // a schema that fails validation: a clear error, nothing half-imported
  const before = (await hub.machines()).length;
  const res = await post(JSON.stringify([{ MsgStruct: { ID: "" }, MsgTxs: [] }]));
  assertEquals(res.status, 400);
  await res.body?.cancel();
  assertEquals((await hub.machines()).length, before);

  // a good import: read-only (gone) and tagged
  // a transition of another machine than its entry's schema: refused, nothing added
  const other = await post(
    JSON.stringify([{ ...json[0], MsgStruct: { ...json[0].MsgStruct, ID: "m3" } }]),
  );
  assertEquals(other.status, 400);
  assertMatch((await other.json()).error, /MachineID m1 .* m3/);
  assertEquals((await hub.machines()).length, before);
  const m2txs = json[0].MsgTxs.map((t: Record<string, unknown>) => ({ ...t, MachineID: "m2" }));
  const ok = await post(
    JSON.stringify([{ MsgStruct: { ...json[0].MsgStruct, ID: "m2" }, MsgTxs: m2txs }]),
  );
  assertEquals((await ok.json()).machines, ["m2"]);
  const m2 = (await hub.machines()).find((m) => m.id === "m2")!;
  assertEquals([m2.txs, m2.alive, m2.tags], [5, false, ["imported"]]);

  // a sender that stalls is cut off
  const routes = dbgUiRoutes(hub, { importTimeoutMs: 200 });
  const url = new URL("http://x/import");
  const slow = await routes["/import"](
    new Request(url, {
      method: "POST",
      body: new ReadableStream({ pull: () => new Promise(() => {}) }),
    }),
    { url, canRead: true, canIngest: true, headers: {} },
  );
  assertEquals(slow.status, 408);
  await slow.body?.cancel();
});
