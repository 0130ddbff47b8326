/**
 * A bounded FIFO that drops the oldest entry when full (a ring buffer: no
 * array shifting), for a tracer's outbox.
 *
 * @module
 */

/**
 * A bounded drop-oldest queue.
 *
 * @example Usage
 * ```ts
 * import { Outbox } from "./outbox.ts";
 * const box = new Outbox<number>(2);
 * box.push(1); box.push(2); box.push(3); // 1 dropped
 * box.take(10); // [2, 3]
 * ```
 */
export class Outbox<T> {
  #ring: (T | undefined)[];
  #head = 0;
  #size = 0;
  /** Entries dropped because it was full. */
  dropped = 0;

  /**
   * An empty outbox.
   *
   * @param capacity Entries held at most (at least 1).
   */
  constructor(capacity: number) {
    this.#ring = new Array(Math.max(1, capacity));
  }

  /** Entries waiting. */
  get size(): number {
    return this.#size;
  }

  /** Adds an entry; when full, the oldest is dropped. */
  push(entry: T): void {
    const ring = this.#ring;
    const cap = ring.length;
    if (this.#size === cap) {
      ring[this.#head] = entry;
      this.#head = (this.#head + 1) % cap;
      this.dropped++;
    } else {
      ring[(this.#head + this.#size) % cap] = entry;
      this.#size++;
    }
  }

  /** Removes and returns up to `n` of the oldest entries. */
  take(n: number): T[] {
    const ring = this.#ring;
    const out: T[] = [];
    while (out.length < n && this.#size > 0) {
      out.push(ring[this.#head]!);
      ring[this.#head] = undefined;
      this.#head = (this.#head + 1) % ring.length;
      this.#size--;
    }
    return out;
  }

  /** Drops everything. */
  clear(): void {
    this.#ring.fill(undefined);
    this.#head = 0;
    this.#size = 0;
  }
}
