/**
 * A gob encoder driven by Go types declared in TypeScript: type
 * definitions go out once per stream, zero-valued struct fields are
 * omitted, pointers are flattened, as Go's encoding/gob does.
 *
 * @module
 */

import { BUILTIN_IDS, FIRST_USER_ID, type GoType } from "./types.ts";
import { GobError, GobWriter } from "./wire.ts";

/** An interface value: the registered Go type name, its type and value. */
export interface GobInterfaceValue {
  /** The name the concrete type is registered under (gob.Register). */
  name: string;
  /** The concrete type (for encoding; decoders fill in a basic kind). */
  type?: GoType;
  /** The concrete value. */
  value: unknown;
}

function builtinId(t: GoType): number {
  switch (t.kind) {
    case "bool":
    case "int":
    case "uint":
    case "float":
    case "string":
    case "bytes":
    case "interface":
      return BUILTIN_IDS[t.kind];
  }
  return 0;
}

function children(t: GoType): GoType[] {
  switch (t.kind) {
    case "struct":
      return t.fields.map((f) => f.type);
    case "slice":
    case "array":
      return [t.elem];
    case "map":
      return [t.key, t.elem];
    default:
      return [];
  }
}

function isZero(t: GoType, v: unknown): boolean {
  if (v === undefined || v === null) return true;
  switch (t.kind) {
    case "bool":
      return v === false;
    case "int":
    case "uint":
    case "float":
      return v === 0 || v === 0n;
    case "string":
      return v === "";
    case "bytes":
      return (v as Uint8Array).length === 0;
    case "slice":
    case "array":
      return (v as unknown[]).length === 0;
    case "map":
      return v instanceof Map ? v.size === 0 : Object.keys(v as object).length === 0;
    default:
      // structs, interfaces and GobEncoders are sent unless nil
      return false;
  }
}

/**
 * Encodes values of declared Go types into one gob stream (keep one
 * encoder per connection: it remembers which types it defined).
 *
 * @example Usage
 * ```ts
 * import { go, GobEncoder } from "@asyncmachine/telemetry/dbg/gob";
 * const LogEntry = go.struct("LogEntry", { Level: go.int, Text: go.string });
 * const bytes = new GobEncoder().encode(LogEntry, { Level: 2, Text: "[state] +A" });
 * ```
 */
export class GobEncoder {
  #ids = new Map<GoType, number>();
  #defined = new Set<GoType>();
  #nextId = FIRST_USER_ID;
  #pending: GobWriter[] = [];

  /** Encodes `value` as a top-level gob value of `type` (with any new type definitions). */
  encode(type: GoType, value: unknown): Uint8Array {
    const id = this.#typeId(type);
    const body = new GobWriter(128);
    body.int(id);
    if (type.kind === "struct") {
      this.#struct(body, type, value);
    } else {
      // a top-level non-struct value is a singleton field 0
      body.uint(0);
      this.#value(body, type, value);
    }
    const out = new GobWriter(body.len + 16);
    for (const def of this.#pending) {
      out.uint(def.len);
      out.bytes(def.view());
    }
    this.#pending = [];
    out.uint(body.len);
    out.bytes(body.view());
    return out.view();
  }

  #typeId(t: GoType): number {
    const builtin = builtinId(t);
    if (builtin) return builtin;
    const known = this.#ids.get(t);
    if (known !== undefined) return known;
    // ids and definition order as Go's: structs are numbered before their
    // fields, slices and maps after their elements; definitions go out
    // parent first
    this.#assign(t, new Set());
    this.#define(t);
    return this.#ids.get(t)!;
  }

  #assign(t: GoType, busy: Set<GoType>): void {
    if (builtinId(t) || this.#ids.has(t) || busy.has(t)) return;
    busy.add(t);
    if (t.kind === "struct") {
      this.#ids.set(t, this.#nextId++);
      for (const f of t.fields) this.#assign(f.type, busy);
    } else {
      for (const c of children(t)) this.#assign(c, busy);
      this.#ids.set(t, this.#nextId++);
    }
    busy.delete(t);
  }

  #define(t: GoType): void {
    if (builtinId(t) || this.#defined.has(t)) return;
    this.#defined.add(t);
    const id = this.#ids.get(t)!;
    const idOf = (c: GoType) => builtinId(c) || this.#ids.get(c)!;
    const def = new GobWriter(64);
    def.int(-id);
    const common = (name: string | undefined) => {
      def.uint(1); // field 0: CommonType
      if (name) {
        def.uint(1);
        def.string(name);
        def.uint(1);
      } else {
        def.uint(2);
      }
      def.int(id);
      def.uint(0);
    };
    switch (t.kind) {
      case "slice":
        def.uint(2); // wireType.SliceT
        common(t.name);
        def.uint(1);
        def.int(idOf(t.elem));
        def.uint(0);
        break;
      case "array":
        def.uint(1); // wireType.ArrayT
        common(t.name);
        def.uint(1);
        def.int(idOf(t.elem));
        if (t.len) {
          def.uint(1);
          def.int(t.len);
        }
        def.uint(0);
        break;
      case "map":
        def.uint(4); // wireType.MapT
        common(t.name);
        def.uint(1);
        def.int(idOf(t.key));
        def.uint(1);
        def.int(idOf(t.elem));
        def.uint(0);
        break;
      case "struct":
        def.uint(3); // wireType.StructT
        common(t.name);
        def.uint(1);
        def.uint(t.fields.length);
        for (const f of t.fields) {
          def.uint(1);
          def.string(f.name);
          def.uint(1);
          def.int(idOf(f.type));
          def.uint(0);
        }
        def.uint(0);
        break;
      case "gobencoder":
        def.uint(5); // wireType.GobEncoderT
        common(t.name);
        def.uint(0);
        break;
    }
    def.uint(0); // end of wireType
    this.#pending.push(def);
    for (const c of children(t)) this.#define(c);
  }

  #struct(w: GobWriter, t: GoType & { kind: "struct" }, v: unknown): void {
    if (typeof v !== "object" || v === null) {
      throw new GobError(`${t.name}: expected an object, got ${v === null ? "null" : typeof v}`);
    }
    const obj = v as Record<string, unknown>;
    let last = -1;
    const fields = t.fields;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i];
      const fv = obj[f.name];
      if (isZero(f.type, fv)) continue;
      w.uint(i - last);
      last = i;
      this.#value(w, f.type, fv, `${t.name}.${f.name}`);
    }
    w.uint(0);
  }

  #value(w: GobWriter, t: GoType, v: unknown, path = "value"): void {
    switch (t.kind) {
      case "bool":
        if (typeof v !== "boolean") throw new GobError(`${path}: expected a boolean`);
        w.uint(v ? 1 : 0);
        return;
      case "int":
        if (!(typeof v === "bigint" || Number.isInteger(v))) {
          throw new GobError(`${path}: expected an integer, got ${String(v)}`);
        }
        w.int(v as number | bigint);
        return;
      case "uint":
        if (!(typeof v === "bigint" || Number.isInteger(v)) || (v as number) < 0) {
          throw new GobError(`${path}: expected an unsigned integer, got ${String(v)}`);
        }
        w.uint(v as number | bigint);
        return;
      case "float":
        if (typeof v !== "number") throw new GobError(`${path}: expected a number`);
        w.float(v);
        return;
      case "string":
        if (typeof v !== "string") throw new GobError(`${path}: expected a string`);
        w.string(v);
        return;
      case "bytes":
        if (!(v instanceof Uint8Array)) throw new GobError(`${path}: expected a Uint8Array`);
        w.uint(v.length);
        w.bytes(v);
        return;
      case "slice":
      case "array": {
        if (!Array.isArray(v)) throw new GobError(`${path}: expected an array`);
        if (t.kind === "array" && v.length !== t.len) {
          throw new GobError(`${path}: expected ${t.len} elements, got ${v.length}`);
        }
        w.uint(v.length);
        for (let i = 0; i < v.length; i++) {
          const e = v[i];
          if (e === undefined || e === null) {
            throw new GobError(`${path}[${i}]: gob cannot encode nil elements`);
          }
          if (t.elem.kind === "struct") this.#struct(w, t.elem, e);
          else this.#value(w, t.elem, e, `${path}[${i}]`);
        }
        return;
      }
      case "map": {
        const entries = v instanceof Map
          ? [...v.entries()]
          : typeof v === "object" && v !== null
          ? Object.entries(v)
          : undefined;
        if (!entries) throw new GobError(`${path}: expected a Map or an object`);
        w.uint(entries.length);
        for (const [k, e] of entries) {
          this.#elem(w, t.key, t.key.kind === "int" || t.key.kind === "uint" ? Number(k) : k, path);
          this.#elem(w, t.elem, e, `${path}.${String(k)}`);
        }
        return;
      }
      case "struct":
        this.#struct(w, t, v);
        return;
      case "gobencoder": {
        const b = t.encode(v);
        w.uint(b.length);
        w.bytes(b);
        return;
      }
      case "interface": {
        if (v === undefined || v === null) {
          w.uint(0);
          return;
        }
        const iv = v as GobInterfaceValue;
        if (typeof iv.name !== "string" || !iv.name || !iv.type) {
          throw new GobError(`${path}: interface values need {name, type, value}`);
        }
        w.string(iv.name);
        w.int(this.#typeId(iv.type));
        const inner = new GobWriter(32);
        if (iv.type.kind === "struct") {
          this.#struct(inner, iv.type, iv.value);
        } else {
          inner.uint(0);
          this.#value(inner, iv.type, iv.value, path);
        }
        w.uint(inner.len);
        w.bytes(inner.view());
        return;
      }
    }
  }

  #elem(w: GobWriter, t: GoType, v: unknown, path: string): void {
    if (v === undefined || v === null) {
      throw new GobError(`${path}: gob cannot encode nil map entries`);
    }
    if (t.kind === "struct") this.#struct(w, t, v);
    else this.#value(w, t, v, path);
  }
}
