// gob encode/decode of DbgMsgTx vs JSON.stringify/parse of the same
// messages, in the same run (real messages from a traced machine).

import { DbgMsgTxType } from "../dbg/wire_types.ts";
import { GobDecoder, GobEncoder } from "../dbg/gob/mod.ts";
import { concatBytes } from "../dbg/gob/wire.ts";
import { txMessages } from "./dbg_fixtures.ts";

const { txs } = await txMessages(2000);
const enc = new GobEncoder();
const parts = txs.map((t) => enc.encode(DbgMsgTxType, t));
/** One gob stream of every message (type definitions once). */
export const gobStream: Uint8Array = concatBytes(parts);
/** The same messages as newline-separated JSON. */
export const jsonLines: string[] = txs.map((t) => JSON.stringify(t));

Deno.bench("decode 2000 DbgMsgTx: gob", { group: "decode", baseline: true }, () => {
  new GobDecoder().push(gobStream);
});

Deno.bench("decode 2000 DbgMsgTx: JSON.parse", { group: "decode" }, () => {
  for (const l of jsonLines) JSON.parse(l);
});

Deno.bench("encode 2000 DbgMsgTx: gob", { group: "encode", baseline: true }, () => {
  const e = new GobEncoder();
  for (const t of txs) e.encode(DbgMsgTxType, t);
});

Deno.bench("encode 2000 DbgMsgTx: JSON.stringify", { group: "encode" }, () => {
  for (const t of txs) JSON.stringify(t);
});
