/**
 * The hub's data model, shared by its stores (memory, Deno KV): events with
 * a hub-wide `seq` and a per-machine cursor, machine summaries, pages.
 *
 * @module
 */

import type { DbgMsgSchema, DbgMsgTx } from "./messages.ts";

/**
 * One stored message with its hub-wide sequence number: a schema (with the
 * machine's session: 1 for the first instance of an id, +1 for each new
 * instance), a transition with its per-machine cursor, or a machine gone.
 *
 * @example Usage
 * ```ts
 * import type { HubEvent } from "@asyncmachine/telemetry/dbg";
 * const gone: HubEvent = { seq: 7, kind: "gone", machineId: "m1" };
 * ```
 */
export type HubEvent =
  | { seq: number; kind: "schema"; machineId: string; session?: number; msg: DbgMsgSchema }
  | { seq: number; kind: "tx"; machineId: string; cursor: number; msg: DbgMsgTx }
  | { seq: number; kind: "gone"; machineId: string };

/**
 * A machine as the hub knows it.
 *
 * @example Usage
 * ```ts
 * import { DbgHub, type MachineInfo } from "@asyncmachine/telemetry/dbg";
 * const list: MachineInfo[] = await new DbgHub().machines();
 * ```
 */
export interface MachineInfo {
  /** Machine id. */
  id: string;
  /** Parent machine id, or "". */
  parent: string;
  /** Child machine ids (machines the hub holds whose parent this is). */
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
  /** False once the machine reported its dispose. */
  alive: boolean;
  /** 1 for the first instance of this id, +1 each time it reappears with a new schema. */
  session: number;
  /** Seq of the machine's newest event. */
  lastSeq: number;
}

/**
 * Which page of a machine's transitions {@linkcode DbgHub.txs} returns.
 *
 * @example Usage
 * ```ts
 * import type { TxQuery } from "@asyncmachine/telemetry/dbg";
 * const newest: TxQuery = { dir: "older", limit: 50 };
 * ```
 */
export interface TxQuery {
  /**
   * `newer`: transitions after this cursor (0 or absent: from the oldest
   * retained). `older`: transitions before it (absent: the newest page).
   */
  cursor?: number;
  /** Transitions per page, 1..1000; default 100. */
  limit?: number;
  /** Direction; default `newer`. */
  dir?: "older" | "newer";
}

/**
 * A page of a machine's transitions, ascending by cursor in both directions.
 *
 * @example Usage
 * ```ts
 * import { DbgHub, type TxPage } from "@asyncmachine/telemetry/dbg";
 * const hub = new DbgHub();
 * await hub.addSchema({ ID: "m1", StatesIndex: ["A"], States: { A: {} } });
 * const page: TxPage = await hub.txs("m1", { dir: "older" });
 * ```
 */
export interface TxPage {
  /** The transitions, with their hub-wide seq and cursor. */
  txs: { seq: number; cursor: number; msg: DbgMsgTx }[];
  /**
   * Pass back to continue in the same direction: the last returned cursor
   * for `newer`, the first returned for `older` (the given one when empty).
   */
  cursor: number;
  /** More transitions follow in that direction. */
  more: boolean;
  /** The oldest retained cursor (older ones were dropped; 0 when none). */
  first: number;
  /** The newest cursor (0 when none). */
  last: number;
}

/**
 * Which part of the global log {@linkcode DbgHub.since} returns.
 *
 * @example Usage
 * ```ts
 * import type { SinceQuery } from "@asyncmachine/telemetry/dbg";
 * const q: SinceQuery = { limit: 500, machines: ["m1"] };
 * ```
 */
export interface SinceQuery {
  /** Events per page, 1..1000; default 1000. */
  limit?: number;
  /** Only these machines' events. */
  machines?: string[];
}

/**
 * A page of the global log.
 *
 * @example Usage
 * ```ts
 * import { DbgHub, type SincePage } from "@asyncmachine/telemetry/dbg";
 * const page: SincePage = await new DbgHub().since(0);
 * ```
 */
export interface SincePage {
  /** Retained events with seq > the given one, ascending. */
  events: HubEvent[];
  /** Pass back to continue: the last seq examined (the given seq when none). */
  seq: number;
  /** More events follow up to `head`. */
  more: boolean;
  /** The newest seq. */
  head: number;
}

/**
 * Options of a {@linkcode DbgHub}. Bytes are the encoded (JSON) size of
 * stored messages.
 *
 * @example Usage
 * ```ts
 * import { DbgHub, type DbgHubOptions } from "@asyncmachine/telemetry/dbg";
 * const opts: DbgHubOptions = { maxTxsPerMachine: 1000, maxBytes: 64 * 1024 * 1024 };
 * const hub = new DbgHub(opts);
 * ```
 */
export interface DbgHubOptions {
  /** Transitions kept per machine (oldest dropped); default 10,000. */
  maxTxsPerMachine?: number;
  /** Machines kept at most; past it gone ones, then the least recently active, go. Default 1,000. */
  maxMachines?: number;
  /** Bytes of history kept per machine (oldest dropped); default 16 MiB. */
  maxBytesPerMachine?: number;
  /** Bytes of history kept in all (globally oldest dropped); default 256 MiB. */
  maxBytes?: number;
  /** Largest message accepted, encoded; default 512 KiB. */
  maxMessageBytes?: number;
  /** A Deno KV database: the hub lives there, shared by every process opening it. */
  kv?: Deno.Kv;
  /** Key prefix in `kv`; default `["am-dbg"]`. */
  prefix?: Deno.KvKey;
  /** KV: how often the live tail polls the head key when `kv.watch` stays silent, ms; default 250. */
  pollMs?: number;
  /** KV: history entries expire after this many ms (`expireIn`); default none. */
  expireInMs?: number;
}

/**
 * A request the hub rejects: an unknown machine, a bad parameter (`param`
 * names it), a message over the limits.
 *
 * @example Usage
 * ```ts
 * import { DbgHubError } from "@asyncmachine/telemetry/dbg";
 * new DbgHubError("bad limit 0", "limit").param; // "limit"
 * ```
 */
export class DbgHubError extends Error {
  /** The request parameter at fault, if one is. */
  readonly param?: string;

  /**
   * A rejection.
   *
   * @param message What's wrong.
   * @param param The request parameter at fault.
   */
  constructor(message: string, param?: string) {
    super(message);
    this.name = "DbgHubError";
    this.param = param;
  }
}

/**
 * Receives hub events and their encoded JSON frame (shared by every
 * subscriber); must not block.
 *
 * @example Usage
 * ```ts
 * import type { HubListener } from "@asyncmachine/telemetry/dbg";
 * const log: HubListener = (e) => console.log(e.seq, e.kind);
 * ```
 */
export type HubListener = (event: HubEvent, frame: string) => void;
