// The debugger page in headless Chromium (tests/ui_perf.ts): first paint
// over a huge hub, live update batches, heap after paging, the sequence
// view, the relations diagram and a recording import.

import { chromiumPath } from "../tests/cdp.ts";
import { uiBenchRows } from "../tests/ui_perf.ts";
import type { Row } from "./row.ts";

export default async function uiSection(): Promise<Row[]> {
  if (!chromiumPath()) {
    return [{
      metric: "dbg page rows (skipped: no chromium)",
      value: NaN,
      unit: "ms",
      target: "",
      ok: true,
    }];
  }
  const fixture = await Deno.readFile(
    new URL("../../shared/fixtures/am-dbg.gob.br", import.meta.url),
  ).catch(() => undefined);
  return await uiBenchRows(fixture);
}
