/**
 * Debugger messages with asyncmachine-go's field names (`dbg.DbgMsgStruct`,
 * `dbg.DbgMsgTx`, `am.State`, `am.Step`, `am.LogEntry`), so the same
 * objects go over JSON and over Go's gob.
 *
 * @module
 */

import type { Api, LogEntry, Schema, Step } from "../machine/mod.ts";
import { stepString } from "../machine/transition.ts";
import { isActiveTick, mutationTypeName } from "../machine/utils.ts";

/** `am.State` as Go names its fields. */
export interface GoState {
  /** Auto state. */
  Auto?: boolean;
  /** Multi state. */
  Multi?: boolean;
  /** Require relation. */
  Require?: string[];
  /** Add relation. */
  Add?: string[];
  /** Remove relation. */
  Remove?: string[];
  /** After relation. */
  After?: string[];
  /** State tags. */
  Tags?: string[];
}

/** `am.Step` as Go names its fields. */
export interface GoStep {
  /** StepType flags. */
  Type: number;
  /** Relation. */
  RelType: number;
  /** Final handler. */
  IsFinal: boolean;
  /** Self handler. */
  IsSelf: boolean;
  /** Entering handler. */
  IsEnter: boolean;
  /** Source state. */
  FromState: string;
  /** Source index, -1 for none. */
  FromStateIdx: number;
  /** Target state. */
  ToState: string;
  /** Target index, -1 for none. */
  ToStateIdx: number;
  /** Deprecated; old recordings carry a Relation here. */
  Data?: unknown;
}

/** `am.LogEntry` as Go names its fields. */
export interface GoLogEntry {
  /** LogLevel. */
  Level: number;
  /** The line. */
  Text: string;
}

/**
 * A machine's schema for debuggers (upstream's `DbgMsgStruct`, named so on
 * the wire).
 *
 * @example Usage
 * ```ts
 * import type { DbgMsgSchema } from "@asyncmachine/telemetry/dbg";
 * const msg: DbgMsgSchema = { ID: "m1", StatesIndex: ["A", "Exception"], States: {} };
 * ```
 */
export interface DbgMsgSchema {
  /** Machine id. */
  ID: string;
  /** State names; indexes in tx messages refer to it. */
  StatesIndex: string[];
  /** States and their relations. */
  States: Record<string, GoState>;
  /** Group name to state indexes. */
  Groups?: Record<string, number[]>;
  /** Group order. */
  GroupsOrder?: string[];
  /** Parent machine id. */
  Parent?: string;
  /** Machine tags. */
  Tags?: string[];
}

/**
 * One transition (or queued mutation) for debuggers (upstream's `DbgMsgTx`).
 *
 * @example Usage
 * ```ts
 * import type { DbgMsgTx } from "@asyncmachine/telemetry/dbg";
 * const msg: DbgMsgTx = { MachineID: "m1", ID: "tx1", Clocks: [1, 0], Type: 0, Accepted: true };
 * ```
 */
export interface DbgMsgTx {
  /** Machine id. */
  MachineID: string;
  /** Transition id; for queued mutations `<lastTx>-<n>`. */
  ID: string;
  /** Machine time after the transition (before, when canceled). */
  Clocks: readonly number[];
  /** The machine's queue tick. */
  QueueTick?: number;
  /** Token of a prepended mutation. */
  MutQueueToken?: number;
  /** The queue tick a queued mutation runs at. */
  MutQueueTick?: number;
  /** 0 add, 1 remove, 2 set. */
  Type: number;
  /** Deprecated called state names (old recordings). */
  CalledStates?: string[];
  /** Called state indexes. */
  CalledStatesIdxs?: number[];
  /** Steps. */
  Steps?: readonly GoStep[];
  /** Log entries of the transition. */
  LogEntries?: GoLogEntry[];
  /** Log entries since the previous transition. */
  PreLogEntries?: GoLogEntry[];
  /** Queue length after the transition. */
  Queue?: number;
  /** Receive time, set by the server (never sent). */
  Time?: Date | string;
  /** Milliseconds the transition took (a JSON-endpoint extension: transports with `extensions`). */
  Duration?: number;
  /** An automatic transition. */
  IsAuto?: boolean;
  /** Accepted. */
  Accepted: boolean;
  /** A check (dry-run) mutation. */
  IsCheck?: boolean;
  /** A queued mutation, not a transition. */
  IsQueued?: boolean;
  /** Mapped args. */
  Args?: Record<string, string>;
  /** Queue dump (debug). */
  QueueDump?: string[];
  /** Where a queued mutation came from. */
  StackTrace?: string;
}

/**
 * A machine was disposed: the JSON endpoint's extension message (sent over
 * `/rpc` by dbg tracers on JSON transports; never on am-dbg's gob
 * wire, which has no such message).
 *
 * @example Usage
 * ```ts
 * import type { DbgMsgGone } from "@asyncmachine/telemetry/dbg";
 * const msg: DbgMsgGone = { ID: "m1" };
 * ```
 */
export interface DbgMsgGone {
  /** Machine id. */
  ID: string;
}

/**
 * A machine's schema in Go's field names.
 *
 * @example Usage
 * ```ts
 * import { toGoSchema } from "./messages.ts";
 * toGoSchema({ Foo: { require: ["Bar"] } }); // { Foo: { Require: ["Bar"] } }
 * ```
 */
export function toGoSchema(schema: Schema): Record<string, GoState> {
  const out: Record<string, GoState> = {};
  for (const [name, s] of Object.entries(schema)) {
    const g: GoState = {};
    if (s.auto) g.Auto = true;
    if (s.multi) g.Multi = true;
    if (s.require?.length) g.Require = [...s.require];
    if (s.add?.length) g.Add = [...s.add];
    if (s.remove?.length) g.Remove = [...s.remove];
    if (s.after?.length) g.After = [...s.after];
    if (s.tags?.length) g.Tags = [...s.tags];
    out[name] = g;
  }
  return out;
}

/**
 * Go-named states back to a schema.
 *
 * @example Usage
 * ```ts
 * import { fromGoSchema } from "./messages.ts";
 * fromGoSchema({ Foo: { Require: ["Bar"] } }); // { Foo: { require: ["Bar"] } }
 * ```
 */
export function fromGoSchema(states: Record<string, GoState>): Schema {
  const out: Schema = {};
  for (const [name, g] of Object.entries(states)) {
    out[name] = {};
    if (g.Auto) out[name].auto = true;
    if (g.Multi) out[name].multi = true;
    if (g.Require?.length) out[name].require = [...g.Require];
    if (g.Add?.length) out[name].add = [...g.Add];
    if (g.Remove?.length) out[name].remove = [...g.Remove];
    if (g.After?.length) out[name].after = [...g.After];
    if (g.Tags?.length) out[name].tags = [...g.Tags];
  }
  return out;
}

/**
 * The schema message of a machine, as upstream's sendMsgSchema builds it.
 *
 * @example Usage
 * ```ts
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * import { schemaMessage } from "./messages.ts";
 * schemaMessage(new Machine({ Foo: {} }, { id: "m1" })).StatesIndex; // ["Exception", "Foo"]
 * ```
 */
export function schemaMessage(mach: Api): DbgMsgSchema {
  const { groups, order } = mach.groups();
  const msg: DbgMsgSchema = {
    ID: mach.id,
    StatesIndex: mach.stateNames(),
    States: toGoSchema(mach.schema()),
  };
  if (order.length) {
    msg.Groups = groups;
    msg.GroupsOrder = order;
  }
  if (mach.parentId) msg.Parent = mach.parentId;
  if (mach.tags.length) msg.Tags = mach.tags;
  return msg;
}

/**
 * A step in Go's field names.
 *
 * @example Usage
 * ```ts
 * import { toGoStep } from "./messages.ts";
 * toGoStep({
 *   type: 32, relType: 0, isFinal: false, isSelf: false, isEnter: false,
 *   fromState: "", fromStateIdx: -1, toState: "B", toStateIdx: 1,
 * }).ToState; // "B"
 * ```
 */
export function toGoStep(s: Step): GoStep {
  return {
    Type: s.type,
    RelType: s.relType,
    IsFinal: s.isFinal,
    IsSelf: s.isSelf,
    IsEnter: s.isEnter,
    FromState: s.fromState,
    FromStateIdx: s.fromStateIdx,
    ToState: s.toState,
    ToStateIdx: s.toStateIdx,
  };
}

/**
 * Log entries without the `[id5] ` prefix (upstream's removeLogPrefix;
 * shorter texts are kept as they are, not dropped).
 *
 * @example Usage
 * ```ts
 * import { stripLogPrefix } from "./messages.ts";
 * stripLogPrefix("mach1", [{ level: 2, text: "[mach1] [state] +A" }]); // [{ Level: 2, Text: "[state] +A" }]
 * ```
 */
export function stripLogPrefix(machId: string, entries: readonly LogEntry[]): GoLogEntry[] {
  // the common case without logging: no prefix string, no map
  if (entries.length === 0) return [];
  const prefix = "[" + machId.slice(0, 5) + "] ";
  return entries.map((e) => ({
    Level: e.level,
    Text: e.text.startsWith(prefix) ? e.text.slice(prefix.length) : e.text,
  }));
}

/**
 * A state's tick in a tx message (0 when unknown).
 *
 * @example Usage
 * ```ts
 * import { msgClock } from "@asyncmachine/telemetry/dbg";
 * msgClock({ MachineID: "m", ID: "t", Clocks: [1, 3], Type: 0, Accepted: true }, ["A", "B"], "B"); // 3
 * ```
 */
export function msgClock(msg: DbgMsgTx, index: readonly string[], state: string): number {
  const idx = index.indexOf(state);
  return idx === -1 ? 0 : msg.Clocks[idx] ?? 0;
}

/**
 * Whether all `states` are active after the transition.
 *
 * @example Usage
 * ```ts
 * import { msgIs } from "@asyncmachine/telemetry/dbg";
 * msgIs({ MachineID: "m", ID: "t", Clocks: [1, 2], Type: 0, Accepted: true }, ["A", "B"], ["A"]); // true
 * ```
 */
export function msgIs(msg: DbgMsgTx, index: readonly string[], states: readonly string[]): boolean {
  return states.every((s) => {
    const idx = index.indexOf(s);
    return idx !== -1 && idx < msg.Clocks.length && isActiveTick(msg.Clocks[idx]);
  });
}

/**
 * Active states after the transition, in index order.
 *
 * @example Usage
 * ```ts
 * import { msgActiveStates } from "@asyncmachine/telemetry/dbg";
 * msgActiveStates({ MachineID: "m", ID: "t", Clocks: [1, 2], Type: 0, Accepted: true }, ["A", "B"]); // ["A"]
 * ```
 */
export function msgActiveStates(msg: DbgMsgTx, index: readonly string[]): string[] {
  return index.filter((_, i) => i < msg.Clocks.length && isActiveTick(msg.Clocks[i]));
}

/**
 * Called state names (old recordings carry names, new ones indexes).
 *
 * @example Usage
 * ```ts
 * import { msgCalledStateNames } from "@asyncmachine/telemetry/dbg";
 * msgCalledStateNames({ MachineID: "m", ID: "t", Clocks: [], Type: 0, Accepted: true, CalledStatesIdxs: [1] }, ["A", "B"]); // ["B"]
 * ```
 */
export function msgCalledStateNames(msg: DbgMsgTx, index: readonly string[]): string[] {
  if (msg.CalledStates?.length) return msg.CalledStates;
  return (msg.CalledStatesIdxs ?? []).map((i) => index[i] ?? `#${i}`);
}

/**
 * `mach://<machId>/<txId>`.
 *
 * @example Usage
 * ```ts
 * import { msgUrl } from "@asyncmachine/telemetry/dbg";
 * msgUrl({ MachineID: "m1", ID: "tx1", Clocks: [], Type: 0, Accepted: true }); // "mach://m1/tx1"
 * ```
 */
export function msgUrl(msg: DbgMsgTx): string {
  return `mach://${msg.MachineID}/${msg.ID}`;
}

/**
 * `+Foo Bar` (or `-Foo` for remove), as am-dbg prints mutations.
 *
 * @example Usage
 * ```ts
 * import { msgMutString } from "@asyncmachine/telemetry/dbg";
 * msgMutString({ MachineID: "m", ID: "t", Clocks: [], Type: 1, Accepted: true, CalledStatesIdxs: [0] }, ["A"]); // "-A"
 * ```
 */
export function msgMutString(msg: DbgMsgTx, index: readonly string[]): string {
  return (msg.Type === 1 ? "-" : "+") + msgCalledStateNames(msg, index).join(" ");
}

/**
 * The URL, time, mutation and steps, as upstream's TxString.
 *
 * @example Usage
 * ```ts
 * import { msgTxString } from "@asyncmachine/telemetry/dbg";
 * msgTxString({ MachineID: "m", ID: "t", Clocks: [], Type: 0, Accepted: true, CalledStatesIdxs: [0] }, ["A"]);
 * ```
 */
export function msgTxString(msg: DbgMsgTx, index: readonly string[]): string {
  const time = msg.Time ? new Date(msg.Time).toISOString() : "";
  const steps = (msg.Steps ?? []).map((s) =>
    "- " + stepString({
      type: s.Type,
      relType: s.RelType,
      isFinal: s.IsFinal,
      isSelf: s.IsSelf,
      isEnter: s.IsEnter,
      fromState: s.FromState,
      fromStateIdx: s.FromStateIdx,
      toState: s.ToState,
      toStateIdx: s.ToStateIdx,
    }, index) + "\n"
  ).join("");
  return `${msgUrl(msg)}\n${time}\n\n[${mutationTypeName(msg.Type)}] ${
    msgCalledStateNames(msg, index).join(" ")
  }\n${steps}`;
}
