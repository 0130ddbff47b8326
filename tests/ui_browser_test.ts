// The live debugger page in a real browser (Debian's chromium, headless,
// driven over the DevTools Protocol): against a running demo, machines
// appear, the log grows, clicking a transition shows its states; with
// 10,000 transitions in history the log stays virtualised. A screenshot is
// saved to test-artifacts/dbg-ui.png.

import { assert, assertEquals, assertLess } from "@std/assert";
import { chromiumPath, launch } from "./cdp.ts";
import { poll } from "./peers.ts";
import { UI_PERF_SCRIPT, type UiPerf } from "./ui_perf.ts";

const hasBrowser = !!chromiumPath();
if (!hasBrowser) console.warn("skipping: no chromium installed (.ci/run installs it)");

Deno.test({
  name: "ui: the dbg page against the demo, in headless chromium",
  ignore: !hasBrowser,
  async fn() {
    const demo = new Deno.Command(Deno.execPath(), {
      args: ["task", "demo", "--duration", "60", "--port", "0", "--traces", "/dev/null"],
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
    const browser = await launch();
    try {
      const { page } = browser;
      await page.navigate(`${base}/`);

      // machines appear, as a tree under "sim"
      const nodes = await poll(
        async () => {
          const ids = await page.evaluate<string[]>(
            `[...document.querySelectorAll("#tree .node")].map((n) => n.dataset.id)`,
          );
          return ids.length >= 3 && ids.includes("sim") ? ids : undefined;
        },
        15_000,
        100,
      );
      assert(nodes.some((id) => id.startsWith("sim-p")), nodes.join());
      const indent = await page.evaluate<string>(
        `document.querySelector('#tree .node[data-id^="sim-p"]').style.paddingLeft`,
      );
      assertEquals(indent, "22px", "peers nest under sim");

      // the log grows, live
      const frames1 = await page.evaluate<number>("__amdbg.stats.frames");
      await new Promise((r) => setTimeout(r, 700));
      const frames2 = await page.evaluate<number>("__amdbg.stats.frames");
      assert(frames2 > frames1, `frames ${frames1} -> ${frames2}`);
      assert(await page.evaluate<number>(`document.querySelectorAll("#log .row").length`) > 5);

      // clicking a transition shows the states at that point
      const shown = await page.evaluate<{ pos: string; active: number; expected: number }>(`(() => {
        const rows = [...document.querySelectorAll("#log .row:not(.queued)")];
        rows[Math.floor(rows.length / 2)].click();
        const { S } = __amdbg;
        const list = S.txs.get(S.selected);
        const tx = list[S.pos];
        return {
          pos: document.getElementById("pos").textContent,
          active: document.querySelectorAll("#states .state.active").length,
          expected: tx.Clocks.filter((t) => t % 2 === 1).length,
        };
      })()`);
      assert(!shown.pos.startsWith("live"), shown.pos);
      assertEquals(shown.active, shown.expected);
      assert(shown.active > 0);
      // stepping back moves the position, the states follow
      await page.evaluate(`document.getElementById("back").click()`);
      const pos2 = await page.evaluate<string>(`document.getElementById("pos").textContent`);
      assert(pos2 !== shown.pos, `${pos2} after ${shown.pos}`);

      await Deno.mkdir("test-artifacts", { recursive: true });
      await Deno.writeFile("test-artifacts/dbg-ui.png", await page.screenshot());

      // 10,000 transitions in history: the log stays virtualised (the timing
      // of an update batch is a benchmark row: bench/summary.ts, section ui)
      const perf = await page.evaluate<UiPerf>(UI_PERF_SCRIPT);
      assertEquals(perf.total, 10_020);
      assertLess(perf.rows, 200, "the log is virtualised");
    } finally {
      await browser.close();
      demo.kill("SIGINT");
      await demo.status;
      await draining.catch(() => {});
    }
  },
});
