/**
 * am-dbg recordings (`.gob.br`: Brotli over gob of `[]*server.Exportable`)
 * read into a DbgHub and written back in the same format.
 *
 * @module
 */

import { DbgHub } from "./hub.ts";
import {
  GobDecoder,
  type GobDecoderOptions,
  GobEncoder,
  GobError,
  GobLimitError,
} from "./gob/mod.ts";
import { GobReader } from "./gob/wire.ts";
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

/** Options of {@linkcode importDbgRecording}. */
export interface ImportDbgRecordingOptions {
  /** The hub to fill; default a new one sized to fit the recording. */
  hub?: DbgHub;
  /** Most decompressed (gob) bytes read; default 128 MiB. A Brotli bomb stops here. */
  maxBytes?: number;
  /**
   * Limits of the gob decoder (a recording is one gob message); default
   * `maxElements` 16,777,216, `maxDecodedBytes` 1 GiB, `maxDepth` 64.
   */
  limits?: GobDecoderOptions;
}

/** Top-level values a recording may hold (am-dbg writes one). */
const MAX_VALUES = 1000;

/** Compressed bytes fed to the decompressor at a time. */
const BROTLI_SLICE = 64;

/**
 * Default of {@linkcode ImportDbgRecordingOptions.maxBytes}: 128 MiB.
 *
 * @example Usage
 * ```ts
 * import { RECORDING_MAX_BYTES } from "./recording.ts";
 * RECORDING_MAX_BYTES / 2 ** 20; // 128
 * ```
 */
export const RECORDING_MAX_BYTES = 128 * 1024 * 1024;

/** The values of a recording being decoded: only the []*Exportable is kept. */
class Collector {
  list: unknown[] | undefined;
  #count = 0;
  add(vs: unknown[]): void {
    // am-dbg writes one value; a stream of many is no recording (and only costs time)
    if ((this.#count += vs.length) > MAX_VALUES) {
      throw new GobLimitError(`recording: over ${MAX_VALUES} top-level values`);
    }
    for (const v of vs) if (!this.list && Array.isArray(v)) this.list = v;
  }
}

/** Plain gob: the whole input in one decoder. */
async function decodePlain(bytes: Uint8Array, opts: GobDecoderOptions): Promise<unknown[]> {
  const out = new Collector();
  const dec = new GobDecoder(opts);
  out.add(await dec.pushAsync(bytes));
  dec.end();
  if (!out.list) throw new GobError("recording: no []*Exportable in the stream");
  return out.list;
}

/**
 * Brotli streamed into the gob decoder, never more than `maxBytes`
 * decompressed. The compressed bytes go in small slices, on demand: the
 * decompressor expands one input chunk whole, so a bomb in one chunk would
 * be inflated entirely before the cap is checked.
 */
async function decodeBrotli(
  bytes: Uint8Array,
  maxBytes: number,
  opts: GobDecoderOptions,
): Promise<unknown[]> {
  const out = new Collector();
  const dec = new GobDecoder(opts);
  let fed = 0;
  const source = new ReadableStream<Uint8Array<ArrayBuffer>>({
    pull(c) {
      if (fed >= bytes.length) return c.close();
      c.enqueue(bytes.slice(fed, fed += BROTLI_SLICE));
    },
  }, { highWaterMark: 0 });
  const reader = source
    .pipeThrough(new DecompressionStream("brotli" as CompressionFormat))
    .getReader();
  let total = 0;
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch {
        throw new GobError("recording: not a Brotli stream");
      }
      if (chunk.done) break;
      total += chunk.value.length;
      if (total > maxBytes) {
        throw new GobLimitError(`recording: over ${maxBytes} decompressed bytes (maxBytes)`);
      }
      out.add(await dec.pushAsync(chunk.value));
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  dec.end();
  if (!out.list) throw new GobError("recording: no []*Exportable in the stream");
  return out.list;
}

/**
 * Whether the bytes open as a gob stream does: a message length that fits,
 * then a type definition of a user type (a recording's first message).
 */
function looksLikeGob(bytes: Uint8Array): boolean {
  try {
    const r = new GobReader(bytes);
    const len = r.count("message length");
    if (len === 0 || len > r.remaining) return false;
    const id = r.int();
    return typeof id === "number" && id <= -64;
  } catch {
    return false;
  }
}

/**
 * Decodes a recording's bytes, Brotli or plain gob, whichever they look
 * like first and the other if that fails; a limit ends it at once (no second
 * try of a bomb).
 */
async function decodeRecording(
  bytes: Uint8Array,
  maxBytes: number,
  limits: GobDecoderOptions,
): Promise<unknown[]> {
  const opts = {
    maxElements: 16 * 1024 * 1024,
    maxDecodedBytes: 1024 * 1024 * 1024,
    ...limits,
    maxMessageBytes: Math.min(maxBytes, limits.maxMessageBytes ?? maxBytes),
  };
  const plain = () => {
    if (bytes.length > maxBytes) {
      throw new GobLimitError(`recording: over ${maxBytes} bytes (maxBytes)`);
    }
    return decodePlain(bytes, opts);
  };
  const brotli = () => decodeBrotli(bytes, maxBytes, opts);
  const [first, second] = looksLikeGob(bytes) ? [plain, brotli] : [brotli, plain];
  try {
    return await first();
  } catch (e) {
    if (e instanceof GobLimitError || !(e instanceof GobError)) throw e;
    try {
      return await second();
    } catch (e2) {
      if (e2 instanceof GobLimitError) throw e2;
      throw e; // the likelier format's error says more
    }
  }
}

/**
 * Reads an am-dbg recording (Brotli-compressed or plain gob bytes, or a URL
 * to fetch) into a hub (a new one sized to fit, unless given). Bounded:
 * at most `maxBytes` decompressed, the decoder's limits on what they decode
 * to; over-limit and malformed recordings reject with a {@linkcode GobError}.
 *
 * @example Usage
 * ```ts ignore
 * import { importDbgRecording } from "@asyncmachine/telemetry/dbg";
 * const { hub, machines, txs } = await importDbgRecording(new URL("./am-dbg.gob.br", import.meta.url));
 * ```
 */
export async function importDbgRecording(
  source: Uint8Array | string | URL,
  hubOrOpts?: DbgHub | ImportDbgRecordingOptions,
): Promise<RecordingStats> {
  const opts: ImportDbgRecordingOptions = hubOrOpts instanceof DbgHub
    ? { hub: hubOrOpts }
    : hubOrOpts ?? {};
  const maxBytes = opts.maxBytes ?? RECORDING_MAX_BYTES;
  let bytes: Uint8Array;
  if (source instanceof Uint8Array) {
    bytes = source;
  } else {
    const res = await fetch(source);
    if (!res.ok) throw new Error(`recording ${source}: ${res.status}`);
    bytes = new Uint8Array(await res.arrayBuffer());
  }
  const list = await decodeRecording(bytes, maxBytes, opts.limits ?? {}) as Exportable[];
  // a loop, not Math.max(...list): a spread of a long list overflows the stack
  let maxTxs = 1;
  for (const e of list) maxTxs = Math.max(maxTxs, e?.MsgTxs?.length ?? 0);
  // sized to fit: the decoded recording is in memory already, within the decoder's limits
  const target = opts.hub ?? new DbgHub({
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
    if (!e?.MsgStruct) continue;
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
 * A tx without `Steps[].Data`: upstream's deprecated interface (Go sends
 * nil), which a client may have filled with any JSON, no registered Go type.
 */
function withoutStepData<T extends { Steps?: readonly { Data?: unknown }[] }>(tx: T): T {
  if (!tx.Steps?.some((s) => s.Data !== undefined && s.Data !== null)) return tx;
  return { ...tx, Steps: tx.Steps.map(({ Data: _, ...s }) => s) };
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
  opts?: { compress?: boolean; version?: string },
): Promise<Uint8Array> {
  opts ??= {};
  const list = [];
  for (const m of await hub.machines()) {
    const txs = [];
    for (let cursor = 0;;) {
      const page = await hub.txs(m.id, { cursor, limit: 1000 });
      for (const t of page.txs) txs.push(withoutStepData(t.msg));
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
