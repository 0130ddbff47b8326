/**
 * Decodes one gob value with an explicit stack, not recursion, within a
 * budget: values (elements, fields, map entries), estimated heap and
 * nesting depth, each a {@linkcode GobError} when exceeded (never a stack
 * overflow). A decode can pause between any two values and resume, which
 * is how the decoder yields to the event loop. Internal to the decoder.
 *
 * @module
 */

import type { GobInterfaceValue } from "./encoder.ts";
import {
  ARRAY_COST,
  BOX_COST,
  FIELD_COST,
  IFACE_COST,
  LEAF_COST,
  MAP_COST,
  MAP_ENTRY_COST,
  OBJECT_COST,
  type Plan,
  SLOT_COST,
} from "./plan.ts";
import { GobError, GobLimitError, GobReader } from "./wire.ts";

/** The budget of one value. */
export interface ValueLimits {
  /** Most values (elements, fields, map entries). */
  maxElements: number;
  /** Most heap, estimated. */
  maxDecodedBytes: number;
  /** Deepest nesting of containers. */
  maxDepth: number;
}

/** A container being decoded (one shape for all kinds: monomorphic). */
class Frame {
  obj: Record<string, unknown> | undefined = undefined;
  arr: unknown[] | undefined = undefined;
  map: Map<unknown, unknown> | undefined = undefined;
  i = 0;
  n = 0;
  field = -1;
  key: unknown = undefined;
  hasKey = false;
  name = "";
  constructor(readonly plan: Plan, readonly r: GobReader) {}
}

/**
 * Reads one value at a time: {@linkcode ValueReader.start} it, then
 * {@linkcode ValueReader.run} until it returns true, then take `result`.
 */
export class ValueReader {
  #stack: Frame[] = [];
  #result: unknown = undefined;
  #elements = 0;
  #heap = 0;
  #maxElements: number;
  #maxHeap: number;
  #maxDepth: number;
  #plan: (id: number) => Plan;

  /**
   * Creates one.
   *
   * @param limits The budget of each value.
   * @param plan The plan of a type id (throws for an unknown one).
   */
  constructor(limits: ValueLimits, plan: (id: number) => Plan) {
    this.#maxElements = limits.maxElements;
    this.#maxHeap = limits.maxDecodedBytes;
    this.#maxDepth = limits.maxDepth;
    this.#plan = plan;
  }

  /** The value, once {@linkcode ValueReader.run} returned true. */
  get result(): unknown {
    return this.#result;
  }

  /** Starts a value of `plan` at `r` (a fresh budget). */
  start(plan: Plan, r: GobReader): void {
    this.#stack.length = 0;
    this.#result = undefined;
    this.#elements = 0;
    this.#heap = 0;
    this.#charge(1, SLOT_COST);
    this.#value(plan, r);
  }

  /** Drops a value in progress. */
  reset(): void {
    this.#stack.length = 0;
    this.#result = undefined;
  }

  #charge(elements: number, heap: number): void {
    if ((this.#elements += elements) > this.#maxElements) {
      throw new GobLimitError(`message decodes to over ${this.#maxElements} values (maxElements)`);
    }
    if ((this.#heap += heap) > this.#maxHeap) {
      throw new GobLimitError(`message decodes to over ${this.#maxHeap} bytes (maxDecodedBytes)`);
    }
  }

  /** Reads a value of `plan`: a leaf at once, a container by pushing its frame. */
  #value(plan: Plan, r: GobReader): void {
    switch (plan.k) {
      case "leaf": {
        const start = r.pos;
        const v = plan.read(r);
        this.#charge(0, LEAF_COST + (plan.boxed ? BOX_COST : 0) + (r.pos - start));
        this.#deliver(v);
        return;
      }
      case "struct": {
        // in place up to the first container field: most structs never need a frame
        this.#charge(0, OBJECT_COST);
        const obj: Record<string, unknown> = {};
        const field = this.#fields(plan, r, obj, -1);
        if (field < 0) {
          this.#deliver(obj);
          return;
        }
        const f = this.#push(plan, r);
        f.obj = obj;
        f.field = field;
        this.#value(plan.plans[field]!, r);
        return;
      }
      case "slice": {
        const n = r.count("element count");
        // every element takes at least one byte: no huge allocation for a tiny input
        if (n > r.remaining) throw new GobError(`${n} elements exceed the message`);
        this.#charge(n, ARRAY_COST + SLOT_COST * n);
        const f = this.#push(plan, r);
        f.arr = new Array(n);
        f.n = n;
        return;
      }
      case "map": {
        const n = r.count("map size");
        if (n * 2 > r.remaining) throw new GobError(`map of ${n} entries exceeds the message`);
        this.#charge(2 * n, MAP_COST + MAP_ENTRY_COST * n);
        const f = this.#push(plan, r);
        f.map = new Map();
        f.n = n;
        return;
      }
      case "iface": {
        const name = r.string();
        if (name === "") {
          this.#deliver(null);
          return;
        }
        const id = r.int();
        if (typeof id !== "number" || id < 0) {
          throw new GobError(`interface ${name}: inline type definitions are not supported`);
        }
        const len = r.count("interface value length");
        if (len > r.remaining) throw new GobError(`interface ${name}: value exceeds the message`);
        const inner = new GobReader(r.buf, r.pos, r.pos + len);
        r.pos += len;
        const p = this.#plan(id);
        if (p.k !== "struct" && inner.byte() !== 0) {
          throw new GobError(`interface ${name}: missing singleton marker`);
        }
        this.#charge(1, IFACE_COST + name.length);
        this.#push(plan, r).name = name;
        this.#value(p, inner);
        return;
      }
    }
  }

  /** A new frame on the stack, within the depth limit. */
  #push(plan: Plan, r: GobReader): Frame {
    if (this.#stack.length >= this.#maxDepth) {
      throw new GobLimitError(`values nested deeper than ${this.#maxDepth} (maxDepth)`);
    }
    const f = new Frame(plan, r);
    this.#stack.push(f);
    return f;
  }

  /**
   * Reads a struct's fields after `field` into `obj`, leaves in place; the
   * index of the first container field (its value not read yet), or -1 at
   * the struct's end.
   */
  #fields(
    plan: Plan & { k: "struct" },
    r: GobReader,
    obj: Record<string, unknown>,
    field: number,
  ): number {
    const { names, plans } = plan;
    // leaves are charged in bulk: the bytes they took (a string's heap is about
    // its wire length), a header each, a box for bytes, times and complexes
    const start = r.pos;
    let leaves = 0;
    let boxes = 0;
    for (;;) {
      const d = r.count("field delta");
      if (d === 0) {
        field = -1;
        break;
      }
      field += d;
      if (field >= names.length) throw new GobError(`${plan.name}: field ${field} out of range`);
      const p = plans[field] ??= this.#plan(plan.ids[field]);
      if (p.k !== "leaf") {
        this.#charge(1, FIELD_COST);
        break;
      }
      if (p.boxed) boxes++;
      leaves++;
      obj[names[field]] = p.read(r);
    }
    this.#charge(leaves, leaves * (FIELD_COST + LEAF_COST) + boxes * BOX_COST + (r.pos - start));
    return field;
  }

  /** Hands a completed value to the frame below (or makes it the message's value). */
  #deliver(v: unknown): void {
    for (;;) {
      const f = this.#stack[this.#stack.length - 1];
      if (!f) {
        this.#result = v;
        return;
      }
      switch (f.plan.k) {
        case "struct":
          f.obj![f.plan.names[f.field]] = v;
          return;
        case "slice":
          f.arr![f.i++] = v;
          return;
        case "map":
          if (f.hasKey) {
            f.map!.set(f.key, v);
            f.key = undefined;
            f.hasKey = false;
            f.i++;
          } else {
            f.key = v;
            f.hasKey = true;
          }
          return;
        case "iface":
          // an interface completes with its value
          this.#stack.pop();
          v = { name: f.name, value: v } satisfies GobInterfaceValue;
          continue;
      }
    }
  }

  /** Steps the frames until the value is done (true) or the deadline passed (false). */
  run(deadline: number): boolean {
    const stack = this.#stack;
    let steps = 0;
    while (stack.length) {
      if (steps >= 4096) {
        steps = 0;
        if (this.#elements > this.#maxElements) this.#charge(0, 0); // leaf fields count late
        if (performance.now() > deadline) return false;
      }
      const f = stack[stack.length - 1];
      const plan = f.plan;
      const r = f.r;
      switch (plan.k) {
        case "struct": {
          steps++;
          const field = this.#fields(plan, r, f.obj!, f.field);
          if (field < 0) {
            stack.pop();
            this.#deliver(f.obj);
          } else {
            f.field = field;
            this.#value(plan.plans[field]!, r);
          }
          break;
        }
        case "slice": {
          const p = plan.plan ??= this.#plan(plan.elem);
          const arr = f.arr!;
          if (p.k === "leaf") {
            const start = r.pos;
            const end = Math.min(f.n, f.i + 4096);
            for (let i = f.i; i < end; i++) arr[i] = p.read(r);
            const n = end - f.i;
            steps += n;
            f.i = end;
            this.#charge(0, n * (LEAF_COST + (p.boxed ? BOX_COST : 0)) + (r.pos - start));
          } else if (f.i < f.n) {
            steps++;
            this.#value(p, r);
          }
          if (f.i === f.n && stack[stack.length - 1] === f) {
            stack.pop();
            this.#deliver(arr);
          }
          break;
        }
        case "map":
          steps++;
          if (f.i === f.n) {
            stack.pop();
            this.#deliver(f.map);
          } else if (f.hasKey) {
            this.#value(plan.elemPlan ??= this.#plan(plan.elem), r);
          } else {
            this.#value(plan.keyPlan ??= this.#plan(plan.key), r);
          }
          break;
        default:
          // an interface frame only waits for its value, pushed above it
          throw new GobError("interface without a value");
      }
    }
    return true;
  }
}
