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

function str(v: unknown, field: string, optional = true): string {
  if (v === undefined || v === null) {
    if (optional) return "";
    throw new TypeError(`${field} is required`);
  }
  if (typeof v !== "string") throw new TypeError(`${field} must be a string`);
  return v;
}

function num(v: unknown, field: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === "bigint") {
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new TypeError(`${field} is out of range`);
    }
    return Number(v);
  }
  if (typeof v !== "number" || !Number.isFinite(v) || !Number.isInteger(v)) {
    throw new TypeError(`${field} must be an integer`);
  }
  return v;
}

function bool(v: unknown, field: string): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v !== "boolean") throw new TypeError(`${field} must be a boolean`);
  return v;
}

function list<T>(v: unknown, field: string, item: (x: unknown, f: string) => T): T[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new TypeError(`${field} must be a list`);
  return v.map((x, i) => item(x, `${field}[${i}]`));
}

const strs = (v: unknown, f: string) => list(v, f, (x, g) => str(x, g, false));

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
 * import { parseDbgMsgSchema } from "@asyncmachine/telemetry/dbg";
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

function step(v: unknown, field: string): GoStep {
  if (!isObj(v)) throw new TypeError(`${field} must be an object`);
  const s: GoStep = {
    Type: num(v.Type, `${field}.Type`),
    RelType: num(v.RelType, `${field}.RelType`),
    IsFinal: bool(v.IsFinal, `${field}.IsFinal`),
    IsSelf: bool(v.IsSelf, `${field}.IsSelf`),
    IsEnter: bool(v.IsEnter, `${field}.IsEnter`),
    FromState: str(v.FromState, `${field}.FromState`),
    FromStateIdx: num(v.FromStateIdx, `${field}.FromStateIdx`),
    ToState: str(v.ToState, `${field}.ToState`),
    ToStateIdx: num(v.ToStateIdx, `${field}.ToStateIdx`),
  };
  // the only free-form field: made JSON-safe here so the stored message always encodes
  if (v.Data !== undefined && v.Data !== null) s.Data = jsonSafe(v.Data);
  return s;
}

function logEntry(v: unknown, field: string): GoLogEntry {
  if (!isObj(v)) throw new TypeError(`${field} must be an object`);
  return { Level: num(v.Level, `${field}.Level`), Text: str(v.Text, `${field}.Text`) };
}

/**
 * A valid tx message, or a TypeError naming what's wrong. Go's zero values
 * (omitted by gob) become defaults.
 *
 * @example Usage
 * ```ts
 * import { parseDbgMsgTx } from "@asyncmachine/telemetry/dbg";
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
 * import { parseDbgMsgGone } from "@asyncmachine/telemetry/dbg";
 * parseDbgMsgGone({ ID: "m1" }).ID; // "m1"
 * ```
 */
export function parseDbgMsgGone(v: unknown): DbgMsgGone {
  if (!isObj(v)) throw new TypeError("DbgMsgGone must be an object");
  const ID = str(v.ID, "ID", false);
  if (ID === "") throw new TypeError("ID cannot be empty");
  return { ID };
}
