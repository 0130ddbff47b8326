/**
 * am-dbg recordings (`.gob.br`: Brotli over gob of `[]*server.Exportable`)
 * read into a DbgHub and written back in the same format.
 *
 * @module
 */

import { DbgHub } from "./hub.ts";
import { GobDecoder, GobEncoder } from "./gob/mod.ts";
import { RecordingType } from "./wire_types.ts";

/** What an import read. */
export interface RecordingStats {
  /** The hub holding the recording. */
  hub: DbgHub;
  /** Machines (one per Exportable). */
  machines: number;
  /** Transitions (all MsgTxs). */
  txs: number;
  /** Steps, summed over the transitions. */
  steps: number;
  /** Log entries (LogEntries), summed. */
  logEntries: number;
  /** PreLogEntries, summed. */
  preLogEntries: number;
  /** The recording's am-dbg version, if any. */
  version: string;
}

async function pipe(bytes: Uint8Array, stream: unknown): Promise<Uint8Array> {
  const out = new Blob([bytes as BlobPart]).stream()
    .pipeThrough(stream as TransformStream<Uint8Array, Uint8Array>);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

interface Exportable {
  MsgStruct?: unknown;
  MsgTxs?: { Steps?: unknown[]; LogEntries?: unknown[]; PreLogEntries?: unknown[] }[];
  Version?: string;
}

/**
 * Reads an am-dbg recording (Brotli-compressed or plain gob bytes, or a URL
 * to fetch) into a hub (a new one sized to fit, unless given).
 *
 * @example Usage
 * ```ts ignore
 * import { importDbgRecording } from "@asyncmachine/telemetry/dbg";
 * const { hub, machines, txs } = await importDbgRecording(new URL("./am-dbg.gob.br", import.meta.url));
 * ```
 */
export async function importDbgRecording(
  source: Uint8Array | string | URL,
  hub?: DbgHub,
): Promise<RecordingStats> {
  let bytes: Uint8Array;
  if (source instanceof Uint8Array) {
    bytes = source;
  } else {
    const res = await fetch(source);
    if (!res.ok) throw new Error(`recording ${source}: ${res.status}`);
    bytes = new Uint8Array(await res.arrayBuffer());
  }
  let raw: Uint8Array;
  try {
    raw = await pipe(bytes, new DecompressionStream("brotli" as CompressionFormat));
  } catch {
    raw = bytes; // not Brotli: plain gob
  }
  const dec = new GobDecoder({ maxMessageBytes: Math.max(raw.length, 1) });
  const values = dec.push(raw);
  dec.end();
  const list = values.find(Array.isArray) as Exportable[] | undefined;
  if (!list) throw new Error("recording: no []*Exportable in the stream");
  const maxTxs = Math.max(1, ...list.map((e) => e.MsgTxs?.length ?? 0));
  // sized to fit: the decoded recording is in memory already, within the decoder's limits
  const target = hub ?? new DbgHub({
    maxTxsPerMachine: maxTxs,
    maxMachines: list.length + 1,
    maxBytes: Infinity,
    maxBytesPerMachine: Infinity,
  });
  const stats: RecordingStats = {
    hub: target,
    machines: 0,
    txs: 0,
    steps: 0,
    logEntries: 0,
    preLogEntries: 0,
    version: "",
  };
  for (const e of list) {
    if (!e.MsgStruct) continue;
    await target.addSchema(e.MsgStruct);
    stats.machines++;
    stats.version ||= e.Version ?? "";
    for (const tx of e.MsgTxs ?? []) {
      await target.addTx(tx);
      stats.txs++;
      stats.steps += tx.Steps?.length ?? 0;
      stats.logEntries += tx.LogEntries?.length ?? 0;
      stats.preLogEntries += tx.PreLogEntries?.length ?? 0;
    }
  }
  return stats;
}

/**
 * Writes a hub as an am-dbg recording (`--import-data` reads it):
 * gob of `[]*server.Exportable`, Brotli-compressed unless `compress: false`.
 *
 * @example Usage
 * ```ts
 * import { DbgHub, exportDbgRecording } from "@asyncmachine/telemetry/dbg";
 * const hub = new DbgHub();
 * await hub.addSchema({ ID: "m1", StatesIndex: ["A"], States: { A: {} } });
 * const bytes = await exportDbgRecording(hub);
 * ```
 */
export async function exportDbgRecording(
  hub: DbgHub,
  opts: { compress?: boolean; version?: string } = {},
): Promise<Uint8Array> {
  const list = [];
  for (const m of await hub.machines()) {
    const txs = [];
    for (let cursor = 0;;) {
      const page = await hub.txs(m.id, { cursor, limit: 1000 });
      for (const t of page.txs) txs.push(t.msg);
      if (!page.more) break;
      cursor = page.cursor;
    }
    const schema = await hub.schema(m.id);
    list.push({ MsgStruct: schema, MsgTxs: txs, Version: opts.version ?? "am-telemetry" });
  }
  const gob = new GobEncoder().encode(RecordingType, list);
  return opts.compress === false
    ? gob
    : await pipe(gob, new CompressionStream("brotli" as CompressionFormat));
}
