/**
 * Small helpers over state lists, clocks and ids.
 *
 * @module
 */

import { type LogArgsMapper, MutationType, type S } from "./types.ts";

/**
 * A tick is active when it's odd.
 *
 * @example Usage
 * ```ts
 * import { isActiveTick } from "./utils.ts";
 * isActiveTick(3); // true
 * ```
 */
export function isActiveTick(tick: number): boolean {
  return tick % 2 === 1;
}

/**
 * Elements of `a` not in `b`, in `a`'s order (upstream's StatesDiff).
 *
 * @example Usage
 * ```ts
 * import { statesDiff } from "./utils.ts";
 * statesDiff(["A", "B"], ["B"]); // ["A"]
 * ```
 */
export function statesDiff(a: readonly string[], b: readonly string[]): S {
  const ret: S = [];
  for (const s of a) if (!b.includes(s)) ret.push(s);
  return ret;
}

/**
 * Unique elements, first occurrence wins.
 *
 * @example Usage
 * ```ts
 * import { uniq } from "./utils.ts";
 * uniq(["A", "B", "A"]); // ["A", "B"]
 * ```
 */
export function uniq(list: readonly string[]): S {
  const ret: S = [];
  for (const s of list) if (!ret.includes(s)) ret.push(s);
  return ret;
}

/**
 * Sum of ticks ("machine time").
 *
 * @example Usage
 * ```ts
 * import { timeSum } from "@asyncmachine/telemetry/machine";
 * timeSum([1, 2, 3]); // 6
 * ```
 */
export function timeSum(time: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < time.length; i++) sum += time[i];
  return sum;
}

/**
 * A random lowercase hex id, `len` characters long (upstream's randId).
 *
 * @example Usage
 * ```ts
 * import { randId } from "./utils.ts";
 * randId().length; // 16
 * ```
 */
export function randId(len?: number): string {
  len ??= 16;
  let out = "";
  for (let i = 0; i < len; i += 2) {
    if (poolPos >= POOL_SIZE) {
      crypto.getRandomValues(pool);
      poolPos = 0;
    }
    out += HEX[pool[poolPos++]];
  }
  return out.length > len ? out.slice(0, len) : out;
}

// random bytes are drawn in bulk: one syscall per 256 ids, not per id
const POOL_SIZE = 2048;
const pool = new Uint8Array(POOL_SIZE);
let poolPos = POOL_SIZE;

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/**
 * The mutation type's upstream name: add, remove or set.
 *
 * @example Usage
 * ```ts
 * import { MutationType } from "@asyncmachine/telemetry/machine";
 * import { mutationTypeName } from "./utils.ts";
 * mutationTypeName(MutationType.Set); // "set"
 * ```
 */
export function mutationTypeName(type: MutationType): string {
  return type === MutationType.Add ? "add" : type === MutationType.Remove ? "remove" : "set";
}

/** Argument names logged by default, as upstream's `LogArgs`. */
export const LOG_ARGS: readonly string[] = [
  "name",
  "id",
  "port",
  "addr",
  "err",
  "path",
  "url",
  "uri",
];

/**
 * A mapper printing the listed args, truncated to `maxLen` characters
 * (upstream's NewLogArgsMapper).
 *
 * @example Usage
 * ```ts
 * import { newLogArgsMapper } from "@asyncmachine/telemetry/machine";
 * newLogArgsMapper(20, ["id"])({ id: 42, x: 1 }); // { id: "42" }
 * ```
 */
export function newLogArgsMapper(
  maxLen?: number,
  names?: readonly string[],
): LogArgsMapper {
  maxLen ??= 20;
  names ??= LOG_ARGS;
  return (args) => {
    const ret: Record<string, string> = {};
    for (const name of names) {
      if (!(name in args)) continue;
      ret[name] = truncate(argString(args[name]), maxLen);
    }
    return ret;
  };
}

function argString(v: unknown): string {
  if (v instanceof Error) return v.message;
  if (typeof v === "string") return v;
  try {
    return typeof v === "object" && v !== null ? JSON.stringify(v) ?? String(v) : String(v);
  } catch {
    return String(v);
  }
}

function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  return max < 5 ? s.slice(0, max) : s.slice(0, max - 3) + "...";
}

/**
 * Formats mapped args as upstream's log suffix: ` (k=v k2=v2)`, keys sorted.
 *
 * @example Usage
 * ```ts
 * import { formatArgs } from "./utils.ts";
 * formatArgs({ b: "2", a: "1" }); // " (a=1 b=2)"
 * ```
 */
export function formatArgs(mapped: Record<string, string> | undefined): string {
  if (!mapped) return "";
  const keys = Object.keys(mapped);
  if (keys.length === 0) return "";
  keys.sort();
  return " (" + keys.map((k) => k + "=" + mapped[k]).join(" ") + ")";
}
