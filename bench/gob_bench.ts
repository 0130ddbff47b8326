// gob encode/decode of DbgMsgTx vs JSON.stringify/parse of the same
// messages, in the same run (real messages from a traced machine).

import { DbgMsgTxType, GobDecoder, GobEncoder } from "../dbg/mod.ts";
import { txMessages } from "./dbg_fixtures.ts";

const { txs } = await txMessages(2000);
const enc = new GobEncoder();
const parts = txs.map((t) => enc.encode(DbgMsgTxType, t));
/** One gob stream of every message (type definitions once). */
export const gobStream: Uint8Array = concat(parts);
/** The same messages as newline-separated JSON. */
export const jsonLines: string[] = txs.map((t) => JSON.stringify(t));

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

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
