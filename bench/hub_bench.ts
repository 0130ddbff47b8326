// The hub's ingest, memory vs Deno KV (in-memory SQLite here; the summary
// measures a SQLite file), and machines() at 1,000 vs 10,000 machines.

import { txMessages } from "./dbg_fixtures.ts";
import { ingest, kvHub, manyMachines, memoryHub } from "./hub_fixtures.ts";

const { schema, txs } = await txMessages(1000);
const mem = await memoryHub(schema);
const { hub: kvh, kv } = await kvHub(schema);

Deno.bench(
  "hub ingest, memory: 1000 tx messages",
  { group: "hub-ingest", baseline: true },
  async () => {
    await ingest(mem, txs);
  },
);

Deno.bench("hub ingest, Deno KV (in-memory SQLite), batched: 1000 tx messages", {
  group: "hub-ingest",
}, async () => {
  await ingest(kvh, txs, 500);
});

const small = await manyMachines(1000);
const large = await manyMachines(10_000);

Deno.bench(
  "hub machines(): 1,000 machines",
  { group: "hub-machines", baseline: true },
  async () => {
    await small.machines();
  },
);

Deno.bench(
  "hub machines(): 10,000 machines (linear: ~10x)",
  { group: "hub-machines" },
  async () => {
    await large.machines();
  },
);

globalThis.addEventListener("unload", () => kv.close());
