// The live debugger page against the demo in a real browser (Debian's
// chromium, headless, over the DevTools Protocol), after a minute of
// history: it opens on the root machine's newest transitions, steps back
// 10,000 transitions through paging (a bounded window), its status never
// shows a reconnect, and its tree counts equal the hub's. Screenshots go to
// test-artifacts/ui/ (gitignored).

import { assert, assertEquals } from "@std/assert";
import { chromiumPath, launch } from "./cdp.ts";
import { shot, until } from "./ui_helpers.ts";

const hasBrowser = !!chromiumPath();
if (!hasBrowser) console.warn("skipping: no chromium installed (.ci/run installs it)");

interface Info {
  id: string;
  txs: number;
  lastSeq: number;
  lastCursor: number;
}

Deno.test({
  name: "ui: the page opens a minute of demo history, pages back 10,000 transitions",
  ignore: !hasBrowser,
  async fn() {
    const demo = new Deno.Command(Deno.execPath(), {
      args: ["task", "demo", "--duration", "180", "--port", "0", "--traces", "/dev/null"],
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const out = demo.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    let base = "";
    while (!base) {
      const { done, value } = await out.read();
      if (done) throw new Error(`demo exited: ${text}`);
      text += value;
      base = text.match(/demo on (http:\/\/127\.0\.0\.1:\d+)/)?.[1] ?? "";
    }
    const draining = (async () => {
      while (!(await out.read()).done);
    })();
    const rpc = async <T>(method: string, params: unknown = {}): Promise<T> => {
      const res = await fetch(`${base}/rpc`, {
        method: "POST",
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      });
      return (await res.json()).result as T;
    };
    // a minute of history first
    await new Promise((r) => setTimeout(r, 62_000));
    const browser = await launch();
    try {
      const { page } = browser;
      const ev = <T>(expr: string) => page.evaluate<T>(expr);
      // every status text the page ever shows
      await page.send("Page.enable");
      await page.send("Page.addScriptToEvaluateOnNewDocument", {
        source: `window.__statuses = [];
          document.addEventListener("DOMContentLoaded", () => {
            const el = document.getElementById("status");
            new MutationObserver(() => __statuses.push(el.textContent))
              .observe(el, { childList: true, characterData: true, subtree: true });
          });`,
      });
      const before = (await rpc<Info[]>("machines")).find((m) => m.id === "sim")!;
      assert(before.txs > 10_001, `root history: ${before.txs}`);
      await page.navigate(`${base}/`);
      await until(page, `window.__amdbg && __amdbg.S.ready && !__amdbg.S.busy`, 20_000);
      await ev(`new Promise((r) => requestAnimationFrame(() => r(1)))`);

      // the root machine's newest transitions
      assertEquals(await ev<string>(`__amdbg.S.selected`), "sim");
      const newest = await ev<number>(`__amdbg.S.win.txs.at(-1).cursor`);
      assert(newest >= before.lastCursor, `${newest} >= ${before.lastCursor}`);
      const lastRow = await ev<number>(
        `Math.max(...[...document.querySelectorAll("#log .row[data-c]")].map((r) => Number(r.dataset.c)))`,
      );
      assert(lastRow >= before.lastCursor, `last row ${lastRow}`);
      assert((await ev<string>(`document.getElementById("pos").textContent`)).startsWith("live"));
      // and keeps following: a second later it shows what the hub had then
      const then = (await rpc<Info[]>("machines")).find((m) => m.id === "sim")!.lastCursor;
      await new Promise((r) => setTimeout(r, 1500));
      const now = await ev<number>(`__amdbg.S.win.txs.at(-1).cursor`);
      assert(now >= then, `following: ${now} >= ${then}`);
      await shot(page, "demo-newest");

      // step back 10,000 transitions (the ← key's function), paging older ones in
      const steps = await ev<
        { from: number; to: number; max: number; pages: number; held: number }
      >(
        `(async () => {
        const { S } = __amdbg;
        const pages = S.stats.pages;
        const held = S.win.txs.length;
        await __amdbg.step(-1);
        const from = S.pos;
        let max = 0;
        for (let i = 0; i < 10000; i++) {
          await __amdbg.step(-1);
          max = Math.max(max, S.win.txs.length);
        }
        return { from, to: S.pos, max, pages: S.stats.pages - pages, held };
      })()`,
      );
      assertEquals(steps.to, steps.from - 10_000);
      assert(steps.max <= 5000, `window bounded: ${steps.max}`);
      // what the window held at the start, the rest came in pages of 500
      const need = Math.floor((10_000 - steps.held) / 500);
      assert(steps.pages >= need, `paged: ${steps.pages} pages, ${need} needed`);
      await ev(`new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50)))`);
      assertEquals(
        await ev<string>(`document.querySelector("#log .row.sel")?.dataset.c`),
        String(steps.to),
        "the selected row is in view",
      );
      await shot(page, "demo-10000-back");

      // tree counts equal the hub's (machines without activity in between)
      await ev(`document.querySelector("#tree .gone-head")?.click()`);
      // drawn and read in one go: no stream event in between
      const { shown, pageSeq, stats } = await ev<
        {
          shown: { id: string; count: number; lastSeq: number; entry: string }[];
          pageSeq: number;
          stats: string;
        }
      >(`(() => {
        __amdbg.render();
        return {
          pageSeq: __amdbg.S.seq,
          stats: JSON.stringify({ ...__amdbg.S.stats, listSeq: __amdbg.S.listSeq }),
          shown: [...document.querySelectorAll("#tree .node")].map((n) => {
            const m = __amdbg.S.machines.get(n.dataset.id);
            const { recent, ...entry } = m;
            return { id: n.dataset.id, count: Number(n.querySelector(".count").textContent),
              lastSeq: m.lastSeq, entry: JSON.stringify({ ...entry, recent: recent.length }) };
          }),
        };
      })()`);
      const hub = await rpc<Info[]>("machines");
      const byId = new Map(hub.map((m) => [m.id, m]));
      const same = shown.filter((s) => byId.get(s.id)?.lastSeq === s.lastSeq);
      assert(same.length >= hub.length * 0.8, `${same.length} of ${hub.length} comparable`);
      for (const s of same) {
        const h = byId.get(s.id)!;
        // on a mismatch: the page's entry, the hub's info and the stream's stats
        const why = `${s.id}: page ${s.entry}, hub ${
          JSON.stringify({ ...h, children: undefined })
        }`;
        assertEquals(s.count, h.txs, `${why}, stats ${stats}`);
      }
      // every machine the page had heard of is in the tree (new ones keep appearing)
      const ids = new Set(shown.map((s) => s.id));
      const missing = hub.filter((m) => m.lastSeq <= pageSeq && !ids.has(m.id));
      assertEquals(missing.map((m) => m.id), [], "every machine in the tree");

      // the status never showed a reconnect
      const statuses = await ev<string[]>(`__statuses`);
      assert(statuses.includes("live"), statuses.join());
      assert(!statuses.some((s) => /reconnect|disconnect/.test(s)), statuses.join());
      assertEquals(await ev<number>(`__amdbg.S.stats.reconnects`), 0);
      assertEquals(page.errors, [], "no console errors");
    } finally {
      await browser.close();
      demo.kill("SIGINT");
      await demo.status;
      await draining.catch(() => {});
    }
  },
});
