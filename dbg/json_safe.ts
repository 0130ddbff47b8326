/**
 * Free-form message data made JSON-safe at ingest, so a stored message can
 * always be encoded again (a stream replay or a page never throws on it).
 *
 * @module
 */

/** Limits of {@linkcode jsonSafe}. */
export interface JsonSafeOptions {
  /** Nesting kept at most; deeper values become `"[depth limit]"`. Default 16. */
  maxDepth?: number;
  /** Values visited at most; the rest become `"[size limit]"`. Default 10,000. */
  maxNodes?: number;
}

/**
 * A copy of `value` that `JSON.stringify` encodes without throwing and
 * without losing it silently. The rule: a bigint becomes a number when it is
 * a safe integer, else its decimal string; `Map` becomes an object (keys as
 * strings), `Set` a list, `Date` its ISO string (invalid: null); functions,
 * symbols and `undefined` are dropped from objects and become null in lists;
 * non-finite numbers become null; anything whose getters throw (or a revoked
 * proxy) becomes `"[unserialisable]"`; nesting and size are capped.
 *
 * @example Usage
 * ```ts
 * import { jsonSafe } from "./json_safe.ts";
 * jsonSafe({ n: 2n ** 62n, small: 5n }); // { n: "4611686018427387904", small: 5 }
 * ```
 */
export function jsonSafe(value: unknown, opts?: JsonSafeOptions): unknown {
  opts ??= {};
  const budget = { nodes: opts.maxNodes ?? 10_000 };
  return safe(value, opts.maxDepth ?? 16, budget);
}

function safe(v: unknown, depth: number, budget: { nodes: number }): unknown {
  if (budget.nodes-- <= 0) return "[size limit]";
  switch (typeof v) {
    case "string":
    case "boolean":
      return v;
    case "number":
      return Number.isFinite(v) ? v : null;
    case "bigint":
      return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(v)
        : v.toString();
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  if (v === null) return null;
  if (depth <= 0) return "[depth limit]";
  try {
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
    if (Array.isArray(v) || v instanceof Set) {
      const out: unknown[] = [];
      for (const x of v) {
        if (budget.nodes <= 0) {
          out.push("[size limit]");
          break;
        }
        out.push(safe(x, depth - 1, budget) ?? null);
      }
      return out;
    }
    const out: Record<string, unknown> = {};
    const pairs: Iterable<[unknown, unknown]> = v instanceof Map
      ? v.entries()
      : Object.entries(v as object);
    for (const [k, x] of pairs) {
      if (budget.nodes <= 0) {
        out["…"] = "[size limit]";
        break;
      }
      const s = safe(x, depth - 1, budget);
      if (s !== undefined) out[typeof k === "string" ? k : String(safe(k, 1, budget))] = s;
    }
    return out;
  } catch {
    return "[unserialisable]";
  }
}
