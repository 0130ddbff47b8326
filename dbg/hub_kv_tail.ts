/**
 * The KV hub's live tail: every process's commits, followed by `kv.watch`
 * on the head key (Deno Deploy; this process's commits locally) and by
 * polling (local SQLite's watch doesn't fire for other processes).
 *
 * @module
 */

import type { Appended } from "./hub_store.ts";
import type { KvReader } from "./hub_kv_read.ts";

/**
 * Emits every event appended after the current head, in seq order, until
 * the returned stopper is called.
 */
export function kvTail(
  read: KvReader,
  pollMs: number,
  emit: (a: Appended) => void,
): () => void {
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;
  let from = -1;
  const catchUp = async (): Promise<void> => {
    if (from < 0) from = (await read.headValue()).seq;
    for (;;) {
      const page = await read.since(from, 1000);
      for (const event of page.events) {
        if (stopped) return;
        emit({ event });
      }
      from = page.seq;
      if (!page.more) return;
    }
  };
  const kick = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = catchUp().catch(() => {}).finally(() => {
      running = undefined;
      if (again) {
        again = false;
        kick();
      }
    });
  };
  kick();
  // kv.watch on the head key: every commit bumps it (Deno Deploy, and this process locally)
  const stream = read.kv.watch([read.k("head")]);
  const reader = stream.getReader();
  (async () => {
    try {
      while (!stopped) {
        const { done } = await reader.read();
        if (done) break;
        kick();
      }
    } catch {
      // the KV closed; polling stops with the tail
    }
  })();
  // local SQLite KV's watch doesn't fire for other processes' commits: poll too
  const timer = setInterval(kick, pollMs);
  return () => {
    stopped = true;
    clearInterval(timer);
    reader.cancel().catch(() => {});
  };
}
