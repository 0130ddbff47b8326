// The shrunk regression scenarios on our core alone (no Go needed): each
// must still produce what upstream produced for it.

import { assertEquals } from "@std/assert";
import { REGRESSIONS } from "./regressions.ts";
import { runTs } from "./runner.ts";

for (const sc of REGRESSIONS) {
  Deno.test(`differential ${sc.name}: upstream's outcome`, () => {
    const out = runTs(sc);
    assertEquals(out.err, undefined);
    assertEquals(out.muts.map((m) => m.active.main), sc.expect.active);
    assertEquals(out.muts.map((m) => m.calls), sc.expect.calls);
    if (sc.expect.log) assertEquals(out.muts.map((m) => m.log), sc.expect.log);
  });
}
