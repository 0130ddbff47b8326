/**
 * Gob's primitive encodings: unsigned and signed integers, floats, strings
 * and bytes, written to a growable buffer and read from a bounded view.
 *
 * @module
 */

/** A malformed, truncated or over-limit gob stream. */
export class GobError extends Error {
  /**
   * Creates one.
   *
   * @param message What's wrong, and where.
   */
  constructor(message: string) {
    super(message);
    this.name = "GobError";
  }
}

/**
 * A gob stream over a limit (message size, decoded size, depth, counts):
 * well-formed or not, it is refused for what it would cost.
 *
 * @example Usage
 * ```ts
 * import { decodeGob, GobLimitError } from "@asyncmachine/telemetry/dbg/gob";
 * try {
 *   decodeGob(new Uint8Array([3, 12, 0, 0]), { maxMessageBytes: 2 });
 * } catch (e) {
 *   e instanceof GobLimitError; // true
 * }
 * ```
 */
export class GobLimitError extends GobError {
  /**
   * Creates one.
   *
   * @param message Which limit, and by how much.
   */
  constructor(message: string) {
    super(message);
    this.name = "GobLimitError";
  }
}

const enc = new TextEncoder();

/**
 * The chunks joined into one byte array.
 *
 * @example Usage
 * ```ts
 * import { concatBytes } from "./wire.ts";
 * concatBytes([new Uint8Array([1]), new Uint8Array([2, 3])]); // Uint8Array [1, 2, 3]
 * ```
 */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const c of chunks) size += c.length;
  const out = new Uint8Array(size);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}
const dec = new TextDecoder("utf-8");

/** A growable byte buffer with gob's primitive writers. */
export class GobWriter {
  /** The bytes written so far are `buf.subarray(0, len)`. */
  buf: Uint8Array;
  /** Bytes written. */
  len = 0;

  /**
   * Creates one.
   *
   * @param size Initial capacity.
   */
  constructor(size = 256) {
    this.buf = new Uint8Array(size);
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** One byte. */
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  /** Raw bytes. */
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** An unsigned integer (number ≤ 2^53 or bigint < 2^64). */
  uint(x: number | bigint): void {
    if (typeof x === "number") {
      if (x < 0x80) {
        this.byte(x);
        return;
      }
      if (x <= 0xffffffff) {
        const n = x > 0xffffff ? 4 : x > 0xffff ? 3 : x > 0xff ? 2 : 1;
        this.ensure(n + 1);
        this.buf[this.len++] = 256 - n;
        for (let i = n - 1; i >= 0; i--) this.buf[this.len++] = (x / 2 ** (8 * i)) & 0xff;
        return;
      }
      x = BigInt(x);
    }
    if (x < 0n || x > 0xffffffffffffffffn) throw new GobError(`uint out of range: ${x}`);
    if (x < 0x80n) {
      this.byte(Number(x));
      return;
    }
    const bytes: number[] = [];
    while (x > 0n) {
      bytes.unshift(Number(x & 0xffn));
      x >>= 8n;
    }
    this.byte(256 - bytes.length);
    for (const b of bytes) this.byte(b);
  }

  /** A signed integer, zig-zagged as gob does. */
  int(i: number | bigint): void {
    if (typeof i === "number" && Number.isSafeInteger(i) && Math.abs(i) < 2 ** 52) {
      this.uint(i < 0 ? -2 * i - 1 : 2 * i);
      return;
    }
    const b = BigInt(i);
    this.uint(b < 0n ? ((-b - 1n) << 1n) | 1n : b << 1n);
  }

  /** A float64: its bits byte-reversed, as an unsigned integer. */
  float(f: number): void {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, f, true); // little-endian = byte-reversed big-endian bits
    this.uint(view.getBigUint64(0, false));
  }

  /** A string: byte length and UTF-8. */
  string(s: string): void {
    // ASCII fast path: one byte per char
    let ascii = true;
    for (let i = 0; i < s.length; i++) {
      if (s.charCodeAt(i) > 0x7f) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      this.uint(s.length);
      this.ensure(s.length);
      for (let i = 0; i < s.length; i++) this.buf[this.len++] = s.charCodeAt(i);
      return;
    }
    const b = enc.encode(s);
    this.uint(b.length);
    this.bytes(b);
  }

  /** The written bytes (a view). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

/** Reads gob primitives from a byte view, never past its end. */
export class GobReader {
  /** The bytes. */
  readonly buf: Uint8Array;
  /** Read position. */
  pos: number;
  /** End (exclusive). */
  end: number;

  /**
   * A reader over `buf[pos, end)`.
   *
   * @param buf The bytes.
   * @param pos Start.
   * @param end End (exclusive).
   */
  constructor(buf: Uint8Array, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  /** Bytes left. */
  get remaining(): number {
    return this.end - this.pos;
  }

  #need(n: number, what: string): void {
    if (this.pos + n > this.end) {
      throw new GobError(
        `truncated ${what} at byte ${this.pos} (need ${n}, have ${this.remaining})`,
      );
    }
  }

  /** One byte. */
  byte(): number {
    this.#need(1, "byte");
    return this.buf[this.pos++];
  }

  /** An unsigned integer: number when safe, else bigint. */
  uint(): number | bigint {
    this.#need(1, "uint");
    const b = this.buf[this.pos++];
    if (b < 0x80) return b;
    const n = 256 - b;
    if (n > 8) throw new GobError(`bad uint length ${n} at byte ${this.pos - 1}`);
    this.#need(n, "uint");
    if (n <= 6) {
      let x = 0;
      for (let i = 0; i < n; i++) x = x * 256 + this.buf[this.pos++];
      return x;
    }
    let x = 0n;
    for (let i = 0; i < n; i++) x = (x << 8n) | BigInt(this.buf[this.pos++]);
    return x <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : x;
  }

  /** An unsigned integer that must fit a safe number (lengths, counts, deltas). */
  count(what: string): number {
    const x = this.uint();
    if (typeof x !== "number") throw new GobError(`${what} too large: ${x}`);
    return x;
  }

  /** A signed integer: number when safe, else bigint. */
  int(): number | bigint {
    const u = this.uint();
    if (typeof u === "number") {
      // zig-zag without 32-bit operators (u may exceed 2^31)
      return u % 2 === 1 ? -(u - 1) / 2 - 1 : u / 2;
    }
    const x = u & 1n ? ~(u >> 1n) : u >> 1n;
    return x >= BigInt(Number.MIN_SAFE_INTEGER) && x <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(x)
      : x;
  }

  /** A float64. */
  float(): number {
    const u = this.uint();
    const view = new DataView(new ArrayBuffer(8));
    view.setBigUint64(0, BigInt(u), false);
    return view.getFloat64(0, true);
  }

  /** A length-prefixed byte slice (a view). */
  bytes(): Uint8Array {
    const n = this.count("byte length");
    this.#need(n, "bytes");
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A length-prefixed UTF-8 string. */
  string(): string {
    const n = this.count("string length");
    this.#need(n, "string");
    const buf = this.buf;
    const start = this.pos;
    this.pos += n;
    if (n < 64) {
      // short ASCII strings: cheaper than TextDecoder
      let s = "";
      for (let i = start; i < start + n; i++) {
        const c = buf[i];
        if (c > 0x7f) return dec.decode(buf.subarray(start, start + n));
        s += String.fromCharCode(c);
      }
      return s;
    }
    return dec.decode(buf.subarray(start, start + n));
  }
}
