/**
 * The size of a value's JSON encoding, estimated without encoding it: the
 * hub bounds history in bytes at ingest without paying for an encoding
 * nobody may read (a stream encodes each event once, when it has readers).
 *
 * @module
 */

import type { DbgMsgTx } from "./messages.ts";

/**
 * About how many bytes `JSON.stringify(value)` takes (strings counted
 * without their escapes, numbers by magnitude); for values the hub stores
 * (validated messages: plain objects, arrays, strings, numbers, booleans).
 *
 * @example Usage
 * ```ts
 * import { jsonSize } from "./json_size.ts";
 * jsonSize({ a: [1, 2], b: "xy" }); // 22 (the encoding has 20)
 * ```
 */
export function jsonSize(value: unknown): number {
  switch (typeof value) {
    case "string":
      return value.length + 2;
    case "number":
      return numSize(value);
    case "boolean":
      return value ? 4 : 5;
    case "undefined":
    case "function":
    case "symbol":
    case "bigint":
      return 0;
  }
  if (value === null) return 4;
  if (value instanceof Date) return 26;
  if (Array.isArray(value)) {
    let n = 2;
    for (let i = 0; i < value.length; i++) n += jsonSize(value[i]) + 1;
    return n;
  }
  let n = 2;
  for (const k in value as Record<string, unknown>) {
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined) continue;
    n += k.length + 4 + jsonSize(v);
  }
  return n;
}

function numSize(v: number): number {
  if (Number.isInteger(v)) {
    const a = v < 0 ? -v : v;
    const sign = v < 0 ? 1 : 0;
    if (a < 10) return 1 + sign;
    if (a < 1000) return 3 + sign;
    if (a < 1e6) return 6 + sign;
    return 16 + sign;
  }
  return 18;
}

/**
 * {@linkcode jsonSize} of a validated tx message, field by field (the
 * ingest hot path: no generic walk over its steps and log entries).
 *
 * @example Usage
 * ```ts
 * import { txJsonSize } from "./json_size.ts";
 * txJsonSize({ MachineID: "m1", ID: "t1", Clocks: [1, 0], Type: 0, Accepted: true }); // ~ 120
 * ```
 */
export function txJsonSize(msg: DbgMsgTx): number {
  // keys and punctuation of the fixed fields, numbers at their typical width
  let n = 330 + msg.MachineID.length + msg.ID.length;
  n += msg.Clocks.length * 4;
  const called = msg.CalledStatesIdxs;
  if (called) n += called.length * 3;
  const steps = msg.Steps;
  if (steps) {
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i];
      n += 150 + s.FromState.length + s.ToState.length;
      if (s.Data !== undefined) n += 7 + jsonSize(s.Data);
    }
  }
  for (const entries of [msg.LogEntries, msg.PreLogEntries]) {
    if (!entries) continue;
    for (let i = 0; i < entries.length; i++) n += 24 + entries[i].Text.length;
  }
  if (msg.CalledStates) n += jsonSize(msg.CalledStates);
  if (msg.Args) n += jsonSize(msg.Args);
  if (msg.QueueDump) n += jsonSize(msg.QueueDump);
  if (msg.StackTrace) n += msg.StackTrace.length + 16;
  if (msg.Duration !== undefined) n += 32;
  return n;
}
