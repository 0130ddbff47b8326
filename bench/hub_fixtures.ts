// Fixtures of the hub benchmarks: hubs (memory, Deno KV) filled with the
// bench machine's real tx messages, ingest loops, a hub of many machines.

import { DbgHub, type DbgMsgSchema, type DbgMsgTx } from "../dbg/mod.ts";

/** Ingests `txs` as a HubTransport does: batches of `batch` started together. */
export async function ingest(hub: DbgHub, txs: DbgMsgTx[], batch = 100): Promise<void> {
  for (let i = 0; i < txs.length; i += batch) {
    await Promise.all(txs.slice(i, i + batch).map((m) => hub.addTx(m)));
  }
}

/** A memory hub with the schema of `txs`. */
export async function memoryHub(schema: DbgMsgSchema): Promise<DbgHub> {
  const hub = new DbgHub();
  await hub.addSchema(schema);
  return hub;
}

/** A KV hub on a SQLite file (`path`) or in memory (no path), with the schema. */
export async function kvHub(
  schema: DbgMsgSchema,
  path?: string,
): Promise<{ hub: DbgHub; kv: Deno.Kv }> {
  const kv = await Deno.openKv(path ?? ":memory:");
  const hub = new DbgHub({ kv });
  await hub.addSchema(schema);
  return { hub, kv };
}

/** A memory hub of `n` machines in a parent chain, each with one transition. */
export async function manyMachines(n: number): Promise<DbgHub> {
  const hub = new DbgHub({ maxMachines: n });
  for (let i = 0; i < n; i++) {
    await hub.addSchema({
      ID: `m${i}`,
      StatesIndex: ["A", "B"],
      States: { A: {}, B: {} },
      Parent: i ? `m${(i - 1) >> 1}` : undefined,
    });
    await hub.addTx({ MachineID: `m${i}`, ID: "t", Clocks: [1, 0], Type: 0, Accepted: true });
  }
  return hub;
}
