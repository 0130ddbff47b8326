/**
 * asyncmachine-go's dbg wire types declared for gob, field for field as
 * upstream declares them (`dbg.DbgMsgStruct`, `dbg.DbgMsgTx`, `am.State`,
 * `am.Step`, `am.LogEntry`, `server.Exportable`), and net/rpc's headers.
 *
 * @module
 */

import { go, goTime, type GoType } from "./gob/mod.ts";

/** `am.S` ([]string). */
const S: GoType = go.slice(go.string, "S");
/** []string, one type so the stream defines it once (as Go does). */
const strings: GoType = go.slice(go.string, "[]string");
/** []int (unnamed on the wire). */
const ints: GoType = go.slice(go.int);

/** `am.State`. */
// Go leaves the name of the map-element struct empty on the wire
export const GoStateType: GoType = go.struct("", {
  Auto: go.bool,
  Multi: go.bool,
  Require: S,
  Add: S,
  Remove: S,
  After: S,
  Tags: strings,
});

/** `dbg.DbgMsgStruct` (named so on the wire). */
export const DbgMsgStructType: GoType = go.struct("DbgMsgStruct", {
  ID: go.string,
  StatesIndex: S,
  States: go.map(go.string, GoStateType, "Schema"),
  Groups: go.map(go.string, ints, "map[string][]int"),
  GroupsOrder: strings,
  Parent: go.string,
  Tags: strings,
});

/** `am.Step` (`Data` is a deprecated interface, sent nil). */
// unnamed on the wire, as Go names a []*T's element struct ""
export const GoStepType: GoType = go.struct("", {
  Type: go.int,
  RelType: go.int,
  IsFinal: go.bool,
  IsSelf: go.bool,
  IsEnter: go.bool,
  FromState: go.string,
  FromStateIdx: go.int,
  ToState: go.string,
  ToStateIdx: go.int,
  Data: go.interface,
});

/** `am.LogEntry`. */
export const GoLogEntryType: GoType = go.struct("", { Level: go.int, Text: go.string });

// Go names an unnamed slice by its type's string: package-qualified
const logEntries = go.slice(GoLogEntryType, "[]*machine.LogEntry");

const txFields: Record<string, GoType> = {
  MachineID: go.string,
  ID: go.string,
  Clocks: go.slice(go.uint, "Time"),
  QueueTick: go.uint,
  MutQueueToken: go.uint,
  MutQueueTick: go.uint,
  Type: go.int,
  CalledStates: strings,
  CalledStatesIdxs: ints,
  Steps: go.slice(GoStepType, "[]*machine.Step"),
  LogEntries: logEntries,
  PreLogEntries: logEntries,
  Queue: go.int,
  Time: goTime,
  IsAuto: go.bool,
  Accepted: go.bool,
  IsCheck: go.bool,
  IsQueued: go.bool,
  Args: go.map(go.string, go.string, "map[string]string"),
  QueueDump: strings,
  StackTrace: go.string,
};

/** `dbg.DbgMsgTx`. */
export const DbgMsgTxType: GoType = go.struct("DbgMsgTx", txFields);

/** `server.Exportable`: one machine of an am-dbg recording. */
// named as am-dbg's export names them: a []*T's element struct and the
// top-level slice unnamed, other unnamed types by their package-qualified string
export const ExportableType: GoType = go.struct("", {
  MsgStruct: DbgMsgStructType,
  MsgTxs: go.slice(go.struct("", txFields), "[]*dbg.DbgMsgTx"),
  Version: go.string,
});

/** `[]*server.Exportable`: an am-dbg recording (`.gob.br` before Brotli). */
export const RecordingType: GoType = go.slice(ExportableType, "");

/** net/rpc's request header. */
export const RpcRequestType: GoType = go.struct("Request", {
  ServiceMethod: go.string,
  Seq: go.uint,
});

/** net/rpc's response header. */
export const RpcResponseType: GoType = go.struct("Response", {
  ServiceMethod: go.string,
  Seq: go.uint,
  Error: go.string,
});
