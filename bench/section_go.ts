// The Go core as a bench anchor: the same 20-state add+remove workload
// (steps and log on) on upstream's Go core and on ours (bench/go_anchor.ts).

import type { Row } from "./row.ts";
import { goAnchorRows } from "./go_anchor.ts";

export default function goSection(): Promise<Row[]> {
  return goAnchorRows();
}
