// gob rows: decoding a stream of 2,000 real DbgMsgTx and encoding them to
// bytes, beside JSON.parse/JSON.stringify of the same messages. Codec work
// only: every message is decoded to an object / encoded to bytes (strings
// for JSON) inside the timed run.

import { DbgMsgTxType } from "../dbg/wire_types.ts";
import { GobDecoder, GobEncoder } from "../dbg/gob/mod.ts";
import { concatBytes } from "../dbg/gob/wire.ts";
import { txMessages } from "./dbg_fixtures.ts";
import { measure } from "./harness.ts";
import { goal, info, type Row } from "./row.ts";

/** The section's rows. */
export default async function rows(): Promise<Row[]> {
  const { txs } = await txMessages(2000);
  const enc = new GobEncoder();
  const parts = txs.map((t) => enc.encode(DbgMsgTxType, t));
  const stream = concatBytes(parts);
  const lines = txs.map((t) => JSON.stringify(t));
  const jsonBytes = lines.reduce((n, l) => n + l.length, 0);
  let decoded = 0;
  const [g, j] = await measure([
    {
      name: "gob",
      ops: txs.length,
      run: () => void (decoded = new GobDecoder().push(stream).length),
    },
    { name: "json", ops: txs.length, run: () => lines.forEach((l) => JSON.parse(l)) },
  ], 30);
  if (decoded !== txs.length) throw new Error(`gob decoded ${decoded} of ${txs.length}`);
  let bytes = 0;
  const [ge, je] = await measure([
    {
      name: "gob",
      ops: txs.length,
      run: () => {
        const e = new GobEncoder();
        bytes = 0;
        for (const t of txs) bytes += e.encode(DbgMsgTxType, t).length;
      },
    },
    { name: "json", ops: txs.length, run: () => txs.forEach((t) => JSON.stringify(t)) },
  ], 30);
  if (bytes === 0) throw new Error("gob encoded nothing");
  const mb = (n: number, ms: number) => n / 1024 / 1024 / (ms / 1000);
  return [
    info("gob decode DbgMsgTx", g.opsPerSec, "msgs/s"),
    info("gob decode throughput", mb(stream.length, g.bestMs), "MB/s"),
    info("JSON.parse of the same", j.opsPerSec, "msgs/s"),
    info("JSON.parse throughput", mb(jsonBytes, j.bestMs), "MB/s"),
    goal(
      "gob decode vs JSON.parse (msgs/s)",
      g.opsPerSec / j.opsPerSec,
      "x",
      ">= 0.5x",
      g.opsPerSec / j.opsPerSec >= 0.5,
    ),
    info("gob encode DbgMsgTx (to bytes)", ge.opsPerSec, "msgs/s"),
    info("JSON.stringify of the same", je.opsPerSec, "msgs/s"),
  ];
}
