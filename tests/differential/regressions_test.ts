// The shrunk regression scenarios on our core alone (no Go needed): each
// must still produce what upstream produced for it.

import { assertEquals } from "@std/assert";
import { Machine } from "../../machine/mod.ts";
import { stepString } from "../../machine/transition.ts";
import { type DbgMessage, transitionsToDbg } from "../../dbg/mod.ts";
import { REGRESSIONS } from "./regressions.ts";
import { runTs } from "./runner.ts";

for (const sc of REGRESSIONS) {
  Deno.test(`differential ${sc.name}: upstream's outcome`, async () => {
    const out = await runTs(sc);
    assertEquals(out.err, undefined);
    assertEquals(out.muts.map((m) => m.active.main), sc.expect.active);
    assertEquals(out.muts.map((m) => m.calls), sc.expect.calls);
    if (sc.expect.log) assertEquals(out.muts.map((m) => m.log), sc.expect.log);
  });
}

Deno.test("differential regression: a schema's conflicts as upstream's joined ErrSchema errors", () => {
  const mach = new Machine({
    A: { require: ["B"], remove: ["B"] },
    B: {},
    C: { require: ["A"], remove: ["A"] },
  });
  assertEquals(
    mach.err()?.message,
    "schema error: require-remove conflict for A to B\n" +
      "schema error: require-remove conflict for C to A",
  );
});

Deno.test("differential regression: a check transition records handler (not self) and Add steps, as upstream", () => {
  const mach = new Machine({ A: { add: ["B"] }, B: { require: ["C"] }, C: {} });
  mach.bindHandlers({ AEnter: () => true, AnyEnter: () => true, CC: () => true });
  mach.add(["C"]);
  const steps: string[] = [];
  mach.bindTracer({
    id: "steps",
    transitionEnd: (tx) => steps.push(...tx.steps.map((s) => stepString(s, mach.stateNames()))),
  });
  mach.canAdd(["A", "C"]);
  assertEquals(steps, [
    "**A** add **B**",
    "activate **B**",
    "**A** add **B**",
    "activate **B**",
    "handler **A**Enter",
    "handler **Any** after **Any**Enter",
  ]);
});

Deno.test("differential regression: the dbg tracer doesn't send check mutations, as upstream", async () => {
  const mach = new Machine({ A: {}, B: {} });
  const sent: DbgMessage[] = [];
  const dbg = transitionsToDbg(mach, {
    address: "test",
    send(batch) {
      sent.push(...batch);
      return Promise.resolve();
    },
  });
  mach.add(["A"]);
  mach.canAdd(["B"]);
  mach.canRemove(["A"]);
  await dbg.flushed();
  assertEquals(sent.filter((m) => m.method === "DbgMsgTx" && m.params.IsCheck), []);
  assertEquals(sent.length, 3); // schema, queued add, add
});
