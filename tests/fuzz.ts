// Fuzzing helpers: a seeded PRNG, byte mutations, and the per-input bounds
// the fuzz tests assert (time per input, heap). Inputs depend on the seed
// only; how many run depends on the time budget.

/** A seeded PRNG (mulberry32): the same seed, the same inputs. */
export class Rand {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }
  /** [0, 1) */
  next(): number {
    let t = (this.#s = (this.#s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** One of `xs`. */
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  /** `n` random bytes. */
  bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
}

const EDGE_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xf8, 0xfc, 0xfe, 0xff];

/** A copy of `input` with 1–4 random mutations (flip, edge byte, insert, delete, duplicate, huge count). */
export function mutate(rand: Rand, input: Uint8Array): Uint8Array {
  let b: Uint8Array = input.slice();
  for (let k = 1 + rand.int(4); k > 0; k--) {
    const at = rand.int(Math.max(b.length, 1));
    switch (rand.int(6)) {
      case 0:
        if (b.length) b[at] ^= 1 << rand.int(8);
        break;
      case 1:
        if (b.length) b[at] = rand.pick(EDGE_BYTES);
        break;
      case 2: {
        const ins = rand.bytes(1 + rand.int(8));
        b = concat(b.subarray(0, at), ins, b.subarray(at));
        break;
      }
      case 3:
        b = concat(b.subarray(0, at), b.subarray(at + 1 + rand.int(16)));
        break;
      case 4: {
        const len = 1 + rand.int(32);
        b = concat(b.subarray(0, at + len), b.subarray(at, at + len), b.subarray(at + len));
        break;
      }
      case 5: {
        // a huge declared count or length
        const huge = new Uint8Array([0xf8, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
        b = concat(b.subarray(0, at), huge.subarray(0, 1 + rand.int(9)), b.subarray(at));
        break;
      }
    }
  }
  return b;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Bounds every fuzz test asserts. */
export const FUZZ_BOUNDS = {
  /** Wall time one input may take (generous: the machine is shared). */
  msPerInput: 2000,
  /** Heap in use after any input. */
  heapBytes: 768 * 1024 * 1024,
  /** Time budget of one fuzz test; inputs stop coming after it. */
  budgetMs: 4000,
};

/**
 * Runs `check` on inputs from `gen` until `count` ran or the time budget is
 * spent; fails on the first input over the time or heap bound (with its
 * index, to replay it from the seed).
 */
export async function fuzz(
  name: string,
  count: number,
  gen: (i: number) => Uint8Array | string,
  check: (input: Uint8Array | string) => Promise<void> | void,
): Promise<number> {
  const start = performance.now();
  let i = 0;
  for (; i < count && performance.now() - start < FUZZ_BOUNDS.budgetMs; i++) {
    const input = gen(i);
    const t0 = performance.now();
    try {
      await check(input);
    } catch (e) {
      throw new Error(`${name} input #${i}: ${(e as Error)?.stack ?? e}`);
    }
    const ms = performance.now() - t0;
    if (ms > FUZZ_BOUNDS.msPerInput) {
      throw new Error(`${name} input #${i} took ${ms.toFixed(0)} ms (${input.length} long)`);
    }
    if (i % 50 === 0) {
      const heap = Deno.memoryUsage().heapUsed;
      if (heap > FUZZ_BOUNDS.heapBytes) {
        throw new Error(`${name} input #${i}: heap ${heap} over ${FUZZ_BOUNDS.heapBytes}`);
      }
    }
  }
  return i;
}
