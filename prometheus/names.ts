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
 * import { sanitizeMetricName } from "@asyncmachine/telemetry/prometheus";
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
 * import { sanitizeLabelName } from "@asyncmachine/telemetry/prometheus";
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

/** Escapes a label value (both formats): backslash, double quote, newline. */
export function escapeLabelValue(value: string): string {
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
