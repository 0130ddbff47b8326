/**
 * Gob's type definitions as received: the `wireType` struct (array, slice,
 * struct, map or a GobEncoder-like opaque type) read from a definition
 * message.
 *
 * @module
 */

import { GobError, GobLimitError, type GobReader } from "./wire.ts";

/** A received type definition. */
export type WireType =
  | { kind: "struct"; name: string; fields: { name: string; id: number }[] }
  | { kind: "slice" | "array"; name: string; elem: number; len?: number }
  | { kind: "map"; name: string; key: number; elem: number }
  | { kind: "gobencoder"; name: string };

/** Most fields one received struct type may declare (Go's own are far fewer). */
export const MAX_STRUCT_FIELDS = 10_000;

function readCommon(r: GobReader): { name: string; id: number } {
  let field = -1;
  let name = "";
  let id = 0;
  for (;;) {
    const d = r.count("field delta");
    if (d === 0) break;
    field += d;
    if (field === 0) name = r.string();
    else if (field === 1) id = Number(r.int());
    else throw new GobError(`bad CommonType field ${field}`);
  }
  return { name, id };
}

function readFields(r: GobReader): { name: string; id: number }[] {
  const n = r.count("field count");
  if (n > r.remaining) throw new GobError(`field count ${n} exceeds the message`);
  if (n > MAX_STRUCT_FIELDS) {
    throw new GobLimitError(`struct of ${n} fields over ${MAX_STRUCT_FIELDS}`);
  }
  const fields: { name: string; id: number }[] = [];
  for (let i = 0; i < n; i++) {
    let ff = -1;
    let name = "";
    let id = 0;
    for (;;) {
      const fd = r.count("field delta");
      if (fd === 0) break;
      ff += fd;
      if (ff === 0) name = r.string();
      else if (ff === 1) id = Number(r.int());
      else throw new GobError(`bad fieldType field ${ff}`);
    }
    // Go sends exported field names only; this one would set a prototype
    if (name === "__proto__") throw new GobError("bad field name __proto__");
    fields.push({ name, id });
  }
  return fields;
}

/**
 * Reads a wireType struct (a type definition body).
 *
 * @example Usage
 * ```ts ignore
 * import { readWireType } from "./wire_type.ts";
 * const def = readWireType(reader); // { kind: "slice", name: "[]string", elem: 6 }
 * ```
 */
export function readWireType(r: GobReader): WireType {
  let field = -1;
  let out: WireType | undefined;
  for (;;) {
    const d = r.count("field delta");
    if (d === 0) break;
    field += d;
    let name = "";
    let sub = -1;
    const ids: number[] = [];
    let fields: { name: string; id: number }[] = [];
    for (;;) {
      const sd = r.count("field delta");
      if (sd === 0) break;
      sub += sd;
      if (sub === 0) name = readCommon(r).name;
      else if (field === 2 && sub === 1) fields = readFields(r); // structType.Field
      else if (sub < 4) ids[sub] = Number(r.int());
      else throw new GobError(`bad wireType subfield ${sub}`);
    }
    switch (field) {
      case 0:
        out = { kind: "array", name, elem: ids[1], len: ids[2] ?? 0 };
        break;
      case 1:
        out = { kind: "slice", name, elem: ids[1] };
        break;
      case 2:
        out = { kind: "struct", name, fields };
        break;
      case 3:
        out = { kind: "map", name, key: ids[1], elem: ids[2] };
        break;
      case 4:
      case 5:
      case 6:
        // GobEncoder, BinaryMarshaler, TextMarshaler: opaque bytes
        out = { kind: "gobencoder", name };
        break;
      default:
        throw new GobError(`bad wireType field ${field}`);
    }
  }
  if (!out) throw new GobError("empty type definition");
  return out;
}
