/**
 * Schema validation and sanitising, as upstream's `Schema.Parse`.
 *
 * @module
 */

import type { Schema, State } from "./types.ts";

const RELATIONS = ["require", "add", "remove", "after"] as const;

/**
 * The result of {@linkcode parseSchema}: a sanitised copy and the conflicts
 * found (upstream turns them into an `Exception`).
 */
export interface ParsedSchema {
  /** The sanitised schema (a deep copy). */
  schema: Schema;
  /** Require-remove conflicts, as messages. */
  errors: string[];
}

/**
 * Options of {@linkcode parseSchema}.
 *
 * @example Usage
 * ```ts
 * import { parseSchema } from "@asyncmachine/telemetry/machine";
 * parseSchema({ Foo: {} }, { strict: true, machineId: "m1" });
 * ```
 */
export interface ParseOptions {
  /** Throw on unknown keys in a state and on relations naming missing
   * states (instead of upstream's silent drops). */
  strict?: boolean;
  /** The machine's id, for error messages. */
  machineId?: string;
}

const KEYS: readonly string[] = ["auto", "multi", ...RELATIONS, "tags"];

/** Strict mode: every key known, every relation naming a state of the schema. */
function assertStrict(input: Schema, machineId: string): void {
  const names = Object.keys(input);
  for (const [name, state] of Object.entries(input)) {
    for (const key of Object.keys(state)) {
      if (!KEYS.includes(key)) {
        throw new TypeError(`machine ${machineId}: state ${name}: unknown key "${key}"`);
      }
    }
    for (const rel of RELATIONS) {
      for (const target of state[rel] ?? []) {
        if (!names.includes(target)) {
          throw new TypeError(
            `machine ${machineId}: state ${name}: ${rel} names a missing state ${target}`,
          );
        }
      }
    }
  }
}

/**
 * Deep-copies a schema.
 *
 * @example Usage
 * ```ts
 * import { cloneSchema } from "./schema.ts";
 * const copy = cloneSchema({ Foo: { add: ["Bar"] }, Bar: {} });
 * ```
 */
export function cloneSchema(schema: Schema): Schema {
  const ret: Schema = {};
  for (const name of Object.keys(schema)) ret[name] = cloneState(schema[name]);
  return ret;
}

function cloneState(state: State): State {
  const ret: State = {};
  if (state.auto) ret.auto = true;
  if (state.multi) ret.multi = true;
  for (const rel of RELATIONS) if (state[rel]) ret[rel] = [...state[rel]!];
  if (state.tags) ret.tags = [...state.tags];
  return ret;
}

/**
 * Checks a schema's shape (throwing a `TypeError` naming the bad field) and
 * sanitises it the way upstream's `Schema.Parse` does: drops self from
 * Remove and After, Remove entries also in Add, unknown Add/Remove/After
 * targets (unknown Require targets stay), and reports Require-Remove
 * conflicts.
 *
 * @example Usage
 * ```ts
 * import { parseSchema } from "@asyncmachine/telemetry/machine";
 * const { schema } = parseSchema({ Foo: { remove: ["Foo", "Nope"] } });
 * schema.Foo.remove; // []
 * ```
 */
export function parseSchema(input: Schema, opts?: ParseOptions): ParsedSchema {
  opts ??= {};
  assertSchemaShape(input);
  if (opts.strict) assertStrict(input, opts.machineId ?? "");
  const names = Object.keys(input);
  const schema: Schema = {};
  const errors: string[] = [];
  for (const name of names) {
    const state = cloneState(input[name]);
    if (state.remove) state.remove = state.remove.filter((s) => s !== name);
    if (state.add) {
      // upstream: an Add target in Remove is dropped from Remove; otherwise
      // an unknown Add target is dropped from Add
      for (const add of [...state.add]) {
        if (state.remove?.includes(add)) {
          state.remove = state.remove.filter((s) => s !== add);
        } else if (!names.includes(add)) {
          state.add = state.add.filter((s) => s !== add);
        }
      }
    }
    if (state.after) state.after = state.after.filter((s) => s !== name);
    for (const req of state.require ?? []) {
      if (state.remove?.includes(req)) {
        errors.push(`require-remove conflict for ${name} to ${req}`);
      }
    }
    if (state.remove) state.remove = state.remove.filter((s) => names.includes(s));
    if (state.after) state.after = state.after.filter((s) => names.includes(s));
    schema[name] = state;
  }
  return { schema, errors };
}

function assertSchemaShape(input: unknown): asserts input is Schema {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new TypeError("schema must be an object of state name to state definition");
  }
  for (const [name, state] of Object.entries(input)) {
    if (name === "") throw new TypeError("schema: state names cannot be empty");
    if (typeof state !== "object" || state === null || Array.isArray(state)) {
      throw new TypeError(`schema: state ${name} must be an object`);
    }
    for (const rel of [...RELATIONS, "tags"] as const) {
      const list = (state as Record<string, unknown>)[rel];
      if (list === undefined) continue;
      if (!Array.isArray(list) || list.some((s) => typeof s !== "string")) {
        throw new TypeError(`schema: ${name}.${rel} must be a list of state names`);
      }
    }
  }
}
