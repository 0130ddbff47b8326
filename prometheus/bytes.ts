/**
 * The renderer's byte writer: a reused output buffer that cached encoded
 * series prefixes are copied into and numbers are written into as ASCII,
 * so a scrape builds no strings (and no rope a response must flatten).
 *
 * Internal to the prometheus folder (not re-exported).
 *
 * @module
 */

import { formatValue } from "./names.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encoded bytes of a string (UTF-8). */
export function utf8(s: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(s);
}

/** The longest sample value JavaScript formats: "-1.2345678901234567e-308". */
export const MAX_NUMBER_BYTES = 24;

// an idle buffer this much larger than the last output is dropped
const SHRINK_FACTOR = 4;
const MIN_KEEP = 1 << 20;
// output filling this share of the buffer takes the buffer itself
const HAND_OVER = 0.75;
// a fresh buffer's room over the last output (values get longer)
const GROWTH = 1.2;

/**
 * Writes into one growing buffer. `reserve` before a run of writes; the
 * writes themselves don't check bounds.
 *
 * @example Usage
 * ```ts ignore
 * const w = new ByteWriter();
 * w.reserve(64);
 * w.ascii("up ");
 * w.number(1);
 * w.take(); // Uint8Array of "up 1"
 * ```
 */
export class ByteWriter {
  /** The buffer; valid bytes are [0, pos). */
  buf: Uint8Array<ArrayBuffer> = new Uint8Array(64 * 1024);
  /** Write position. */
  pos = 0;

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    const next = new Uint8Array(Math.max(need, this.buf.length * 2));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** Copies a segment (TypedArray#set: a memmove, beating a byte loop even for short ones). */
  segment(seg: Uint8Array): void {
    this.buf.set(seg, this.pos);
    this.pos += seg.length;
  }

  /** Writes a string known to be ASCII (formatted numbers). */
  ascii(s: string): void {
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /**
   * Writes a sample value exactly as {@linkcode formatValue} formats it:
   * safe integers digit by digit, short decimals (averages, quarter
   * values) as scaled integers, everything else through its string.
   */
  number(v: number): void {
    if (Number.isSafeInteger(v)) this.integer(v);
    else if (!(v > -1e9 && v < 1e9) || !this.#decimal(v)) this.ascii(formatValue(v));
  }

  // JavaScript prints the shortest decimal that reads back as v. If
  // m / 10^k reads back as v (the division is correctly rounded, as parsing
  // is), the smallest such k gives the fewest digits; below 1e9, 10^-6 is
  // above half an ulp, so no other decimal of that length reads back as v,
  // and from 1e-6 up JavaScript uses no exponent. So the digits are m's.
  #decimal(v: number): boolean {
    let scale = 10;
    for (let k = 1; k <= 6; k++, scale *= 10) {
      const m = Math.round(v * scale);
      if (m / scale !== v) continue;
      const buf = this.buf;
      let a = m;
      if (a < 0) {
        buf[this.pos++] = 45; // "-"
        a = -a;
      }
      const int = Math.floor(a / scale);
      let frac = a - int * scale;
      this.integer(int);
      const p = this.pos;
      buf[p] = 46; // "."
      for (let i = k; i > 0; i--) {
        buf[p + i] = 48 + frac % 10;
        frac = Math.floor(frac / 10);
      }
      this.pos = p + k + 1;
      return true;
    }
    return false;
  }

  /** Writes a safe integer in decimal. */
  integer(v: number): void {
    const buf = this.buf;
    let p = this.pos;
    if (v < 0) {
      buf[p++] = 45; // "-"
      v = -v;
    }
    // count digits, then fill from the right
    let digits = 1;
    for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
    let q = p + digits;
    this.pos = q;
    if (v < 2147483648) {
      let n = v | 0;
      do {
        buf[--q] = 48 + n % 10;
        n = (n / 10) | 0;
      } while (n > 0);
    } else {
      do {
        buf[--q] = 48 + v % 10;
        v = Math.floor(v / 10);
      } while (v > 0);
    }
  }

  /**
   * The written bytes, now the caller's: the buffer is handed over (no
   * copy) when they fill most of it, and the next write starts in a fresh
   * one of the same size; else they are copied out.
   */
  take(): Uint8Array<ArrayBuffer> {
    const pos = this.pos;
    const buf = this.buf;
    this.pos = 0;
    if (pos < buf.length * HAND_OVER) {
      const out = buf.slice(0, pos);
      this.#shrink(pos);
      return out;
    }
    // fresh memory is cheaper than a copy: no bytes read, its pages zeroed lazily
    this.buf = new Uint8Array(Math.max(64 * 1024, Math.ceil(pos * GROWTH)));
    return buf.subarray(0, pos);
  }

  /** The written bytes decoded as UTF-8; the writer is reset for reuse. */
  text(): string {
    const pos = this.pos;
    const out = decoder.decode(this.buf.subarray(0, pos));
    this.pos = 0;
    this.#shrink(pos);
    return out;
  }

  #shrink(used: number): void {
    if (this.buf.length > MIN_KEEP && this.buf.length > used * SHRINK_FACTOR) {
      // one huge scrape doesn't pin its buffer forever
      this.buf = new Uint8Array(Math.max(used * 2, 64 * 1024));
    }
  }
}

/**
 * The shared writer: rendering is synchronous, so one buffer serves every
 * registry in the isolate.
 */
export const sharedWriter: ByteWriter = new ByteWriter();

/**
 * A family's cached encoding in one format: the bytes before each sample
 * value (header and series prefixes, each after the previous line's "\n"),
 * then the trailing "\n". `ends[k]` ends the segment before value `k`;
 * `ends[values]` ends the tail.
 */
export interface Template {
  /** The family's child-set version the template was built for. */
  version: number;
  /** All segments, back to back. */
  bytes: Uint8Array;
  /** Each segment as its own view of `bytes`. */
  segs: Uint8Array[];
  /** End offset of each segment in `bytes`. */
  ends: Uint32Array;
}

/**
 * Builds a template from the header and the series prefixes (each
 * `name{labels} `), one per sample value, in output order.
 */
export function buildTemplate(version: number, header: string, prefixes: string[]): Template {
  const parts: Uint8Array[] = [];
  let total = 0;
  const ends = new Uint32Array(prefixes.length + 1);
  for (let k = 0; k <= prefixes.length; k++) {
    const seg = (k === 0 ? header : "\n") + (k < prefixes.length ? prefixes[k] : "");
    const bytes = utf8(seg);
    parts.push(bytes);
    total += bytes.length;
    ends[k] = total;
  }
  const bytes = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    bytes.set(p, off);
    off += p.length;
  }
  const segs: Uint8Array[] = [];
  for (let k = 0; k < ends.length; k++) segs.push(bytes.subarray(k ? ends[k - 1] : 0, ends[k]));
  return { version, bytes, ends, segs };
}
