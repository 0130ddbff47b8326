// The hub section: ingest into the memory hub and the Deno KV hub (a
// temporary SQLite file), wall and CPU figures (bench/hub_summary.ts).

import type { Row } from "./row.ts";
import { hubRows } from "./hub_summary.ts";

export default function hubSection(): Promise<Row[]> {
  return hubRows();
}
