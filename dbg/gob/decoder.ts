/**
 * A streaming gob decoder: reads type definitions and values from any gob
 * stream (chunks may split messages anywhere), with bounded memory and
 * clear errors on malformed or truncated input.
 *
 * Structs decode to plain objects keyed by Go field name, maps to `Map`,
 * integers to numbers (bigint beyond 2^53), `time.Time` to `Date`, other
 * GobEncoders to bytes, interfaces to `{name, value}`.
 *
 * @module
 */

import type { GobInterfaceValue } from "./encoder.ts";
import { BUILTIN_IDS, goTime, type GoType } from "./types.ts";
import { GobError, GobReader } from "./wire.ts";

/** A received type definition. */
type Wire =
  | { kind: "struct"; name: string; fields: { name: string; id: number }[] }
  | { kind: "slice" | "array"; name: string; elem: number; len?: number }
  | { kind: "map"; name: string; key: number; elem: number }
  | { kind: "gobencoder"; name: string };

type Decode = (r: GobReader) => unknown;

/** Options of a {@linkcode GobDecoder}. */
export interface GobDecoderOptions {
  /** Largest message accepted; default 64 MiB (gob's own limit is 1 GiB). */
  maxMessageBytes?: number;
  /** Most type definitions in one stream; default 10,000. */
  maxTypes?: number;
}

function readCommon(r: GobReader): { name: string; id: number } {
  let field = -1;
  let name = "";
  let id = 0;
  for (;;) {
    const d = r.count("field delta");
    if (d === 0) break;
    field += d;
    if (field === 0) name = r.string();
    else if (field === 1) id = Number(r.int());
    else throw new GobError(`bad CommonType field ${field}`);
  }
  return { name, id };
}

/** Reads a wireType struct (a type definition body). */
function readWireType(r: GobReader): Wire {
  let field = -1;
  let out: Wire | undefined;
  for (;;) {
    const d = r.count("field delta");
    if (d === 0) break;
    field += d;
    let name = "";
    let sub = -1;
    const ids: number[] = [];
    let fields: { name: string; id: number }[] = [];
    for (;;) {
      const sd = r.count("field delta");
      if (sd === 0) break;
      sub += sd;
      if (sub === 0) {
        name = readCommon(r).name;
      } else if (field === 2 && sub === 1) {
        // structType.Field: []fieldType{Name, Id}
        const n = r.count("field count");
        if (n > r.remaining) throw new GobError(`field count ${n} exceeds the message`);
        fields = [];
        for (let i = 0; i < n; i++) {
          let ff = -1;
          let fname = "";
          let fid = 0;
          for (;;) {
            const fd = r.count("field delta");
            if (fd === 0) break;
            ff += fd;
            if (ff === 0) fname = r.string();
            else if (ff === 1) fid = Number(r.int());
            else throw new GobError(`bad fieldType field ${ff}`);
          }
          fields.push({ name: fname, id: fid });
        }
      } else {
        ids[sub] = Number(r.int());
      }
    }
    switch (field) {
      case 0:
        out = { kind: "array", name, elem: ids[1], len: ids[2] ?? 0 };
        break;
      case 1:
        out = { kind: "slice", name, elem: ids[1] };
        break;
      case 2:
        out = { kind: "struct", name, fields };
        break;
      case 3:
        out = { kind: "map", name, key: ids[1], elem: ids[2] };
        break;
      case 4:
      case 5:
      case 6:
        // GobEncoder, BinaryMarshaler, TextMarshaler: opaque bytes
        out = { kind: "gobencoder", name };
        break;
      default:
        throw new GobError(`bad wireType field ${field}`);
    }
  }
  if (!out) throw new GobError("empty type definition");
  return out;
}

/**
 * Decodes a gob stream incrementally: {@linkcode GobDecoder.push} chunks,
 * get every value completed so far.
 *
 * @example Usage
 * ```ts
 * import { go, GobDecoder, GobEncoder } from "@asyncmachine/telemetry/dbg";
 * const T = go.struct("T", { A: go.int });
 * const bytes = new GobEncoder().encode(T, { A: -3 });
 * const dec = new GobDecoder();
 * dec.push(bytes.subarray(0, 5)); // []
 * dec.push(bytes.subarray(5)); // [{ A: -3 }]
 * ```
 */
export class GobDecoder {
  #types = new Map<number, Wire>();
  #decoders = new Map<number, Decode>();
  #buf = new Uint8Array(0);
  #start = 0;
  #end = 0;
  #max: number;
  #maxTypes: number;

  /**
   * Creates one.
   *
   * @param opts Limits.
   */
  constructor(opts: GobDecoderOptions = {}) {
    this.#max = opts.maxMessageBytes ?? 64 * 1024 * 1024;
    this.#maxTypes = opts.maxTypes ?? 10_000;
  }

  /** Bytes received but not yet decoded (a partial message). */
  get buffered(): number {
    return this.#end - this.#start;
  }

  /** Adds bytes; returns the values of every message completed. */
  push(chunk: Uint8Array): unknown[] {
    this.#append(chunk);
    const out: unknown[] = [];
    for (;;) {
      const msg = this.#nextMessage();
      if (!msg) break;
      const v = this.#message(msg);
      if (v !== NO_VALUE) out.push(v);
    }
    return out;
  }

  /** Throws if a partial message is left (call at end of stream). */
  end(): void {
    if (this.buffered > 0) throw new GobError(`truncated stream: ${this.buffered} bytes left`);
  }

  #append(chunk: Uint8Array): void {
    const live = this.#end - this.#start;
    if (this.#end + chunk.length > this.#buf.length) {
      // compact, growing only as needed: the buffer holds one partial message
      const size = Math.max(
        live + chunk.length,
        this.#buf.length >= live * 2 ? this.#buf.length : live * 2,
        4096,
      );
      const next = new Uint8Array(size);
      next.set(this.#buf.subarray(this.#start, this.#end));
      this.#buf = next;
      this.#start = 0;
      this.#end = live;
    }
    this.#buf.set(chunk, this.#end);
    this.#end += chunk.length;
  }

  /** The next complete message's reader, or undefined. */
  #nextMessage(): GobReader | undefined {
    if (this.#end === this.#start) return undefined;
    const head = new GobReader(this.#buf, this.#start, this.#end);
    let len: number;
    try {
      len = head.count("message length");
    } catch (e) {
      if (e instanceof GobError && e.message.startsWith("truncated")) return undefined;
      throw e;
    }
    if (len === 0) throw new GobError("zero-length message");
    if (len > this.#max) throw new GobError(`message of ${len} bytes over the ${this.#max} limit`);
    if (head.pos + len > this.#end) return undefined;
    const r = new GobReader(this.#buf, head.pos, head.pos + len);
    this.#start = head.pos + len;
    return r;
  }

  #message(r: GobReader): unknown {
    const id = r.int();
    if (typeof id !== "number") throw new GobError(`bad type id ${id}`);
    if (id < 0) {
      if (this.#types.size >= this.#maxTypes) throw new GobError("too many type definitions");
      this.#types.set(-id, readWireType(r));
      this.#decoders.delete(-id);
      if (r.remaining) throw new GobError("extra data after a type definition");
      return NO_VALUE;
    }
    const wire = this.#types.get(id);
    let v: unknown;
    if (wire?.kind === "struct") {
      v = this.#decoder(id)(r);
    } else {
      if (r.byte() !== 0) throw new GobError("non-struct value without the singleton marker");
      v = this.#decoder(id)(r);
    }
    if (r.remaining) throw new GobError(`${r.remaining} bytes left in a value message`);
    return v;
  }

  /** A compiled decoder for a type id (cached). */
  #decoder(id: number): Decode {
    const cached = this.#decoders.get(id);
    if (cached) return cached;
    const d = this.#compile(id);
    this.#decoders.set(id, d);
    return d;
  }

  #compile(id: number): Decode {
    switch (id) {
      case BUILTIN_IDS.bool:
        return (r) => r.uint() !== 0;
      case BUILTIN_IDS.int:
        return (r) => r.int();
      case BUILTIN_IDS.uint:
        return (r) => r.uint();
      case BUILTIN_IDS.float:
        return (r) => r.float();
      case BUILTIN_IDS.bytes:
        return (r) => r.bytes().slice();
      case BUILTIN_IDS.string:
        return (r) => r.string();
      case BUILTIN_IDS.complex:
        return (r) => [r.float(), r.float()];
      case BUILTIN_IDS.interface:
        return (r) => this.#interface(r);
    }
    const wire = this.#types.get(id);
    if (!wire) throw new GobError(`undefined type id ${id}`);
    switch (wire.kind) {
      case "struct": {
        const names = wire.fields.map((f) => f.name);
        const ids = wire.fields.map((f) => f.id);
        const decs: (Decode | undefined)[] = new Array(ids.length);
        const n = ids.length;
        return (r) => {
          const obj: Record<string, unknown> = {};
          let field = -1;
          for (;;) {
            const d = r.count("field delta");
            if (d === 0) return obj;
            field += d;
            if (field >= n) throw new GobError(`${wire.name}: field ${field} out of range`);
            obj[names[field]] = (decs[field] ??= this.#decoder(ids[field]))(r);
          }
        };
      }
      case "slice":
      case "array": {
        let elem: Decode | undefined;
        return (r) => {
          const n = r.count("element count");
          // every element takes at least one byte: no huge allocation for a tiny input
          if (n > r.remaining) throw new GobError(`${n} elements exceed the message`);
          elem ??= this.#decoder(wire.elem);
          const out = new Array(n);
          for (let i = 0; i < n; i++) out[i] = elem(r);
          return out;
        };
      }
      case "map": {
        let key: Decode | undefined;
        let elem: Decode | undefined;
        return (r) => {
          const n = r.count("map size");
          if (n * 2 > r.remaining) throw new GobError(`map of ${n} entries exceeds the message`);
          key ??= this.#decoder(wire.key);
          elem ??= this.#decoder(wire.elem);
          const m = new Map<unknown, unknown>();
          for (let i = 0; i < n; i++) {
            const k = key(r);
            m.set(k, elem(r));
          }
          return m;
        };
      }
      case "gobencoder":
        return (r) => {
          const b = r.bytes();
          // time.Time: Go names it "Time" or leaves the name empty
          if (
            (wire.name === "Time" || wire.name === "") && (b.length === 15 || b.length === 16) &&
            (b[0] === 1 || b[0] === 2)
          ) {
            try {
              return decodeTime(b);
            } catch {
              return b.slice();
            }
          }
          return b.slice();
        };
    }
  }

  #interface(r: GobReader): GobInterfaceValue | null {
    const name = r.string();
    if (name === "") return null;
    const id = r.int();
    if (typeof id !== "number" || id < 0) {
      throw new GobError(`interface ${name}: inline type definitions are not supported`);
    }
    const len = r.count("interface value length");
    if (len > r.remaining) throw new GobError(`interface ${name}: value exceeds the message`);
    const inner = new GobReader(r.buf, r.pos, r.pos + len);
    r.pos += len;
    let value: unknown;
    if (this.#types.get(id)?.kind === "struct") {
      value = this.#decoder(id)(inner);
    } else {
      if (inner.byte() !== 0) throw new GobError(`interface ${name}: missing singleton marker`);
      value = this.#decoder(id)(inner);
    }
    return { name, value };
  }
}

const NO_VALUE = Symbol("type definition");

const decodeTime = (goTime as GoType & { kind: "gobencoder" }).decode;

/**
 * Every top-level value of a complete gob stream.
 *
 * @example Usage
 * ```ts
 * import { decodeGob } from "@asyncmachine/telemetry/dbg";
 * decodeGob(new Uint8Array([3, 12, 0, 0])); // [""]: net/rpc's empty string reply
 * ```
 */
export function decodeGob(bytes: Uint8Array): unknown[] {
  const dec = new GobDecoder({ maxMessageBytes: Math.max(bytes.length, 1) });
  const out = dec.push(bytes);
  dec.end();
  return out;
}
