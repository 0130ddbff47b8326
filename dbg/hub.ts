/**
 * DbgHub: debugger messages of many machines, as a log with cursors: per
 * machine its schema, session, alive/gone and a bounded transition history
 * (paged both ways by cursor), the global log paged by a hub-wide `seq`,
 * and live subscribers. In memory (the default) or in Deno KV
 * (`new DbgHub({ kv })`), shared by every process opening the same KV.
 *
 * @module
 */

import type { DbgMsgSchema } from "./messages.ts";
import { parseDbgMsgGone, parseDbgMsgSchema, parseDbgMsgTx } from "./validate.ts";
import {
  DbgHubError,
  type DbgHubOptions,
  type HubEvent,
  type HubListener,
  type MachineInfo,
  type SincePage,
  type SinceQuery,
  type TxPage,
  type TxQuery,
} from "./hub_types.ts";
import type { Appended, HubInput, HubStats, HubStore } from "./hub_store.ts";
import { MemoryHubStore } from "./hub_memory.ts";
import { KvHubStore } from "./hub_kv.ts";

export * from "./hub_types.ts";
export type { HubStats } from "./hub_store.ts";

/** Largest page of `txs` and `since`. */
export const MAX_PAGE = 1000;

function intIn(v: unknown, name: string, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw new DbgHubError(
      `bad ${name} ${String(v)}: expected an integer from ${min} to ${max}`,
      name,
    );
  }
  return v;
}

/**
 * Stores schemas and transitions of many machines. Ingest and queries are
 * async (the KV store needs it); in memory, ingest happens in call order.
 *
 * @example Usage
 * ```ts
 * import { DbgHub } from "@asyncmachine/telemetry/dbg";
 * const hub = new DbgHub();
 * await hub.addSchema({ ID: "m1", StatesIndex: ["A"], States: { A: {} } });
 * await hub.addTx({ MachineID: "m1", ID: "tx1", Clocks: [1], Type: 0, Accepted: true });
 * (await hub.txs("m1", { dir: "older" })).txs.length; // 1
 * ```
 */
export class DbgHub {
  #store: HubStore;
  #listeners = new Map<HubListener, Set<string> | undefined>();
  #stopTail: (() => void) | undefined;
  /** Listener calls that threw (isolated). */
  listenerErrors = 0;

  /**
   * An empty hub in memory, or the hub in `opts.kv`.
   *
   * @param opts Limits; `kv` for the Deno KV store.
   */
  constructor(opts?: DbgHubOptions) {
    opts ??= {};
    const limits = {
      maxTxsPerMachine: opts.maxTxsPerMachine ?? 10_000,
      maxMachines: opts.maxMachines ?? 1000,
      maxBytesPerMachine: opts.maxBytesPerMachine ?? 16 * 1024 * 1024,
      maxBytes: opts.maxBytes ?? 256 * 1024 * 1024,
      maxMessageBytes: opts.maxMessageBytes ?? 512 * 1024,
    };
    this.#store = opts.kv
      ? new KvHubStore(opts.kv, {
        ...limits,
        prefix: opts.prefix ?? ["am-dbg"],
        pollMs: opts.pollMs ?? 250,
        expireInMs: opts.expireInMs,
      })
      : new MemoryHubStore(limits);
  }

  /** The newest sequence number this process knows of (see {@linkcode DbgHub.head}). */
  get seq(): number {
    return this.#store.seq;
  }

  /** Machines evicted over `maxMachines`. */
  get evicted(): number {
    return this.#store.stats.evicted;
  }

  /** Counters: evicted machines, dropped messages, bytes held. */
  get stats(): HubStats {
    return { ...this.#store.stats };
  }

  /** The newest sequence number (from KV for the KV store). */
  head(): Promise<number> {
    return this.#store.head();
  }

  #append(input: HubInput): Promise<HubEvent> {
    const store = this.#store;
    if (store.appendSync) return Promise.resolve(store.appendSync(input).event);
    return store.append(input).then((a) => a.event);
  }

  /** Adds or replaces a machine's schema (validated); a new instance starts a new session. */
  addSchema(input: unknown): Promise<HubEvent> {
    try {
      return this.#append({ kind: "schema", msg: parseDbgMsgSchema(input) });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Adds a transition of a known machine (validated; Time set if missing). */
  addTx(input: unknown): Promise<HubEvent> {
    try {
      return this.#append({ kind: "tx", msg: parseDbgMsgTx(input) });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Marks a machine gone (disposed, read-only from now on); `input` is its id
   * or a `DbgMsgGone`. Marking a gone machine again returns the same event.
   */
  markGone(input: unknown): Promise<HubEvent> {
    try {
      const id = typeof input === "string" ? input : parseDbgMsgGone(input).ID;
      if (id === "") throw new TypeError("ID cannot be empty");
      return this.#append({ kind: "gone", id });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Marks a machine gone.
   *
   * @deprecated Use {@linkcode DbgHub.markGone}: `dispose` reads as the hub's own teardown,
   * which is `[Symbol.asyncDispose]()`.
   */
  dispose(input: unknown): Promise<HubEvent> {
    return this.markGone(input);
  }

  /** Every machine, least recently active first; linear in machines. */
  machines(): Promise<MachineInfo[]> {
    return this.#store.machines();
  }

  /** A machine's current schema. */
  schema(id: string): Promise<DbgMsgSchema | undefined> {
    return this.#store.schema(id);
  }

  /**
   * A page of a machine's transitions (see {@linkcode TxQuery}). Rejects
   * with a DbgHubError naming the param for unknown machines, bad cursors
   * and limits.
   */
  txs(id: string, query?: TxQuery): Promise<TxPage> {
    query ??= {};
    try {
      const dir = query.dir ?? "newer";
      if (dir !== "newer" && dir !== "older") {
        throw new DbgHubError(`bad dir ${String(dir)}: expected "older" or "newer"`, "dir");
      }
      const limit = intIn(query.limit ?? 100, "limit", 1, MAX_PAGE);
      const cursor = query.cursor === undefined
        ? undefined
        : intIn(query.cursor, "cursor", 0, Number.MAX_SAFE_INTEGER);
      return this.#store.txs(id, cursor, limit, dir);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** A page of the global log: retained events with seq > `seq`, ascending. */
  since(seq: number, query?: SinceQuery): Promise<SincePage> {
    query ??= {};
    try {
      intIn(seq, "seq", 0, Number.MAX_SAFE_INTEGER);
      const limit = intIn(query.limit ?? MAX_PAGE, "limit", 1, MAX_PAGE);
      const machines = query.machines?.length ? new Set(query.machines) : undefined;
      return this.#store.since(seq, limit, machines);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  #emit = (a: Appended): void => {
    let frame = a.frame;
    for (const [fn, filter] of this.#listeners) {
      if (filter && !filter.has(a.event.machineId)) continue;
      // encoded once, for every subscriber
      frame ??= JSON.stringify(a.event);
      try {
        fn(a.event, frame);
      } catch {
        this.listenerErrors++;
      }
    }
  };

  /**
   * Calls `fn` for every new event (of these machines) with its encoded
   * frame; returns an unsubscriber. The KV store delivers other processes'
   * events too (kv.watch on its head key, polling as a fallback).
   */
  subscribe(fn: HubListener, machines?: string[]): () => void {
    this.#listeners.set(fn, machines?.length ? new Set(machines) : undefined);
    this.#stopTail ??= this.#store.tail(this.#emit);
    return () => {
      this.#listeners.delete(fn);
      if (this.#listeners.size === 0) {
        this.#stopTail?.();
        this.#stopTail = undefined;
      }
    };
  }

  /** Number of live subscribers. */
  get subscribers(): number {
    return this.#listeners.size;
  }

  /**
   * Stops the hub (`await using hub = new DbgHub(…)`): waits for the appends
   * already made (a KV hub's queued commits), then stops the KV tail and
   * timers and drops the subscribers. The KV itself stays open (it's the
   * caller's): closing it after this loses nothing.
   *
   * @example Usage
   * ```ts
   * import { DbgHub } from "@asyncmachine/telemetry/dbg";
   * const kv = await Deno.openKv(":memory:");
   * {
   *   await using hub = new DbgHub({ kv });
   *   hub.addSchema({ ID: "m1", StatesIndex: ["A"], States: { A: {} } });
   * } // the schema is committed here
   * kv.close();
   * ```
   */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.#store.drain?.();
    this.#stop();
  }

  /**
   * Stops the tail and timers without waiting for appends in flight.
   *
   * @deprecated Use `await hub[Symbol.asyncDispose]()` (or `await using`), which also waits
   * for a KV hub's queued commits.
   */
  close(): void {
    this.#stop();
  }

  #stop(): void {
    this.#stopTail?.();
    this.#stopTail = undefined;
    this.#listeners.clear();
    this.#store.close();
  }
}
