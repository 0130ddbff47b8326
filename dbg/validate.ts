/**
 * Checks and normalises untrusted debugger messages (JSON from the
 * endpoint, gob from Go machines) into {@linkcode DbgMsgSchema} and
 * {@linkcode DbgMsgTx}; anything malformed is a TypeError naming the field.
 *
 * @module
 */

import { jsonSafe } from "./json_safe.ts";
import type {
  DbgMsgGone,
  DbgMsgSchema,
  DbgMsgTx,
  GoLogEntry,
  GoState,
  GoStep,
} from "./messages.ts";

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Map);
}

/** Maps (gob) and plain objects alike, as entries. */
function entries(v: unknown, field: string): [string, unknown][] {
  if (v instanceof Map) return [...v.entries()].map(([k, x]) => [String(k), x]);
  if (isObj(v)) return Object.entries(v);
  throw new TypeError(`${field} must be an object`);
}

// Field names are built only for an error: validation is on the ingest hot path.
function name(field: string, i?: number, key?: string): string {
  return field + (i === undefined ? "" : `[${i}]`) + (key === undefined ? "" : `.${key}`);
}

function str(v: unknown, field: string, optional = true, i?: number, key?: string): string {
  if (typeof v === "string") return v;
  if (v === undefined || v === null) {
    if (optional) return "";
    throw new TypeError(`${name(field, i, key)} is required`);
  }
  throw new TypeError(`${name(field, i, key)} must be a string`);
}

function num(v: unknown, field: string, i?: number, key?: string): number {
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (v === undefined || v === null) return 0;
  if (typeof v === "bigint") {
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new TypeError(`${name(field, i, key)} is out of range`);
    }
    return Number(v);
  }
  throw new TypeError(`${name(field, i, key)} must be an integer`);
}

function bool(v: unknown, field: string, i?: number, key?: string): boolean {
  if (typeof v === "boolean") return v;
  if (v === undefined || v === null) return false;
  throw new TypeError(`${name(field, i, key)} must be a boolean`);
}

function list<T>(v: unknown, field: string, item: (x: unknown, f: string, i: number) => T): T[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new TypeError(`${field} must be a list`);
  const out: T[] = new Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = item(v[i], field, i);
  return out;
}

const strs = (v: unknown, f: string) => list(v, f, (x, g, i) => str(x, g, false, i));

function state(v: unknown, field: string): GoState {
  if (!isObj(v)) throw new TypeError(`${field} must be an object`);
  const out: GoState = {};
  if (bool(v.Auto, `${field}.Auto`)) out.Auto = true;
  if (bool(v.Multi, `${field}.Multi`)) out.Multi = true;
  for (const rel of ["Require", "Add", "Remove", "After", "Tags"] as const) {
    const l = strs(v[rel], `${field}.${rel}`);
    if (l.length) out[rel] = l;
  }
  return out;
}

/**
 * A valid schema message, or a TypeError naming what's wrong.
 *
 * @example Usage
 * ```ts
 * import { parseDbgMsgSchema } from "./validate.ts";
 * parseDbgMsgSchema({ ID: "m1", StatesIndex: ["A"], States: { A: {} } }).ID; // "m1"
 * ```
 */
export function parseDbgMsgSchema(v: unknown): DbgMsgSchema {
  if (!isObj(v)) throw new TypeError("DbgMsgSchema must be an object");
  const ID = str(v.ID, "ID", false);
  if (ID === "") throw new TypeError("ID cannot be empty");
  const StatesIndex = strs(v.StatesIndex, "StatesIndex");
  const States: Record<string, GoState> = {};
  for (const [name, s] of entries(v.States ?? {}, "States")) {
    States[name] = state(s, `States.${name}`);
  }
  const msg: DbgMsgSchema = { ID, StatesIndex, States };
  if (v.Groups !== undefined && v.Groups !== null) {
    msg.Groups = {};
    for (const [g, idxs] of entries(v.Groups, "Groups")) {
      msg.Groups[g] = list(idxs, `Groups.${g}`, num);
    }
  }
  const order = strs(v.GroupsOrder, "GroupsOrder");
  if (order.length) msg.GroupsOrder = order;
  const parent = str(v.Parent, "Parent");
  if (parent) msg.Parent = parent;
  const tags = strs(v.Tags, "Tags");
  if (tags.length) msg.Tags = tags;
  return msg;
}

function step(v: unknown, f: string, i: number): GoStep {
  if (!isObj(v)) throw new TypeError(`${name(f, i)} must be an object`);
  const s: GoStep = {
    Type: num(v.Type, f, i, "Type"),
    RelType: num(v.RelType, f, i, "RelType"),
    IsFinal: bool(v.IsFinal, f, i, "IsFinal"),
    IsSelf: bool(v.IsSelf, f, i, "IsSelf"),
    IsEnter: bool(v.IsEnter, f, i, "IsEnter"),
    FromState: str(v.FromState, f, true, i, "FromState"),
    FromStateIdx: num(v.FromStateIdx, f, i, "FromStateIdx"),
    ToState: str(v.ToState, f, true, i, "ToState"),
    ToStateIdx: num(v.ToStateIdx, f, i, "ToStateIdx"),
  };
  // the only free-form field: made JSON-safe here so the stored message always encodes
  if (v.Data !== undefined && v.Data !== null) s.Data = jsonSafe(v.Data);
  return s;
}

function logEntry(v: unknown, f: string, i: number): GoLogEntry {
  if (!isObj(v)) throw new TypeError(`${name(f, i)} must be an object`);
  return { Level: num(v.Level, f, i, "Level"), Text: str(v.Text, f, true, i, "Text") };
}

/**
 * A valid tx message, or a TypeError naming what's wrong. Go's zero values
 * (omitted by gob) become defaults.
 *
 * @example Usage
 * ```ts
 * import { parseDbgMsgTx } from "./validate.ts";
 * parseDbgMsgTx({ MachineID: "m1", ID: "tx1", Clocks: [1] }).Accepted; // false
 * ```
 */
export function parseDbgMsgTx(v: unknown): DbgMsgTx {
  if (!isObj(v)) throw new TypeError("DbgMsgTx must be an object");
  const MachineID = str(v.MachineID, "MachineID", false);
  if (MachineID === "") throw new TypeError("MachineID cannot be empty");
  const msg: DbgMsgTx = {
    MachineID,
    ID: str(v.ID, "ID"),
    Clocks: list(v.Clocks, "Clocks", num),
    QueueTick: num(v.QueueTick, "QueueTick"),
    MutQueueToken: num(v.MutQueueToken, "MutQueueToken"),
    MutQueueTick: num(v.MutQueueTick, "MutQueueTick"),
    Type: num(v.Type, "Type"),
    CalledStatesIdxs: list(v.CalledStatesIdxs, "CalledStatesIdxs", num),
    Steps: list(v.Steps, "Steps", step),
    LogEntries: list(v.LogEntries, "LogEntries", logEntry),
    PreLogEntries: list(v.PreLogEntries, "PreLogEntries", logEntry),
    Queue: num(v.Queue, "Queue"),
    IsAuto: bool(v.IsAuto, "IsAuto"),
    Accepted: bool(v.Accepted, "Accepted"),
    IsCheck: bool(v.IsCheck, "IsCheck"),
    IsQueued: bool(v.IsQueued, "IsQueued"),
  };
  if (msg.Type < 0 || msg.Type > 2) {
    throw new TypeError("Type must be 0 (add), 1 (remove) or 2 (set)");
  }
  const called = strs(v.CalledStates, "CalledStates");
  if (called.length) msg.CalledStates = called;
  if (v.Args !== undefined && v.Args !== null) {
    msg.Args = {};
    for (const [k, x] of entries(v.Args, "Args")) msg.Args[k] = str(x, `Args.${k}`);
  }
  const dump = strs(v.QueueDump, "QueueDump");
  if (dump.length) msg.QueueDump = dump;
  const trace = str(v.StackTrace, "StackTrace");
  if (trace) msg.StackTrace = trace;
  if (typeof v.Duration === "number" && Number.isFinite(v.Duration) && v.Duration >= 0) {
    msg.Duration = v.Duration;
  }
  if (v.Time instanceof Date && !Number.isNaN(v.Time.getTime())) msg.Time = v.Time;
  else if (typeof v.Time === "string" && !Number.isNaN(Date.parse(v.Time))) msg.Time = v.Time;
  return msg;
}

/**
 * A valid machine-gone message (the JSON endpoint's extension; am-dbg's gob
 * wire has no such message), or a TypeError naming what's wrong.
 *
 * @example Usage
 * ```ts
 * import { parseDbgMsgGone } from "./validate.ts";
 * parseDbgMsgGone({ ID: "m1" }).ID; // "m1"
 * ```
 */
export function parseDbgMsgGone(v: unknown): DbgMsgGone {
  if (!isObj(v)) throw new TypeError("DbgMsgGone must be an object");
  const ID = str(v.ID, "ID", false);
  if (ID === "") throw new TypeError("ID cannot be empty");
  return { ID };
}
