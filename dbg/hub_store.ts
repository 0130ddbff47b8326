/**
 * What a hub store (memory, Deno KV) implements; {@linkcode DbgHub} validates
 * input, then hands it to its store.
 *
 * @module
 */

import type { DbgMsgSchema, DbgMsgTx } from "./messages.ts";
import type { HubEvent, MachineInfo, SincePage, TxPage } from "./hub_types.ts";

/** A validated message for a store to append. */
export type HubInput =
  | { kind: "schema"; msg: DbgMsgSchema }
  | { kind: "tx"; msg: DbgMsgTx }
  | { kind: "gone"; id: string };

/** An appended event (and its encoded JSON frame, when the store has it). */
export interface Appended {
  /** The event. */
  event: HubEvent;
  /** `JSON.stringify(event)`; else the hub encodes it once for all subscribers. */
  frame?: string;
}

/** A hub's storage: the same model in memory or in Deno KV. */
export interface HubStore {
  /** Appends in order; rejects (appending nothing of that input) with DbgHubError. */
  append(input: HubInput): Promise<Appended>;
  /** The same, synchronously (throws), where the store can: saves a promise per message. */
  appendSync?(input: HubInput): Appended;
  /** Every machine, linear in machines. */
  machines(): Promise<MachineInfo[]>;
  /** A machine's current schema. */
  schema(id: string): Promise<DbgMsgSchema | undefined>;
  /** A page of a machine's transitions; limits already checked. */
  txs(
    id: string,
    cursor: number | undefined,
    limit: number,
    dir: "older" | "newer",
  ): Promise<TxPage>;
  /** A page of the global log; limits already checked. */
  since(seq: number, limit: number, machines?: Set<string>): Promise<SincePage>;
  /** The newest seq. */
  head(): Promise<number>;
  /** The newest seq this process knows of, without waiting. */
  readonly seq: number;
  /** Counters: machines evicted, messages dropped by retention. */
  readonly stats: HubStats;
  /** Starts delivering every appended event (of any process) to `emit`; returns a stopper. */
  tail(emit: (a: Appended) => void): () => void;
  /** Settles the appends already queued, where a store has any in flight (KV's commits). */
  drain?(): Promise<void>;
  /** Releases timers and watchers. */
  close(): void;
}

/**
 * A hub's counters.
 *
 * @example Usage
 * ```ts
 * import { DbgHub } from "@asyncmachine/telemetry/dbg";
 * new DbgHub().stats.dropped; // 0
 * ```
 */
export interface HubStats {
  /** Machines evicted over `maxMachines`. */
  evicted: number;
  /** Messages dropped by retention (count, bytes) or a new session. */
  dropped: number;
  /** Bytes of history held (encoded). */
  bytes: number;
}

/** Revives a parsed event's receive time as a Date. */
export function parseFrame(frame: string): HubEvent {
  const e = JSON.parse(frame) as HubEvent;
  if (e.kind === "tx" && typeof e.msg.Time === "string") e.msg.Time = new Date(e.msg.Time);
  return e;
}

/** Whether `next` extends `prev` (same states at the same indexes): the same machine instance. */
export function sameInstance(prev: DbgMsgSchema, next: DbgMsgSchema): boolean {
  if (next.StatesIndex.length < prev.StatesIndex.length) return false;
  return prev.StatesIndex.every((s, i) => next.StatesIndex[i] === s);
}
