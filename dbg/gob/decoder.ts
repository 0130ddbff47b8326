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

import type { GobInterfaceValue } from "./encoder.ts";
import { BUILTIN_IDS, FIRST_USER_ID, goTime, type GoType } from "./types.ts";
import { GobError, GobReader } from "./wire.ts";
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

/** The defaults of {@linkcode GobDecoderOptions}. */
export const GOB_DECODER_DEFAULTS: Readonly<Required<GobDecoderOptions>> = {
  maxMessageBytes: 64 * 1024 * 1024,
  maxTypes: 10_000,
  maxElements: 4 * 1024 * 1024,
  maxDecodedBytes: 256 * 1024 * 1024,
  maxDepth: 64,
};

// what a decoded value costs beyond its 8-byte slot, roughly as V8 lays it out
const OBJECT_COST = 48;
const FIELD_COST = 16;
const SLOT_COST = 8;
const ARRAY_COST = 16;
const MAP_COST = 64;
const MAP_ENTRY_COST = 48;
const IFACE_COST = 48;

/** How a type decodes: a leaf read in one go, or a container walked frame by frame. */
type Plan =
  | { k: "leaf"; read: (r: GobReader) => unknown }
  | { k: "struct"; name: string; names: string[]; ids: number[]; plans: (Plan | undefined)[] }
  | { k: "slice"; name: string; elem: number; plan?: Plan }
  | { k: "map"; name: string; key: number; elem: number; keyPlan?: Plan; elemPlan?: Plan }
  | { k: "iface" };

/** A container being decoded (one shape for all kinds: monomorphic). */
class Frame {
  obj: Record<string, unknown> | undefined = undefined;
  arr: unknown[] | undefined = undefined;
  map: Map<unknown, unknown> | undefined = undefined;
  i = 0;
  n = 0;
  field = -1;
  key: unknown = undefined;
  hasKey = false;
  name = "";
  constructor(readonly plan: Plan, readonly r: GobReader) {}
}

const NO_VALUE = Symbol("no value");
const decodeTime = (goTime as GoType & { kind: "gobencoder" }).decode;
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

function leafCost(v: unknown): number {
  switch (typeof v) {
    case "string":
      return 16 + v.length;
    case "object":
      return v instanceof Uint8Array ? 96 + v.length : 32;
    case "bigint":
      return 24;
    default:
      return 0;
  }
}

function opaque(name: string): (r: GobReader) => unknown {
  return (r) => {
    const b = r.bytes();
    // time.Time: Go names it "Time" or leaves the name empty
    if (
      (name === "Time" || name === "") && (b.length === 15 || b.length === 16) &&
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

const LEAVES: Record<number, Plan> = {
  [BUILTIN_IDS.bool]: { k: "leaf", read: (r) => r.uint() !== 0 },
  [BUILTIN_IDS.int]: { k: "leaf", read: (r) => r.int() },
  [BUILTIN_IDS.uint]: { k: "leaf", read: (r) => r.uint() },
  [BUILTIN_IDS.float]: { k: "leaf", read: (r) => r.float() },
  [BUILTIN_IDS.bytes]: { k: "leaf", read: (r) => r.bytes().slice() },
  [BUILTIN_IDS.string]: { k: "leaf", read: (r) => r.string() },
  [BUILTIN_IDS.complex]: { k: "leaf", read: (r) => [r.float(), r.float()] },
  [BUILTIN_IDS.interface]: { k: "iface" },
};

/**
 * Decodes a gob stream incrementally: {@linkcode GobDecoder.push} chunks,
 * get every value completed so far. Every message is checked against the
 * limits ({@linkcode GobDecoderOptions}) before and while it is decoded.
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
  #types = new Map<number, WireType>();
  #plans = new Map<number, Plan>();
  #buf = new Uint8Array(0);
  #start = 0;
  #end = 0;
  #limits: Required<GobDecoderOptions>;
  // the message being decoded, its frames and budget
  #msg: GobReader | undefined;
  #stack: Frame[] = [];
  #result: unknown = NO_VALUE;
  #elements = 0;
  #heap = 0;
  #busy = false;
  #failed: GobError | undefined;

  /**
   * Creates one.
   *
   * @param opts Limits (defaults: {@linkcode GOB_DECODER_DEFAULTS}).
   */
  constructor(opts: GobDecoderOptions = {}) {
    this.#limits = { ...GOB_DECODER_DEFAULTS };
    for (const [k, v] of Object.entries(opts)) {
      if (v !== undefined) this.#limits[k as keyof GobDecoderOptions] = v;
    }
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
   * import { go, GobDecoder, GobEncoder } from "@asyncmachine/telemetry/dbg";
   * const bytes = new GobEncoder().encode(go.slice(go.int), [1, 2, 3]);
   * await new GobDecoder().pushAsync(bytes); // [[1, 2, 3]]
   * ```
   */
  async pushAsync(chunk: Uint8Array, opts: { sliceMs?: number } = {}): Promise<unknown[]> {
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
    this.#stack = [];
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
        this.#begin(r);
      }
      if (this.#stack.length && !this.#run(deadline)) return false;
      const r = this.#msg!;
      if (r.remaining) throw new GobError(`${r.remaining} bytes left in a value message`);
      if (this.#result !== NO_VALUE) out.push(this.#result);
      this.#msg = undefined;
      this.#result = NO_VALUE;
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
    if (len > max) throw new GobError(`message of ${len} bytes over the ${max} limit`);
    if (head.pos + len > this.#end) return undefined;
    const r = new GobReader(this.#buf, head.pos, head.pos + len);
    this.#start = head.pos + len;
    return r;
  }

  /** Starts a message: a type definition is read whole, a value gets its root frame. */
  #begin(r: GobReader): void {
    this.#msg = r;
    this.#elements = 0;
    this.#heap = 0;
    const id = r.int();
    if (typeof id !== "number") throw new GobError(`bad type id ${id}`);
    if (id < 0) {
      // Go's firstUserId is 64 (its encoders hand out 65 on)
      if (-id < FIRST_USER_ID - 1) throw new GobError(`type id ${-id} is reserved`);
      if (this.#types.has(-id)) throw new GobError(`duplicate type ${-id} received`);
      if (this.#types.size >= this.#limits.maxTypes) {
        throw new GobError("too many type definitions");
      }
      this.#types.set(-id, readWireType(r));
      return;
    }
    const plan = this.#plan(id);
    // a top-level non-struct value is a singleton field 0
    if (plan.k !== "struct" && r.byte() !== 0) {
      throw new GobError("non-struct value without the singleton marker");
    }
    this.#charge(1, SLOT_COST);
    this.#value(plan, r);
  }

  #charge(elements: number, heap: number): void {
    this.#elements += elements;
    this.#heap += heap;
    const { maxElements, maxDecodedBytes } = this.#limits;
    if (this.#elements > maxElements) {
      throw new GobError(`message decodes to over ${maxElements} values (maxElements)`);
    }
    if (this.#heap > maxDecodedBytes) {
      throw new GobError(`message decodes to over ${maxDecodedBytes} bytes (maxDecodedBytes)`);
    }
  }

  /** Reads a value of `plan`: a leaf at once, a container by pushing its frame. */
  #value(plan: Plan, r: GobReader): void {
    if (plan.k === "leaf") {
      const v = plan.read(r);
      if ((this.#heap += leafCost(v)) > this.#limits.maxDecodedBytes) this.#charge(0, 0);
      this.#deliver(v);
      return;
    }
    if (this.#stack.length >= this.#limits.maxDepth) {
      throw new GobError(`values nested deeper than ${this.#limits.maxDepth} (maxDepth)`);
    }
    const f = new Frame(plan, r);
    switch (plan.k) {
      case "struct":
        this.#charge(0, OBJECT_COST);
        f.obj = {};
        break;
      case "slice": {
        const n = r.count("element count");
        // every element takes at least one byte: no huge allocation for a tiny input
        if (n > r.remaining) throw new GobError(`${n} elements exceed the message`);
        this.#charge(n, ARRAY_COST + SLOT_COST * n);
        f.arr = new Array(n);
        f.n = n;
        break;
      }
      case "map": {
        const n = r.count("map size");
        if (n * 2 > r.remaining) throw new GobError(`map of ${n} entries exceeds the message`);
        this.#charge(2 * n, MAP_COST + MAP_ENTRY_COST * n);
        f.map = new Map();
        f.n = n;
        break;
      }
      case "iface": {
        const name = r.string();
        if (name === "") {
          this.#deliver(null);
          return;
        }
        const id = r.int();
        if (typeof id !== "number" || id < 0) {
          throw new GobError(`interface ${name}: inline type definitions are not supported`);
        }
        const len = r.count("interface value length");
        if (len > r.remaining) throw new GobError(`interface ${name}: value exceeds the message`);
        const inner = new GobReader(r.buf, r.pos, r.pos + len);
        r.pos += len;
        const p = this.#plan(id);
        if (p.k !== "struct" && inner.byte() !== 0) {
          throw new GobError(`interface ${name}: missing singleton marker`);
        }
        this.#charge(1, IFACE_COST + name.length);
        f.name = name;
        this.#stack.push(f);
        this.#value(p, inner);
        return;
      }
    }
    this.#stack.push(f);
  }

  /** Hands a completed value to the frame below (or makes it the message's value). */
  #deliver(v: unknown): void {
    for (;;) {
      const f = this.#stack[this.#stack.length - 1];
      if (!f) {
        this.#result = v;
        return;
      }
      switch (f.plan.k) {
        case "struct":
          f.obj![f.plan.names[f.field]] = v;
          return;
        case "slice":
          f.arr![f.i++] = v;
          return;
        case "map":
          if (f.hasKey) {
            f.map!.set(f.key, v);
            f.key = undefined;
            f.hasKey = false;
            f.i++;
          } else {
            f.key = v;
            f.hasKey = true;
          }
          return;
        case "iface":
          // an interface completes with its value
          this.#stack.pop();
          v = { name: f.name, value: v } satisfies GobInterfaceValue;
          continue;
      }
    }
  }

  /** Steps the frames until the message is done (true) or the deadline passed (false). */
  #run(deadline: number): boolean {
    const stack = this.#stack;
    const maxHeap = this.#limits.maxDecodedBytes;
    let steps = 0;
    while (stack.length) {
      if (steps >= 4096) {
        steps = 0;
        if (performance.now() > deadline) return false;
      }
      const f = stack[stack.length - 1];
      const plan = f.plan;
      const r = f.r;
      switch (plan.k) {
        case "struct": {
          // leaf fields inline; a container field gets its frame and the loop goes on there
          for (;;) {
            steps++;
            const d = r.count("field delta");
            if (d === 0) {
              stack.pop();
              this.#deliver(f.obj);
              break;
            }
            const field = f.field += d;
            if (field >= plan.names.length) {
              throw new GobError(`${plan.name}: field ${field} out of range`);
            }
            this.#charge(1, FIELD_COST);
            const p = plan.plans[field] ??= this.#plan(plan.ids[field]);
            if (p.k !== "leaf") {
              this.#value(p, r);
              break;
            }
            const v = p.read(r);
            if ((this.#heap += leafCost(v)) > maxHeap) this.#charge(0, 0);
            f.obj![plan.names[field]] = v;
          }
          break;
        }
        case "slice": {
          const p = plan.plan ??= this.#plan(plan.elem);
          const arr = f.arr!;
          if (p.k === "leaf") {
            let heap = this.#heap;
            const end = Math.min(f.n, f.i + 4096);
            for (let i = f.i; i < end; i++) heap += leafCost(arr[i] = p.read(r));
            steps += end - f.i;
            f.i = end;
            if ((this.#heap = heap) > maxHeap) this.#charge(0, 0);
          } else if (f.i < f.n) {
            steps++;
            this.#value(p, r);
          }
          if (f.i === f.n && stack[stack.length - 1] === f) {
            stack.pop();
            this.#deliver(arr);
          }
          break;
        }
        case "map":
          steps++;
          if (f.i === f.n) {
            stack.pop();
            this.#deliver(f.map);
          } else if (f.hasKey) {
            this.#value(plan.elemPlan ??= this.#plan(plan.elem), r);
          } else {
            this.#value(plan.keyPlan ??= this.#plan(plan.key), r);
          }
          break;
        default:
          // an interface frame only waits for its value, pushed above it
          throw new GobError("interface without a value");
      }
    }
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
    let plan: Plan;
    switch (wire.kind) {
      case "struct":
        plan = {
          k: "struct",
          name: wire.name,
          names: wire.fields.map((f) => f.name),
          ids: wire.fields.map((f) => f.id),
          plans: [],
        };
        break;
      case "slice":
      case "array":
        plan = { k: "slice", name: wire.name, elem: wire.elem };
        break;
      case "map":
        plan = { k: "map", name: wire.name, key: wire.key, elem: wire.elem };
        break;
      case "gobencoder":
        plan = { k: "leaf", read: opaque(wire.name) };
        break;
    }
    this.#plans.set(id, plan);
    return plan;
  }
}

/**
 * Every top-level value of a complete gob stream.
 *
 * @example Usage
 * ```ts
 * import { decodeGob } from "@asyncmachine/telemetry/dbg";
 * decodeGob(new Uint8Array([3, 12, 0, 0])); // [""]: net/rpc's empty string reply
 * ```
 *
 * @param bytes The stream.
 * @param opts Limits; `maxMessageBytes` defaults to the stream's length.
 */
export function decodeGob(bytes: Uint8Array, opts: GobDecoderOptions = {}): unknown[] {
  const dec = new GobDecoder({ maxMessageBytes: Math.max(bytes.length, 1), ...opts });
  const out = dec.push(bytes);
  dec.end();
  return out;
}
