/**
 * Go types declared in TypeScript, driving the gob encoder (and naming
 * what the decoder produces): basic kinds, slices, arrays, maps, structs,
 * interfaces and GobEncoder types such as `time.Time`.
 *
 * @module
 */

/** A Go type, as far as gob is concerned (pointers are flattened). */
export type GoType =
  | { kind: "bool" | "int" | "uint" | "float" | "string" | "bytes" | "interface" }
  | { kind: "slice"; elem: GoType; name?: string }
  | { kind: "array"; elem: GoType; len: number; name?: string }
  | { kind: "map"; key: GoType; elem: GoType; name?: string }
  | { kind: "struct"; name: string; fields: GoField[] }
  | {
    kind: "gobencoder";
    name: string;
    encode: (value: unknown) => Uint8Array;
    decode: (bytes: Uint8Array) => unknown;
  };

/** A struct field: its Go name and type. */
export interface GoField {
  /** Exported Go field name. */
  name: string;
  /** Its type. */
  type: GoType;
}

/** Gob's predefined type ids. */
export const BUILTIN_IDS = {
  bool: 1,
  int: 2,
  uint: 3,
  float: 4,
  bytes: 5,
  string: 6,
  complex: 7,
  interface: 8,
  wireType: 16,
  arrayType: 17,
  commonType: 18,
  sliceType: 19,
  structType: 20,
  fieldType: 21,
  fieldTypeSlice: 22,
  mapType: 23,
} as const;

/** The first id gob assigns to user types. */
export const FIRST_USER_ID = 65;

/** The builders of {@linkcode go}. */
export interface GoTypeBuilders {
  /** bool */
  readonly bool: GoType;
  /** int, int8…int64 (signed) */
  readonly int: GoType;
  /** uint, uint8…uint64 */
  readonly uint: GoType;
  /** float32, float64 */
  readonly float: GoType;
  /** string */
  readonly string: GoType;
  /** []byte */
  readonly bytes: GoType;
  /** interface{} (values carry a registered type name) */
  readonly interface: GoType;
  /** []elem (also []*elem) */
  slice(elem: GoType, name?: string): GoType;
  /** [len]elem */
  array(elem: GoType, len: number, name?: string): GoType;
  /** map[key]elem */
  map(key: GoType, elem: GoType, name?: string): GoType;
  /** A struct; fields in declaration order (gob field numbers). */
  struct(name: string, fields: Record<string, GoType>): GoType;
}

/**
 * Builders for Go types.
 *
 * @example Declaring `struct { Level int; Text string }`
 * ```ts
 * import { go } from "@asyncmachine/telemetry/dbg/gob";
 * const LogEntry = go.struct("LogEntry", { Level: go.int, Text: go.string });
 * ```
 */
export const go: GoTypeBuilders = {
  /** bool */
  bool: { kind: "bool" } as GoType,
  /** int, int8…int64 (signed) */
  int: { kind: "int" } as GoType,
  /** uint, uint8…uint64 */
  uint: { kind: "uint" } as GoType,
  /** float32, float64 */
  float: { kind: "float" } as GoType,
  /** string */
  string: { kind: "string" } as GoType,
  /** []byte */
  bytes: { kind: "bytes" } as GoType,
  /** interface{} (values carry a registered type name) */
  interface: { kind: "interface" } as GoType,
  /** []elem (also []*elem) */
  slice(elem: GoType, name?: string): GoType {
    return { kind: "slice", elem, name };
  },
  /** [len]elem */
  array(elem: GoType, len: number, name?: string): GoType {
    return { kind: "array", elem, len, name };
  },
  /** map[key]elem */
  map(key: GoType, elem: GoType, name?: string): GoType {
    return { kind: "map", key, elem, name };
  },
  /** A struct; fields in declaration order (gob field numbers). */
  struct(name: string, fields: Record<string, GoType>): GoType {
    return {
      kind: "struct",
      name,
      fields: Object.entries(fields).map(([n, type]) => ({ name: n, type })),
    };
  },
};

/** Seconds from 0001-01-01 to 1970-01-01 (Go's time.Time epoch). */
const UNIX_TO_INTERNAL = 62135596800n;

/**
 * `time.Time` (a GobEncoder): version 1, int64 seconds since year 1,
 * int32 nanoseconds, int16 zone offset in minutes (-1 = UTC); version 2
 * adds offset seconds. Decodes to a `Date` (ms precision).
 */
export const goTime: GoType = {
  kind: "gobencoder",
  // Go leaves time.Time's GobEncoder type unnamed on the wire
  name: "",
  encode(value: unknown): Uint8Array {
    const d = value instanceof Date ? value : new Date(String(value));
    const ms = BigInt(d.getTime());
    let secs = ms / 1000n;
    let nanos = Number(ms % 1000n) * 1_000_000;
    if (nanos < 0) {
      nanos += 1_000_000_000;
      secs -= 1n;
    }
    const out = new Uint8Array(15);
    const v = new DataView(out.buffer);
    out[0] = 1;
    v.setBigInt64(1, secs + UNIX_TO_INTERNAL, false);
    v.setInt32(9, nanos, false);
    v.setInt16(13, -1, false);
    return out;
  },
  decode(bytes: Uint8Array): unknown {
    if (bytes.length < 15 || (bytes[0] !== 1 && bytes[0] !== 2)) {
      throw new Error(
        `time.Time: unsupported encoding (version ${bytes[0]}, ${bytes.length} bytes)`,
      );
    }
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const secs = v.getBigInt64(1, false) - UNIX_TO_INTERNAL;
    const nanos = v.getInt32(9, false);
    return new Date(Number(secs) * 1000 + Math.floor(nanos / 1_000_000));
  },
};
