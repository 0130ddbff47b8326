/**
 * How each gob type decodes, compiled once per type id: a leaf read in one
 * go, or a container the value reader walks; and what decoded values cost
 * in heap, for the decoder's budgets. Internal to the decoder.
 *
 * @module
 */

import { BUILTIN_IDS, goTime, type GoType } from "./types.ts";
import type { GobReader } from "./wire.ts";
import type { WireType } from "./wire_type.ts";

// what a decoded value costs beyond its 8-byte slot, roughly as V8 lays it out
export const OBJECT_COST = 48;
export const FIELD_COST = 16;
export const SLOT_COST = 8;
export const ARRAY_COST = 16;
export const MAP_COST = 64;
export const MAP_ENTRY_COST = 48;
export const IFACE_COST = 48;
/** A leaf's header beyond its wire bytes (a string's, a heap number's). */
export const LEAF_COST = 16;
/** A leaf decoded to an object (bytes, time, complex), beyond its wire bytes. */
export const BOX_COST = 96;

/** How a type decodes: a leaf read in one go, or a container walked frame by frame. */
export type Plan =
  | { k: "leaf"; read: (r: GobReader) => unknown; boxed: boolean }
  | {
    k: "struct";
    name: string;
    names: string[];
    ids: number[];
    plans: (Plan | undefined)[];
  }
  | { k: "slice"; name: string; elem: number; plan?: Plan }
  | { k: "map"; name: string; key: number; elem: number; keyPlan?: Plan; elemPlan?: Plan }
  | { k: "iface" };

const decodeTime = (goTime as GoType & { kind: "gobencoder" }).decode;

function opaque(name: string): (r: GobReader) => unknown {
  return (r) => {
    const b = r.bytes();
    // time.Time: Go names it "Time" or leaves the name empty
    if (
      (name === "Time" || name === "") && (b.length === 15 || b.length === 16) &&
      (b[0] === 1 || b[0] === 2)
    ) {
      try {
        return decodeTime(b);
      } catch {
        return b.slice();
      }
    }
    return b.slice();
  };
}

/** The predefined types' plans, by id. */
export const LEAVES: Record<number, Plan> = {
  [BUILTIN_IDS.bool]: { k: "leaf", read: (r) => r.uint() !== 0, boxed: false },
  [BUILTIN_IDS.int]: { k: "leaf", read: (r) => r.int(), boxed: false },
  [BUILTIN_IDS.uint]: { k: "leaf", read: (r) => r.uint(), boxed: false },
  [BUILTIN_IDS.float]: { k: "leaf", read: (r) => r.float(), boxed: false },
  [BUILTIN_IDS.bytes]: { k: "leaf", read: (r) => r.bytes().slice(), boxed: true },
  [BUILTIN_IDS.string]: { k: "leaf", read: (r) => r.string(), boxed: false },
  [BUILTIN_IDS.complex]: { k: "leaf", read: (r) => [r.float(), r.float()], boxed: true },
  [BUILTIN_IDS.interface]: { k: "iface" },
};

/** The plan of a received type definition. */
export function wirePlan(wire: WireType): Plan {
  switch (wire.kind) {
    case "struct":
      return {
        k: "struct",
        name: wire.name,
        names: wire.fields.map((f) => f.name),
        ids: wire.fields.map((f) => f.id),
        plans: [],
      };
    case "slice":
    case "array":
      return { k: "slice", name: wire.name, elem: wire.elem };
    case "map":
      return { k: "map", name: wire.name, key: wire.key, elem: wire.elem };
    case "gobencoder":
      return { k: "leaf", read: opaque(wire.name), boxed: true };
  }
}
