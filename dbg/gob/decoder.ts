/**
 * A streaming gob decoder: reads type definitions and values from any gob
 * stream (chunks may split messages anywhere), with bounded memory and
 * clear errors on malformed, truncated or over-limit input.
 *
 * Structs decode to plain objects keyed by Go field name, maps to `Map`,
 * integers to numbers (bigint beyond 2^53), `time.Time` to `Date`, other
 * GobEncoders to bytes, interfaces to `{name, value}`.
 *
 * Values are decoded with an explicit stack, not recursion: nesting is
 * limited by `maxDepth` (a {@linkcode GobError}, never a stack overflow), and
 * a decode can pause between any two values, which is how
 * {@linkcode GobDecoder.pushAsync} yields to the event loop.
 *
 * @module
 */

import { LEAVES, type Plan, wirePlan } from "./plan.ts";
import { FIRST_USER_ID } from "./types.ts";
import { ValueReader } from "./value_reader.ts";
import { GobError, GobLimitError, GobReader } from "./wire.ts";
import { readWireType, type WireType } from "./wire_type.ts";

/** Limits of a {@linkcode GobDecoder}; each one a {@linkcode GobError} when exceeded. */
export interface GobDecoderOptions {
  /** Largest message accepted, wire bytes; default 64 MiB (gob's own limit is 1 GiB). */
  maxMessageBytes?: number;
  /** Most type definitions in one stream; default 10,000. */
  maxTypes?: number;
  /**
   * Most values one message may decode to (elements, fields, map entries);
   * default 4,194,304. A `[]struct{}` costs one wire byte per element.
   */
  maxElements?: number;
  /**
   * Most heap one message may decode to, estimated (objects, arrays, maps,
   * strings and bytes with V8's overheads); default 256 MiB.
   */
  maxDecodedBytes?: number;
  /** Deepest nesting of structs, slices, maps and interfaces; default 64. */
  maxDepth?: number;
}

/**
 * The defaults of {@linkcode GobDecoderOptions}.
 *
 * @example Usage
 * ```ts
 * import { GOB_DECODER_DEFAULTS } from "./decoder.ts";
 * GOB_DECODER_DEFAULTS.maxDepth; // 64
 * ```
 */
export const GOB_DECODER_DEFAULTS: Readonly<Required<GobDecoderOptions>> = {
  maxMessageBytes: 64 * 1024 * 1024,
  maxTypes: 10_000,
  maxElements: 4 * 1024 * 1024,
  maxDecodedBytes: 256 * 1024 * 1024,
  maxDepth: 64,
};

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Decodes a gob stream incrementally: {@linkcode GobDecoder.push} chunks,
 * get every value completed so far. Every message is checked against the
 * limits ({@linkcode GobDecoderOptions}) before and while it is decoded.
 *
 * @example Usage
 * ```ts
 * import { go, GobDecoder, GobEncoder } from "@asyncmachine/telemetry/dbg/gob";
 * const T = go.struct("T", { A: go.int });
 * const bytes = new GobEncoder().encode(T, { A: -3 });
 * const dec = new GobDecoder();
 * dec.push(bytes.subarray(0, 5)); // []
 * dec.push(bytes.subarray(5)); // [{ A: -3 }]
 * ```
 */
export class GobDecoder {
  #types = new Map<number, WireType>();
  #plans = new Map<number, Plan>();
  #buf = new Uint8Array(0);
  #start = 0;
  #end = 0;
  #limits: Required<GobDecoderOptions>;
  // the message being decoded, its frames and budget
  #msg: GobReader | undefined;
  #reader: ValueReader;
  #isValue = false;
  #busy = false;
  #failed: GobError | undefined;

  /**
   * Creates one.
   *
   * @param opts Limits (defaults: {@linkcode GOB_DECODER_DEFAULTS}).
   */
  constructor(opts?: GobDecoderOptions) {
    opts ??= {};
    this.#limits = { ...GOB_DECODER_DEFAULTS };
    for (const [k, v] of Object.entries(opts)) {
      if (v !== undefined) this.#limits[k as keyof GobDecoderOptions] = v;
    }
    this.#reader = new ValueReader(this.#limits, (id) => this.#plan(id));
  }

  /** Bytes received but not yet decoded (a partial message, or one being decoded). */
  get buffered(): number {
    return this.#end - this.#start + (this.#msg ? this.#msg.end - this.#msg.pos : 0);
  }

  /** Adds bytes; returns the values of every message completed. */
  push(chunk: Uint8Array): unknown[] {
    this.#enter();
    try {
      this.#append(chunk);
      const out: unknown[] = [];
      this.#drain(out, Infinity);
      return out;
    } catch (e) {
      throw this.#fail(e);
    } finally {
      this.#busy = false;
    }
  }

  /**
   * Like {@linkcode GobDecoder.push}, but decodes in slices of about
   * `sliceMs` (default 10 ms) and yields to the event loop between them, so
   * a large message never blocks other work.
   *
   * @example Usage
   * ```ts
   * import { go, GobDecoder, GobEncoder } from "@asyncmachine/telemetry/dbg/gob";
   * const bytes = new GobEncoder().encode(go.slice(go.int), [1, 2, 3]);
   * await new GobDecoder().pushAsync(bytes); // [[1, 2, 3]]
   * ```
   */
  async pushAsync(chunk: Uint8Array, opts?: { sliceMs?: number }): Promise<unknown[]> {
    opts ??= {};
    const slice = opts.sliceMs ?? 10;
    this.#enter();
    try {
      this.#append(chunk);
      const out: unknown[] = [];
      while (!this.#drain(out, performance.now() + slice)) await yieldToLoop();
      return out;
    } catch (e) {
      throw this.#fail(e);
    } finally {
      this.#busy = false;
    }
  }

  /** Throws if a partial message is left (call at end of stream). */
  end(): void {
    if (this.#failed) throw this.#failed;
    if (this.buffered > 0) throw new GobError(`truncated stream: ${this.buffered} bytes left`);
  }

  #enter(): void {
    if (this.#failed) throw this.#failed;
    if (this.#busy) throw new GobError("push during an unfinished pushAsync");
    this.#busy = true;
  }

  /** A stream is broken after any error: later pushes repeat it. */
  #fail(e: unknown): GobError {
    // RangeError etc. can only come from a bug or a platform limit: still a bad stream
    const err = e instanceof GobError ? e : new GobError(`decode failed: ${(e as Error)?.message}`);
    this.#failed = err;
    this.#reader.reset();
    this.#msg = undefined;
    this.#buf = new Uint8Array(0);
    this.#start = this.#end = 0;
    return err;
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

  /** Decodes complete messages into `out` until none is left (true) or the deadline (false). */
  #drain(out: unknown[], deadline: number): boolean {
    for (;;) {
      if (!this.#msg) {
        const r = this.#nextMessage();
        if (!r) return true;
        this.#msg = r;
        this.#isValue = this.#begin(r);
      }
      if (this.#isValue && !this.#reader.run(deadline)) return false;
      const r = this.#msg!;
      if (r.remaining) throw new GobError(`${r.remaining} bytes left in a value message`);
      if (this.#isValue) out.push(this.#reader.result);
      this.#msg = undefined;
    }
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
    const max = this.#limits.maxMessageBytes;
    if (len > max) throw new GobLimitError(`message of ${len} bytes over the ${max} limit`);
    if (head.pos + len > this.#end) return undefined;
    const r = new GobReader(this.#buf, head.pos, head.pos + len);
    this.#start = head.pos + len;
    return r;
  }

  /** Starts a message: a type definition is read whole (false), a value is started (true). */
  #begin(r: GobReader): boolean {
    const id = r.int();
    if (typeof id !== "number") throw new GobError(`bad type id ${id}`);
    if (id < 0) {
      // Go's firstUserId is 64 (its encoders hand out 65 on)
      if (-id < FIRST_USER_ID - 1) throw new GobError(`type id ${-id} is reserved`);
      if (this.#types.has(-id)) throw new GobError(`duplicate type ${-id} received`);
      if (this.#types.size >= this.#limits.maxTypes) {
        throw new GobLimitError("too many type definitions");
      }
      this.#types.set(-id, readWireType(r));
      return false;
    }
    const plan = this.#plan(id);
    // a top-level non-struct value is a singleton field 0
    if (plan.k !== "struct" && r.byte() !== 0) {
      throw new GobError("non-struct value without the singleton marker");
    }
    this.#reader.start(plan, r);
    return true;
  }

  /** How a type id decodes (cached). */
  #plan(id: number): Plan {
    const leaf = LEAVES[id];
    if (leaf) return leaf;
    const cached = this.#plans.get(id);
    if (cached) return cached;
    const wire = this.#types.get(id);
    if (!wire) throw new GobError(`undefined type id ${id}`);
    const plan = wirePlan(wire);
    this.#plans.set(id, plan);
    return plan;
  }
}

/**
 * Every top-level value of a complete gob stream.
 *
 * @example Usage
 * ```ts
 * import { decodeGob } from "@asyncmachine/telemetry/dbg/gob";
 * decodeGob(new Uint8Array([3, 12, 0, 0])); // [""]: net/rpc's empty string reply
 * ```
 *
 * @param bytes The stream.
 * @param opts Limits; `maxMessageBytes` defaults to the stream's length.
 */
export function decodeGob(bytes: Uint8Array, opts?: GobDecoderOptions): unknown[] {
  opts ??= {};
  const dec = new GobDecoder({ maxMessageBytes: Math.max(bytes.length, 1), ...opts });
  const out = dec.push(bytes);
  dec.end();
  return out;
}
