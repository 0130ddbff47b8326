// The debugger page's views in headless chromium, one step per view, each
// failing without its code: empty-hub help at 700 px, the log's Exception
// row, every filter and the keyboard, the relations diagram of the 89-state
// am-dbg fixture following a step, the sequence view's arrow between two
// machines, export then import round-tripping the transitions, a deep
// link, and no console errors across the run. Screenshots of each view go
// to test-artifacts/ui/ (gitignored).

import { assert, assertEquals, assertMatch } from "@std/assert";
import { chromiumPath, launch } from "./cdp.ts";
import { DbgHub, type DbgMsgSchema, type DbgMsgTx, importDbgRecording } from "../dbg/mod.ts";
import { openPage, shot, uiServer, uiWorkload, until } from "./ui_helpers.ts";

const hasBrowser = !!chromiumPath();
if (!hasBrowser) console.warn("skipping: no chromium installed (.ci/run installs it)");

async function fixture(): Promise<Uint8Array | undefined> {
  try {
    return await Deno.readFile("../shared/fixtures/am-dbg.gob.br");
  } catch {
    console.warn("skipping the diagram's fixture part: ../shared/fixtures not found");
    return undefined;
  }
}

Deno.test({
  name: "ui: the page's views in headless chromium",
  ignore: !hasBrowser,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const a = uiServer();
    await uiWorkload(a.hub);
    const amDbg = await fixture();
    if (amDbg) await importDbgRecording(amDbg, a.hub);
    const b = uiServer(new DbgHub(), { token: "t0k" });
    const browser = await launch();
    const { page } = browser;
    const ev = <T>(expr: string) => page.evaluate<T>(expr);
    const frame = () => ev(`new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))`);
    // types into a text field the way the page listens for it, then lets it render
    const typeIn = async (id: string, value: string) => {
      const f = `document.getElementById(${JSON.stringify(id)})`;
      await ev(`${f}.value = ${JSON.stringify(value)}; ${f}.dispatchEvent(new Event("input"))`);
      await frame();
    };
    try {
      await t.step("empty hub: how to connect a machine, at 700 px wide", async () => {
        await page.send("Emulation.setDeviceMetricsOverride", {
          width: 700,
          height: 800,
          deviceScaleFactor: 1,
          mobile: false,
        });
        await openPage(page, `${b.base}/?token=t0k`);
        const help = await until<string>(page, `document.querySelector(".help")?.innerText`);
        assert(help.includes("No machines yet"), help);
        assert(help.includes("transitionsToDbg"), help);
        const width = await ev<number>(`document.documentElement.scrollWidth`);
        assert(width <= 700, `scrollWidth ${width}`);
        const dark = await ev<string>(`getComputedStyle(document.documentElement).colorScheme`);
        assertEquals(dark, "dark");
        await shot(page, "empty-700px");
        await page.send("Emulation.clearDeviceMetricsOverride");
      });

      await openPage(page, `${a.base}/?machine=ui-root`);

      await t.step("log: an Exception row shows its error, args and time", async () => {
        await typeIn("filter", "Exception");
        const row = await until<string>(
          page,
          `document.querySelector("#log .row.exc .errmsg")?.textContent`,
        );
        assertEquals(row, "kaboom 42");
        assertEquals(
          await ev<string>(`document.querySelector("#states .state.err")?.dataset.state`),
          "Exception",
        );
        await ev(`document.querySelector("#log .row.exc").click()`);
        await frame();
        const details = await ev<string>(`document.getElementById("details").innerText`);
        assert(details.includes("error: kaboom 42"), details);
        assertMatch(details, / · took \d+\.\d+ m?s/);
        assert(
          /\d\d:\d\d:\d\d\.\d{3}/.test(
            await ev<string>(`document.querySelector("#log .row .t").textContent`),
          ),
        );
        await shot(page, "log-exception");
        await typeIn("filter", "");
        await ev(
          `[...document.querySelectorAll("#log .row")].find((r) => r.textContent.includes("Ping"))?.click()`,
        );
        await frame();
        assert(
          (await ev<string>(`document.getElementById("details").innerText`)).includes("args: n="),
        );
      });

      await t.step("filters: canceled, auto, empty, queued, state, log level", async () => {
        const count = (sel: string) =>
          ev<number>(`__amdbg.S.win.txs.length && document.querySelectorAll("${sel}").length`);
        const toggle = async (id: string, on: boolean) => {
          await ev(`(() => { const c = document.getElementById("${id}"); c.checked = ${on};
            c.dispatchEvent(new Event("change")); })()`);
          await frame();
        };
        // the window is small enough to be in view whole
        await ev(`document.getElementById("log").style.height = "4000px"; __amdbg.render()`);
        for (
          const [id, sel] of [
            ["hide-canceled", "#log .row.canceled"],
            ["hide-queued", "#log .row.queued"],
          ]
        ) {
          assert((await count(sel)) > 0, `${sel} before`);
          await toggle(id, true);
          assertEquals(await count(sel), 0, `${sel} after`);
          await toggle(id, false);
        }
        const autoRows =
          `[...document.querySelectorAll("#log .row")].filter((r) => r.textContent.includes(":auto]")).length`;
        assert((await ev<number>(autoRows)) > 0, "auto rows");
        await toggle("hide-auto", true);
        assertEquals(await ev<number>(autoRows), 0);
        await toggle("hide-auto", false);
        const shown =
          `__amdbg.S.win.txs.length ? document.querySelectorAll("#log .row:not(.more)").length : 0`;
        const all = await ev<number>(shown);
        await toggle("hide-empty", true);
        const nonEmpty = await ev<number>(shown);
        assert(nonEmpty < all, `${nonEmpty} < ${all}`);
        // no row left whose clocks equal the previous transition's
        assertEquals(
          await ev<number>(`(() => {
            const txs = __amdbg.S.win.txs;
            const at = new Map(txs.map((t, i) => [t.cursor, i]));
            return [...document.querySelectorAll("#log .row[data-c]")].filter((r) => {
              const i = at.get(Number(r.dataset.c));
              if (txs[i].msg.IsQueued) return false;
              let j = i - 1;
              while (j >= 0 && txs[j].msg.IsQueued) j--;
              return j >= 0 && txs[j].msg.Clocks.join() === txs[i].msg.Clocks.join();
            }).length;
          })()`),
          0,
        );
        await toggle("hide-empty", false);
        await typeIn("filter", "Boom");
        const labels = await ev<string[]>(
          `[...document.querySelectorAll("#log .row")].map((r) => r.textContent)`,
        );
        assert(labels.length > 0 && labels.every((l) => l.includes("Boom")), labels.join("|"));
        await shot(page, "filter-state");
        await typeIn("filter", "");
        await ev(
          `[...document.querySelectorAll("#log .row:not(.queued)")].find((r) => r.textContent.includes("[add] Ping"))?.click()`,
        );
        const level = async (n: number) => {
          await ev(`(() => { const s = document.getElementById("level"); s.value = "${n}";
            s.dispatchEvent(new Event("change")); })()`);
          await frame();
          return ev<number>(
            `(document.querySelector("#details .logs")?.textContent ?? "").split("\\n").filter(Boolean).length`,
          );
        };
        const l0 = await level(0);
        const l3 = await level(3);
        assertEquals(l0, 0);
        assert(l3 > 0, "log entries at level 3");
        await level(2);
        await ev(`document.getElementById("log").style.height = ""; __amdbg.render()`);
      });

      await t.step("tree: search, alive and gone, keyboard", async () => {
        const nodes = () =>
          ev<string[]>(`[...document.querySelectorAll("#tree .node")].map((n) => n.dataset.id)`);
        assert((await nodes()).includes("ui-kid"));
        assertEquals(
          await ev<string>(`document.querySelector('#tree .node[data-id="ui-root"] .mark').title`),
          "alive",
        );
        await ev(`document.querySelector("#tree .gone-head").click()`);
        await frame();
        assertEquals(
          await ev<string>(`document.querySelector('#tree .node[data-id="ui-gone"]')?.className`),
          "node gone",
        );
        // "/" focuses the search
        await page.send("Input.dispatchKeyEvent", { type: "keyDown", key: "/", text: "/" });
        await page.send("Input.dispatchKeyEvent", { type: "keyUp", key: "/" });
        assertEquals(await ev<string>(`document.activeElement.id`), "search");
        await page.send("Input.insertText", { text: "kid" });
        await frame();
        assertEquals(await nodes(), ["ui-kid"]);
        await shot(page, "tree-search");
        await typeIn("search", "");
        await ev(`document.getElementById("search").blur()`);
        // ↓ selects the next machine, ↑ back
        const key = async (key: string, code = key) => {
          await page.send("Input.dispatchKeyEvent", { type: "keyDown", key, code });
          await page.send("Input.dispatchKeyEvent", { type: "keyUp", key, code });
          await ev(`__amdbg.S.busy`);
          await frame();
        };
        const sel0 = await ev<string>(`__amdbg.S.selected`);
        await key("ArrowDown");
        const sel1 = await ev<string>(`__amdbg.S.selected`);
        assert(sel1 !== sel0, `${sel0} -> ${sel1}`);
        await key("ArrowUp");
        assertEquals(await ev<string>(`__amdbg.S.selected`), sel0);
        // ← steps back, → forward, space pauses
        await key("ArrowLeft");
        const p1 = await ev<number>(`__amdbg.S.pos`);
        assert(p1 > 0);
        await key("ArrowLeft");
        assert((await ev<number>(`__amdbg.S.pos`)) < p1);
        await key("ArrowRight");
        assertEquals(await ev<number>(`__amdbg.S.pos`), p1);
        await key(" ", "Space");
        assertEquals(await ev<boolean>(`__amdbg.S.paused`), true);
        await key(" ", "Space");
        assertEquals(await ev<boolean>(`__amdbg.S.paused`), false);
      });

      if (amDbg) {
        await t.step("diagram: the 89-state fixture, highlights following a step", async () => {
          await openPage(page, `${a.base}/?machine=d-am-dbg&view=diagram`);
          const schema = await ev<DbgMsgSchema>(`__amdbg.S.schemas.get("d-am-dbg")`);
          assertEquals(await ev<number>(`document.querySelectorAll("#diagram g.n").length`), 89);
          let rels = 0;
          for (const [name, st] of Object.entries(schema.States)) {
            for (const r of ["Require", "Add", "Remove", "After"] as const) {
              rels += (st[r] ?? []).filter((x) =>
                x !== name && schema.StatesIndex.includes(x)
              ).length;
            }
          }
          assertEquals(
            await ev<number>(`document.querySelectorAll("#diagram path.e").length`),
            rels,
          );
          for (const rel of ["require", "add", "remove", "after"]) {
            assert(
              await ev<number>(`document.querySelectorAll("#diagram path.e.${rel}").length`) > 0,
              rel,
            );
          }
          assert(await ev<number>(`document.querySelectorAll("#diagram g.n.multi").length`) > 0);
          assert(await ev<number>(`document.querySelectorAll("#diagram g.n.auto").length`) > 0);
          assert(await ev<number>(`document.querySelectorAll("#diagram g.n.exc").length`) > 0);
          const called = () =>
            ev<string[]>(
              `[...document.querySelectorAll("#diagram g.n.called")].map((g) => g.dataset.s).sort()`,
            );
          const want = () =>
            ev<string[]>(
              `(() => { const S = __amdbg.S; const t = S.win.txs.find((t) => t.cursor === S.pos);
            const idx = S.schemas.get(S.selected).StatesIndex;
            return [...new Set((t.msg.CalledStatesIdxs || []).map((i) => idx[i]))].sort(); })()`,
            );
          await ev(`__amdbg.step(-1)`);
          await frame();
          const first = await called();
          assertEquals(first, await want());
          assert(first.length > 0);
          const active = await ev<number>(
            `document.querySelectorAll("#diagram g.n.active").length`,
          );
          assertEquals(
            active,
            await ev<number>(
              `(() => { const S = __amdbg.S; const t = S.win.txs.find((t) => t.cursor === S.pos);
            return S.schemas.get(S.selected).StatesIndex.filter((_, i) => (t.msg.Clocks[i] || 0) % 2 === 1).length; })()`,
            ),
          );
          // step until the called states differ: the highlight follows
          let moved = false;
          for (let i = 0; i < 30 && !moved; i++) {
            await page.send("Input.dispatchKeyEvent", { type: "keyDown", key: "ArrowLeft" });
            await ev(`__amdbg.S.busy`);
            await frame();
            const now = await called();
            assertEquals(now, await want());
            moved = now.join() !== first.join();
          }
          assert(moved, "the highlight moved");
          assert(
            await ev<number>(`document.querySelectorAll("#diagram path.e.step").length`) > 0,
            "step edges",
          );
          console.log(`diagram draw: ${await ev<number>(`__amdbg.S.diagram.lastDrawMs`)} ms`);
          await shot(page, "diagram-am-dbg");
        });
      }

      await t.step("sequence: an arrow from ui-root's handler to ui-kid's transition", async () => {
        await openPage(page, `${a.base}/?machine=ui-root&view=sequence`);
        const arrows = await until<number>(
          page,
          `document.querySelectorAll("#seq path.arrow").length`,
        );
        assert(arrows > 0);
        await shot(page, "sequence");
        const target = await ev<{ m: string; c: number }>(`(() => {
          const a = document.querySelector("#seq path.arrow");
          a.dispatchEvent(new MouseEvent("click", { bubbles: true }));
          return { m: a.dataset.m, c: Number(a.dataset.c) };
        })()`);
        assertEquals(target.m, "ui-kid");
        await until(
          page,
          `__amdbg.S.selected === "ui-kid" && !__amdbg.S.busy && __amdbg.S.view === "log"`,
        );
        await frame();
        assertEquals(await ev<number>(`__amdbg.S.pos`), target.c);
        const details = await ev<string>(`document.getElementById("details").innerText`);
        assert(details.includes("source: ui-root/"), details);
      });

      await t.step("deep link: the URL restores machine, transition and view", async () => {
        await openPage(page, `${a.base}/?machine=ui-root`);
        await ev(`__amdbg.step(-1)`);
        await ev(`__amdbg.step(-1)`);
        await frame();
        const pos = await ev<number>(`__amdbg.S.pos`);
        assertEquals(
          await ev<string>(`new URLSearchParams(location.search).get("tx")`),
          String(pos),
        );
        await openPage(page, `${a.base}/?machine=ui-kid&tx=3&view=diagram`);
        assertEquals(await ev<string>(`__amdbg.S.selected`), "ui-kid");
        assertEquals(await ev<number>(`__amdbg.S.pos`), 3);
        assertEquals(await ev<string>(`__amdbg.S.view`), "diagram");
        assertEquals(
          await ev<string>(`document.querySelector("#tabs .on")?.dataset.view`),
          "diagram",
        );
        assertEquals(
          await ev<boolean>(`document.getElementById("view-diagram").classList.contains("hidden")`),
          false,
        );
      });

      await t.step("export then import round-trips the transitions", async () => {
        const exported = await (await fetch(`${a.base}/export?format=json&machines=ui-root,ui-kid`))
          .json() as { MsgStruct: DbgMsgSchema; MsgTxs: DbgMsgTx[] }[];
        // the page's button downloads the same bytes
        const gob = new Uint8Array(
          await (await fetch(`${a.base}/export?format=gob&machines=ui-root,ui-kid`)).arrayBuffer(),
        );
        const file = await Deno.makeTempFile({ suffix: ".gob.br" });
        await Deno.writeFile(file, gob);
        const refused = await fetch(`${b.base}/import`, { method: "POST", body: gob });
        assertEquals(refused.status, 401);
        await refused.body?.cancel();
        await openPage(page, `${b.base}/?token=t0k`);
        const { root } = await page.send("DOM.getDocument") as { root: { nodeId: number } };
        const { nodeId } = await page.send("DOM.querySelector", {
          nodeId: root.nodeId,
          selector: "#import",
        }) as { nodeId: number };
        await page.send("DOM.setFileInputFiles", { nodeId, files: [file] });
        const status = await until<string>(
          page,
          `(() => { const s = document.getElementById("status").textContent; return s.startsWith("imported") && s; })()`,
        );
        assertEquals(status, "imported 2 machines");
        await until(page, `document.querySelectorAll("#log .row").length > 3`);
        await shot(page, "imported");
        const back = await (await fetch(`${b.base}/export?format=json`, {
          headers: { authorization: "Bearer t0k" },
        })).json() as typeof exported;
        const txKey = (t: DbgMsgTx) =>
          [t.ID, t.Clocks.join(), t.Accepted, t.Steps?.length ?? 0, JSON.stringify(t.Args ?? {})]
            .join(" ");
        const key = (list: typeof exported) =>
          list.map((e) => [e.MsgStruct.ID, e.MsgTxs.map(txKey)]).sort();
        assertEquals(key(back), key(exported));
        assert(back.every((e) => e.MsgStruct.Tags?.includes("imported")));
        const gone = await ev<boolean[]>(`[...__amdbg.S.machines.values()].map((m) => m.alive)`);
        assert(
          gone.length === 2 && gone.every((x) => !x),
          "imported machines are read-only (gone)",
        );
        await Deno.remove(file);
      });

      assertEquals(page.errors, [], "no console errors");
    } finally {
      await browser.close();
      await a.close();
      await b.close();
    }
  },
});
