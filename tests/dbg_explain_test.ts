// explainTx's activated and deactivated states are the core's timeDiff read
// through the schema's index (the same rule as the page's log), on clocks
// of any shape: shorter or longer than the index, or than each other.

import { assertEquals } from "@std/assert";
import { explainTx } from "../dbg/explain.ts";
import type { DbgMsgSchema, DbgMsgTx } from "../dbg/messages.ts";
import { timeDiff } from "../machine/time_diff.ts";
import { Rand } from "./fuzz.ts";

Deno.test("explain: activated and deactivated are timeDiff's, by name", () => {
  const index = ["A", "B", "C", "D", "E"];
  const schema: DbgMsgSchema = { ID: "m", StatesIndex: index, States: {} };
  const tx = (Clocks: number[]): DbgMsgTx => ({
    MachineID: "m",
    ID: "t",
    Clocks,
    Type: 0,
    Accepted: true,
  });
  const names = (xs: readonly number[]) => xs.filter((i) => i < index.length).map((i) => index[i]);
  // a state active before and missing from the newer clocks was deactivated
  assertEquals(explainTx(tx([1]), schema, tx([1, 1])).deactivated, ["B"]);
  const rand = new Rand(7);
  for (let n = 0; n < 2000; n++) {
    const clocks = () => Array.from({ length: rand.int(7) }, () => rand.int(6));
    const [before, after] = [clocks(), clocks()];
    const d = timeDiff(before, after);
    const x = explainTx(tx(after), schema, tx(before));
    assertEquals(
      { added: x.activated, removed: x.deactivated },
      { added: names(d.added), removed: names(d.removed) },
      `${before} -> ${after}`,
    );
  }
  // without the previous transition: an accepted one's Set and Remove steps
  const step = { RelType: 0, IsFinal: false, IsSelf: false, IsEnter: false, FromState: "" };
  const steps = [
    { ...step, Type: 4, ToState: "C", FromStateIdx: -1, ToStateIdx: -1 },
    { ...step, Type: 8, ToState: "", FromStateIdx: -1, ToStateIdx: 1 },
  ];
  const alone = explainTx({ ...tx([0, 0, 1]), Steps: steps }, schema);
  assertEquals([alone.activated, alone.deactivated], [["C"], ["B"]]);
  const canceled = explainTx({ ...tx([0, 0, 1]), Accepted: false, Steps: steps }, schema);
  assertEquals([canceled.activated, canceled.deactivated], [[], []]);
});
