// TxWindow: fixed windows aligned to their length; a window's averages are
// handed over once, after it ended; a skipped window reads as empty.

import { assertEquals } from "@std/assert";
import { Machine } from "../machine/mod.ts";
import { TxWindow } from "../prometheus/tx_window.ts";

Deno.test("TxWindow: rolls once per ended window, zeros for a skipped one, restart takes all", () => {
  const mach = new Machine({ A: {} }, { id: "win" });
  const win = new TxWindow(1000, 1500); // [1000, 2000) open
  const txs: Parameters<TxWindow["sample"]>[0][] = [];
  mach.bindTracer({ id: "tx", transitionEnd: (tx) => void txs.push(tx) });
  mach.add1("A");
  mach.remove1("A");
  assertEquals(win.endedBy(1999), false);
  for (const tx of txs) win.sample(tx, 10);
  assertEquals(win.roll(1999), undefined, "still open");
  assertEquals(win.endedBy(2000), true);
  assertEquals(win.roll(2000)?.transitionsCount, 2);
  assertEquals(win.roll(2500), undefined, "a window closes once");
  win.sample(txs[0], 10); // in [2000, 3000)
  assertEquals(win.roll(4100)?.transitionsCount, 0, "[3000, 4000) was empty");
  win.sample(txs[0], 10);
  win.sample(txs[1], 10);
  assertEquals(win.restart(4200).transitionsCount, 2);
  assertEquals(win.roll(4999), undefined);
  assertEquals(new TxWindow(0, 5).length, 1);
});
