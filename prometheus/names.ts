/**
 * Metric and label names and values made valid for any input: name
 * sanitising, escaping and number formatting for the exposition formats.
 *
 * @module
 */

/**
 * Makes a valid metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`): invalid characters
 * become `_`, a leading digit gets a `_` prefix.
 *
 * @example Usage
 * ```ts
 * import { sanitizeMetricName } from "./names.ts";
 * sanitizeMetricName("1st-metric"); // "_1st_metric"
 * ```
 */
export function sanitizeMetricName(name: string): string {
  let out = name.replace(/[^a-zA-Z0-9_:]/g, "_");
  if (out === "" || /^[0-9]/.test(out)) out = "_" + out;
  return out;
}

/**
 * Makes a valid label name (`[a-zA-Z_][a-zA-Z0-9_]*`, without the reserved
 * `__` prefix).
 *
 * @example Usage
 * ```ts
 * import { sanitizeLabelName } from "./names.ts";
 * sanitizeLabelName("mach-id"); // "mach_id"
 * ```
 */
export function sanitizeLabelName(name: string): string {
  let out = name.replace(/[^a-zA-Z0-9_]/g, "_");
  if (out === "" || /^[0-9]/.test(out)) out = "_" + out;
  return out.replace(/^__+/, "_");
}

/**
 * Upstream's NormalizeId: lowercase, each run of `[^a-z_0-9]` becomes `_`.
 *
 * @example Usage
 * ```ts
 * import { normalizeId } from "@asyncmachine/telemetry/prometheus";
 * normalizeId("My-Mach.1"); // "my_mach_1"
 * ```
 */
export function normalizeId(id: string): string {
  return id.toLowerCase().replace(/[^a-z_0-9]+/g, "_");
}

/**
 * Makes a string well-formed UTF-16, so it survives UTF-8 encoding without
 * merging with others: each lone surrogate becomes the text `\uD800` (hex,
 * upper case). Rendered label values go through it, so `x\ud800`,
 * `x\udc00` and `x\ufffd` stay three series.
 *
 * @example Usage
 * ```ts
 * import { wellFormedId } from "./names.ts";
 * wellFormedId("x\ud800"); // "x\\uD800"
 * ```
 */
export function wellFormedId(value: string): string {
  if (value.isWellFormed()) return value;
  return value.replace(
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    (c) => "\\u" + c.charCodeAt(0).toString(16).toUpperCase(),
  );
}

const seriesIds = new WeakMap<object, Map<string, string>>();

/** Options of {@linkcode uniqueSeriesId}. */
export interface UniqueSeriesIdOptions {
  /** A namespace within the scope (e.g. "label", "legacy"); default "". */
  namespace?: string;
  /** Where the collision warning goes; default `console.warn`. */
  warn?: (msg: string) => void;
}

/**
 * Makes one machine id's series name part unique within a scope (a
 * registry) and namespace. The rule: the id's encoding (`encoded`: the
 * label value, or the normalised legacy name part), or, if a different id
 * already holds it there, `encoded_2`, `encoded_3`… (first come, first
 * served), with a warning. The same id always gets its own again.
 *
 * @example Usage
 * ```ts
 * import { normalizeId, uniqueSeriesId } from "./names.ts";
 * const scope = {};
 * uniqueSeriesId(scope, "My-Mach", normalizeId("My-Mach")); // "my_mach"
 * uniqueSeriesId(scope, "my.mach", normalizeId("my.mach")); // "my_mach_2", and a warning
 * ```
 */
export function uniqueSeriesId(
  scope: object,
  id: string,
  encoded: string,
  opts?: UniqueSeriesIdOptions,
): string {
  opts ??= {};
  let taken = seriesIds.get(scope);
  if (!taken) seriesIds.set(scope, taken = new Map());
  const ns = (opts.namespace ?? "") + "\0";
  let out = encoded;
  for (let n = 2;; n++) {
    const holder = taken.get(ns + out);
    if (holder === undefined) {
      taken.set(ns + out, id);
      break;
    }
    if (holder === id) return out;
    out = `${encoded}_${n}`;
  }
  if (out !== encoded) {
    (opts.warn ?? console.warn)(
      `prometheus: machine ids ${JSON.stringify(taken.get(ns + encoded))} and ` +
        `${JSON.stringify(id)} both encode to ${JSON.stringify(encoded)}; ` +
        `${JSON.stringify(id)} is ${JSON.stringify(out)}`,
    );
  }
  return out;
}

/**
 * Frees a name part taken by {@linkcode uniqueSeriesId} (the machine's
 * series are gone).
 *
 * @example Usage
 * ```ts
 * import { releaseSeriesId, uniqueSeriesId } from "./names.ts";
 * const scope = {};
 * releaseSeriesId(scope, uniqueSeriesId(scope, "m1", "m1"));
 * ```
 */
export function releaseSeriesId(scope: object, encoded: string, namespace?: string): void {
  namespace ??= "";
  seriesIds.get(scope)?.delete(namespace + "\0" + encoded);
}

/**
 * Escapes a label value (both formats): backslash, double quote, newline;
 * lone surrogates first become text ({@linkcode wellFormedId}).
 *
 * @example Usage
 * ```ts
 * import { escapeLabelValue } from "./names.ts";
 * escapeLabelValue('a"b'); // 'a\\"b'
 * ```
 */
export function escapeLabelValue(value: string): string {
  value = wellFormedId(value);
  return /[\\"\n]/.test(value)
    ? value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")
    : value;
}

/** Escapes HELP text: text format 0.0.4 escapes `\` and newlines; OpenMetrics also `"`. */
export function escapeHelp(help: string, openMetrics: boolean): string {
  let out = help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
  if (openMetrics) out = out.replace(/"/g, '\\"');
  return out;
}

/**
 * Formats a sample value: integers plainly, `NaN`, `+Inf`, `-Inf`, other
 * floats in JavaScript's shortest round-trip form (valid for Prometheus).
 *
 * @example Usage
 * ```ts
 * import { formatValue } from "./names.ts";
 * formatValue(Infinity); // "+Inf"
 * ```
 */
export function formatValue(v: number): string {
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  if (v !== v) return "NaN";
  return "" + v;
}

/**
 * Renders a label set as `{a="1",b="2"}` (empty string for no labels), in
 * the given name order.
 *
 * @example Usage
 * ```ts
 * import { renderLabels } from "./names.ts";
 * renderLabels(["mach_id"], { mach_id: 'a"b' }); // '{mach_id="a\\"b"}'
 * ```
 */
export function renderLabels(names: readonly string[], values: Record<string, string>): string {
  if (names.length === 0) return "";
  let out = "{";
  for (let i = 0; i < names.length; i++) {
    if (i > 0) out += ",";
    out += names[i] + '="' + escapeLabelValue(String(values[names[i]] ?? "")) + '"';
  }
  return out + "}";
}
