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
export const GoStepType: GoType = go.struct("Step", {
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
export const GoLogEntryType: GoType = go.struct("LogEntry", { Level: go.int, Text: go.string });

const logEntries = go.slice(GoLogEntryType, "[]*LogEntry");

/** `dbg.DbgMsgTx`. */
export const DbgMsgTxType: GoType = go.struct("DbgMsgTx", {
  MachineID: go.string,
  ID: go.string,
  Clocks: go.slice(go.uint, "Time"),
  QueueTick: go.uint,
  MutQueueToken: go.uint,
  MutQueueTick: go.uint,
  Type: go.int,
  CalledStates: strings,
  CalledStatesIdxs: ints,
  Steps: go.slice(GoStepType, "[]*Step"),
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
});

/** `server.Exportable`: one machine of an am-dbg recording. */
export const ExportableType: GoType = go.struct("Exportable", {
  MsgStruct: DbgMsgStructType,
  MsgTxs: go.slice(DbgMsgTxType, "[]*DbgMsgTx"),
  Version: go.string,
});

/** `[]*server.Exportable`: an am-dbg recording (`.gob.br` before Brotli). */
export const RecordingType: GoType = go.slice(ExportableType, "[]*Exportable");

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
