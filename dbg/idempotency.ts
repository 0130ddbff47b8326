/**
 * Replays of retried requests: a client that resends a request after a
 * timeout (its first attempt may have landed) marks both with the same
 * `Idempotency-Key`; the endpoint answers the repeat with the first answer
 * instead of ingesting twice. Bounded: the newest keys only, small answers
 * only; per process (a retry reaching another isolate isn't recognised).
 *
 * @module
 */

/**
 * Recent requests by idempotency key: in flight or answered.
 *
 * @example Usage
 * ```ts
 * import { IdempotencyCache } from "./idempotency.ts";
 * const cache = new IdempotencyCache();
 * await cache.once("k1", () => Promise.resolve("a")); // "a"
 * await cache.once("k1", () => Promise.resolve("b")); // "a" again
 * ```
 */
export class IdempotencyCache {
  #answers = new Map<string, Promise<string | undefined>>();
  #maxKeys: number;
  #maxAnswerBytes: number;
  /** Requests answered from the cache. */
  replays = 0;

  /**
   * An empty cache.
   *
   * @param maxKeys Keys kept (oldest forgotten); default 1024.
   * @param maxAnswerBytes Larger answers aren't kept; default 64 KiB.
   */
  constructor(maxKeys = 1024, maxAnswerBytes = 64 * 1024) {
    this.#maxKeys = maxKeys;
    this.#maxAnswerBytes = maxAnswerBytes;
  }

  /** Runs `fn` the first time a key is seen; a repeat gets the first answer (or waits for it). */
  once(key: string, fn: () => Promise<string | undefined>): Promise<string | undefined> {
    const known = this.#answers.get(key);
    if (known) {
      this.replays++;
      return known;
    }
    const answer = fn();
    this.#answers.set(key, answer);
    if (this.#answers.size > this.#maxKeys) {
      this.#answers.delete(this.#answers.keys().next().value!);
    }
    answer.then(
      (a) => {
        if (a !== undefined && a.length > this.#maxAnswerBytes) this.#answers.delete(key);
      },
      () => this.#answers.delete(key),
    );
    return answer;
  }
}
