/**
 * DbgHub: an in-memory store of debugger messages: per machine the schema
 * and a bounded transition history with cursors, the parent/child tree,
 * and live subscribers.
 *
 * @module
 */

import type { DbgMsgSchema, DbgMsgTx } from "./messages.ts";
import { parseDbgMsgSchema, parseDbgMsgTx } from "./validate.ts";

/** One stored message with its hub-wide sequence number. */
export type HubEvent =
  | { seq: number; kind: "schema"; machineId: string; msg: DbgMsgSchema }
  | { seq: number; kind: "tx"; machineId: string; cursor: number; msg: DbgMsgTx };

/** A machine as the hub knows it. */
export interface MachineInfo {
  /** Machine id. */
  id: string;
  /** Parent machine id, or "". */
  parent: string;
  /** Child machine ids. */
  children: string[];
  /** Tags. */
  tags: string[];
  /** Number of states. */
  states: number;
  /** Transitions retained. */
  txs: number;
  /** Cursor of the oldest retained transition (0 when none). */
  firstCursor: number;
  /** Cursor of the newest transition (0 when none). */
  lastCursor: number;
}

/** Options of a {@linkcode DbgHub}. */
export interface DbgHubOptions {
  /** Transitions kept per machine (oldest dropped); default 10,000. */
  maxTxsPerMachine?: number;
  /** Machines kept at most; past it the least recently active is evicted. Default 1,000. */
  maxMachines?: number;
}

/** A page of transitions. */
export interface TxPage {
  /** Transitions after the requested cursor, with their cursors. */
  txs: { cursor: number; msg: DbgMsgTx }[];
  /** Pass back to continue (the last returned cursor). */
  cursor: number;
  /** More transitions follow. */
  more: boolean;
  /** The oldest retained cursor (older ones were dropped). */
  first: number;
}

/** A request the hub rejects (unknown machine, bad cursor, limits). */
export class DbgHubError extends Error {
  /**
   * A rejection.
   *
   * @param message What's wrong.
   */
  constructor(message: string) {
    super(message);
    this.name = "DbgHubError";
  }
}

interface Entry {
  schema: HubEvent & { kind: "schema" };
  txs: (HubEvent & { kind: "tx" })[];
  nextCursor: number;
}

/** Receives hub events; returns nothing, must not block. */
export type HubListener = (event: HubEvent) => void;

/**
 * Stores schemas and transitions of many machines.
 *
 * @example Usage
 * ```ts
 * import { DbgHub } from "@asyncmachine/telemetry/dbg";
 * const hub = new DbgHub();
 * hub.addSchema({ ID: "m1", StatesIndex: ["A"], States: { A: {} } });
 * hub.addTx({ MachineID: "m1", ID: "tx1", Clocks: [1], Type: 0, Accepted: true });
 * hub.txs("m1").txs.length; // 1
 * ```
 */
export class DbgHub {
  #machines = new Map<string, Entry>();
  #listeners = new Map<HubListener, Set<string> | undefined>();
  #seq = 0;
  #maxTxs: number;
  #maxMachines: number;
  /** Listener calls that threw (isolated). */
  listenerErrors = 0;
  /** Machines evicted over `maxMachines`. */
  evicted = 0;

  /**
   * An empty hub.
   *
   * @param opts History and machine limits.
   */
  constructor(opts: DbgHubOptions = {}) {
    this.#maxTxs = opts.maxTxsPerMachine ?? 10_000;
    this.#maxMachines = opts.maxMachines ?? 1000;
  }

  /** The newest sequence number. */
  get seq(): number {
    return this.#seq;
  }

  /** Adds or replaces a machine's schema (validated). */
  addSchema(input: unknown): HubEvent {
    const msg = parseDbgMsgSchema(input);
    const existing = this.#machines.get(msg.ID);
    if (!existing && this.#machines.size >= this.#maxMachines) this.#evict();
    const event = { seq: ++this.#seq, kind: "schema" as const, machineId: msg.ID, msg };
    if (existing) {
      existing.schema = event;
      this.#touch(msg.ID, existing);
    } else this.#machines.set(msg.ID, { schema: event, txs: [], nextCursor: 1 });
    this.#emit(event);
    return event;
  }

  /** Adds a transition of a known machine (validated; Time set if missing). */
  addTx(input: unknown): HubEvent {
    const msg = parseDbgMsgTx(input);
    const entry = this.#machines.get(msg.MachineID);
    if (!entry) throw new DbgHubError(`unknown machine ${msg.MachineID}: send its schema first`);
    msg.Time ??= new Date();
    const event = {
      seq: ++this.#seq,
      kind: "tx" as const,
      machineId: msg.MachineID,
      cursor: entry.nextCursor++,
      msg,
    };
    entry.txs.push(event);
    if (this.#machines.size > 1) this.#touch(msg.MachineID, entry);
    if (entry.txs.length > this.#maxTxs) entry.txs.splice(0, entry.txs.length - this.#maxTxs);
    this.#emit(event);
    return event;
  }

  /** Drops the least recently active machine (Map order is activity order). */
  #evict(): void {
    const oldest = this.#machines.keys().next().value;
    if (oldest !== undefined) {
      this.#machines.delete(oldest);
      this.evicted++;
    }
  }

  #touch(id: string, entry: Entry): void {
    // re-inserting moves the machine to the end: the Map stays in activity order
    this.#machines.delete(id);
    this.#machines.set(id, entry);
  }

  #emit(event: HubEvent): void {
    for (const [fn, filter] of this.#listeners) {
      if (filter && !filter.has(event.machineId)) continue;
      try {
        fn(event);
      } catch {
        this.listenerErrors++;
      }
    }
  }

  /** Every machine, least recently active first. */
  machines(): MachineInfo[] {
    const out: MachineInfo[] = [];
    for (const [id, e] of this.#machines) {
      const s = e.schema.msg;
      out.push({
        id,
        parent: s.Parent ?? "",
        children: [...this.#machines.values()]
          .filter((c) => c.schema.msg.Parent === id)
          .map((c) => c.schema.msg.ID),
        tags: s.Tags ?? [],
        states: s.StatesIndex.length,
        txs: e.txs.length,
        firstCursor: e.txs[0]?.cursor ?? 0,
        lastCursor: e.nextCursor - 1,
      });
    }
    return out;
  }

  /** A machine's schema. */
  schema(id: string): DbgMsgSchema | undefined {
    return this.#machines.get(id)?.schema.msg;
  }

  /**
   * Transitions after `cursor` (exclusive), at most `limit` (1-1000).
   * Throws DbgHubError for unknown machines and bad cursors.
   */
  txs(id: string, cursor = 0, limit = 100): TxPage {
    const e = this.#machines.get(id);
    if (!e) throw new DbgHubError(`unknown machine ${id}`);
    const last = e.nextCursor - 1;
    if (!Number.isInteger(cursor) || cursor < 0 || cursor > last) {
      throw new DbgHubError(`bad cursor ${cursor}: expected an integer from 0 to ${last}`);
    }
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      throw new DbgHubError(`bad limit ${limit}: expected an integer from 1 to 1000`);
    }
    const first = e.txs[0]?.cursor ?? 0;
    // cursors are consecutive, so the position is arithmetic
    const start = Math.max(0, cursor - first + 1);
    const page = e.txs.slice(start, start + limit);
    return {
      txs: page.map((t) => ({ cursor: t.cursor, msg: t.msg })),
      cursor: page.length ? page[page.length - 1].cursor : cursor,
      more: start + limit < e.txs.length,
      first,
    };
  }

  /** Retained events after `seq` (schemas first per machine), for resuming streams. */
  since(seq: number, machines?: Set<string>): HubEvent[] {
    const out: HubEvent[] = [];
    for (const [id, e] of this.#machines) {
      if (machines && !machines.has(id)) continue;
      if (e.schema.seq > seq) out.push(e.schema);
      for (const t of e.txs) if (t.seq > seq) out.push(t);
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  /** Calls `fn` for every new event (of these machines); returns an unsubscriber. */
  subscribe(fn: HubListener, machines?: string[]): () => void {
    this.#listeners.set(fn, machines?.length ? new Set(machines) : undefined);
    return () => this.#listeners.delete(fn);
  }

  /** Number of live subscribers. */
  get subscribers(): number {
    return this.#listeners.size;
  }
}
