/**
 * Metric families: Counter, Gauge and Histogram, with labeled children.
 * Each child caches its rendered label string and last formatted line, so
 * a scrape is mostly string concatenation.
 *
 * @module
 */

import {
  escapeHelp,
  formatValue,
  renderLabels,
  sanitizeLabelName,
  sanitizeMetricName,
} from "./names.ts";

/** Label name to value. */
export type Labels = Record<string, string>;

/** The exposition format being rendered. */
export type Format = "text" | "openmetrics";

/** Options shared by every metric family. */
export interface MetricOptions {
  /** Metric name; sanitised to a valid one. */
  name: string;
  /** Help text (any characters; escaped when rendered). */
  help: string;
  /** Label names; sanitised. */
  labelNames?: string[];
  /** OpenMetrics unit, e.g. "seconds" (the name should end with it). */
  unit?: string;
  /** Called before each collection, to update values. */
  collect?: () => void;
}

/** A labeled sample holder: one series of a family. */
export abstract class MetricChild {
  /** The rendered label set, e.g. `{mach_id="m1"}`. */
  readonly labelStr: string;
  /**
   * A child of a family.
   *
   * @param labelStr The rendered label set.
   */
  constructor(labelStr: string) {
    this.labelStr = labelStr;
  }
}

/** One labeled gauge or counter value. */
export class ValueChild extends MetricChild {
  #value = 0;
  #lastValue = NaN;
  #lastText = "";
  /** The current value. */
  get value(): number {
    return this.#value;
  }
  /** Sets the value. */
  set(v: number): void {
    this.#value = v;
  }
  /** Adds to the value. */
  inc(v?: number): void {
    v ??= 1;
    this.#value += v;
  }
  /** Subtracts from the value. */
  dec(v?: number): void {
    v ??= 1;
    this.#value -= v;
  }
  /** The value formatted, cached while it doesn't change. */
  formatted(): string {
    const v = this.#value;
    if (v !== this.#lastValue) {
      this.#lastValue = v;
      this.#lastText = formatValue(v);
    }
    return this.#lastText;
  }
}

/** One labeled counter: only goes up. */
export class CounterChild extends ValueChild {
  /** Adds `v` (≥ 0; a negative increment is an error). */
  override inc(v?: number): void {
    v ??= 1;
    if (!(v >= 0)) throw new RangeError(`counter increments must be >= 0, got ${v}`);
    super.inc(v);
  }
  /** Not allowed on counters. */
  override dec(): void {
    throw new TypeError("counters cannot decrease");
  }
  /** Not allowed on counters (use inc or reset the family). */
  override set(v: number): void {
    if (v < this.value) throw new RangeError("counters cannot decrease");
    super.set(v);
  }
}

/** One labeled histogram: bucket counts, sum and count. */
export class HistogramChild extends MetricChild {
  /** Upper bounds, ascending (without +Inf). */
  readonly bounds: readonly number[];
  /** Cumulative-ready per-bucket counts (last = +Inf). */
  readonly counts: number[];
  /** Sum of observations. */
  sum = 0;
  /** Number of observations. */
  count = 0;
  /** Label strings per bucket, with `le`. */
  readonly bucketLabels: string[];

  /**
   * A histogram child.
   *
   * @param labelStr The rendered label set.
   * @param bounds Bucket upper bounds.
   * @param names The family's label names.
   * @param values This child's label values.
   */
  constructor(labelStr: string, bounds: readonly number[], names: string[], values: Labels) {
    super(labelStr);
    this.bounds = bounds;
    this.counts = new Array(bounds.length + 1).fill(0);
    this.bucketLabels = [...bounds.map(formatValue), "+Inf"].map((le) =>
      renderLabels([...names, "le"], { ...values, le })
    );
  }

  /** Records one observation. */
  observe(v: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && v > b[i]) i++;
    this.counts[i]++;
    this.sum += v;
    this.count++;
  }
}

/** A metric family: a name, help, type and labeled children. */
export abstract class Metric<C extends MetricChild> {
  /** Sanitised name. */
  readonly name: string;
  /** Help text. */
  readonly help: string;
  /** Sanitised label names. */
  readonly labelNames: readonly string[];
  /** OpenMetrics unit, if any. */
  readonly unit: string | undefined;
  /** Called before each collection. */
  collect: (() => void) | undefined;
  /** The family type. */
  abstract readonly type: "counter" | "gauge" | "histogram";
  #children = new Map<string, C>();
  #header: Partial<Record<Format, string>> = {};

  /**
   * A family (register it, or use the registry's factories).
   *
   * @param opts Name, help, labels.
   */
  constructor(opts: MetricOptions) {
    this.name = sanitizeMetricName(opts.name);
    this.help = opts.help;
    this.labelNames = (opts.labelNames ?? []).map(sanitizeLabelName);
    this.unit = opts.unit;
    this.collect = opts.collect;
  }

  /** Creates the child for a new label set. */
  protected abstract newChild(labelStr: string, values: Labels): C;

  #key(values: Labels): [string, Labels] {
    const clean: Labels = {};
    for (const k of Object.keys(values)) {
      const name = sanitizeLabelName(k);
      if (!this.labelNames.includes(name)) {
        throw new TypeError(`metric ${this.name}: unknown label ${k}`);
      }
      clean[name] = String(values[k]);
    }
    return [renderLabels(this.labelNames, clean), clean];
  }

  /** The child for these label values (created on first use). */
  labels(values?: Labels): C {
    values ??= {};
    const [key, clean] = this.#key(values);
    let child = this.#children.get(key);
    if (!child) {
      child = this.newChild(key, clean);
      this.#children.set(key, child);
    }
    return child;
  }

  /** Removes the child for these label values. */
  remove(values?: Labels): boolean {
    values ??= {};
    return this.#children.delete(this.#key(values)[0]);
  }

  /** Removes every child. */
  reset(): void {
    this.#children.clear();
  }

  /** The children, in creation order. */
  children(): IterableIterator<C> {
    return this.#children.values();
  }

  /** The family name as OpenMetrics names it (counters lose `_total`). */
  protected familyName(format: Format): string {
    return format === "openmetrics" && this.type === "counter" && this.name.endsWith("_total")
      ? this.name.slice(0, -6)
      : this.name;
  }

  /** `# HELP`/`# TYPE` (and `# UNIT`) lines, cached. */
  header(format: Format): string {
    let h = this.#header[format];
    if (h !== undefined) return h;
    const name = this.familyName(format);
    if (format === "openmetrics") {
      h = `# TYPE ${name} ${this.type}\n`;
      if (this.unit && name.endsWith("_" + this.unit)) h += `# UNIT ${name} ${this.unit}\n`;
      h += `# HELP ${name} ${escapeHelp(this.help, true)}\n`;
    } else {
      h = `# HELP ${name} ${escapeHelp(this.help, false)}\n# TYPE ${name} ${this.type}\n`;
    }
    return this.#header[format] = h;
  }

  /** Renders the family (header and samples). */
  abstract render(format: Format): string;
}

/** A family of plain values (gauges, counters). */
export abstract class ValueMetric<C extends ValueChild> extends Metric<C> {
  /** Renders one sample line per child. */
  render(format: Format): string {
    let out = this.header(format);
    const sample = format === "openmetrics" && this.type === "counter"
      ? this.familyName(format) + "_total"
      : this.name;
    for (const child of this.children()) {
      out += sample + child.labelStr + " " + child.formatted() + "\n";
    }
    return out;
  }
}

/**
 * A gauge family.
 *
 * @example Usage
 * ```ts
 * import { Gauge } from "@asyncmachine/telemetry/prometheus";
 * const g = new Gauge({ name: "am_queue_size", help: "Queue size", labelNames: ["mach_id"] });
 * g.labels({ mach_id: "m1" }).set(3);
 * g.render("text"); // "# HELP am_queue_size Queue size\n# TYPE ...\nam_queue_size{mach_id=\"m1\"} 3\n"
 * ```
 */
export class Gauge extends ValueMetric<ValueChild> {
  /** "gauge". */
  readonly type = "gauge" as const;
  /** Creates a gauge child. */
  protected newChild(labelStr: string): ValueChild {
    return new ValueChild(labelStr);
  }
  /** Sets the child with these labels (or the unlabeled one). */
  set(v: number, labels?: Labels): void {
    this.labels(labels).set(v);
  }
}

/**
 * A counter family; name it with `_total`.
 *
 * @example Usage
 * ```ts
 * import { Counter } from "@asyncmachine/telemetry/prometheus";
 * const c = new Counter({ name: "am_transitions_total", help: "Transitions" });
 * c.inc();
 * ```
 */
export class Counter extends ValueMetric<CounterChild> {
  /** "counter". */
  readonly type = "counter" as const;
  /** Creates a counter child. */
  protected newChild(labelStr: string): CounterChild {
    return new CounterChild(labelStr);
  }
  /** Increments the child with these labels (or the unlabeled one). */
  inc(v?: number, labels?: Labels): void {
    v ??= 1;
    this.labels(labels).inc(v);
  }
}

/** Histogram options: the bucket upper bounds. */
export interface HistogramOptions extends MetricOptions {
  /** Upper bounds; sorted and de-duplicated, +Inf is implicit. */
  buckets?: number[];
}

/** Default histogram buckets for transition durations, in seconds. */
export const DURATION_BUCKETS: readonly number[] = [
  0.00001,
  0.00005,
  0.0001,
  0.0005,
  0.001,
  0.005,
  0.01,
  0.05,
  0.1,
  0.5,
  1,
];

/**
 * A histogram family.
 *
 * @example Usage
 * ```ts
 * import { Histogram } from "@asyncmachine/telemetry/prometheus";
 * const h = new Histogram({ name: "tx_seconds", help: "Durations", buckets: [0.1, 1] });
 * h.observe(0.05);
 * ```
 */
export class Histogram extends Metric<HistogramChild> {
  /** "histogram". */
  readonly type = "histogram" as const;
  /** Bucket upper bounds. */
  readonly buckets: readonly number[];

  /**
   * A histogram family.
   *
   * @param opts Name, help, labels, buckets.
   */
  constructor(opts: HistogramOptions) {
    super(opts);
    if (this.labelNames.includes("le")) throw new TypeError("histograms cannot have a le label");
    this.buckets = [...new Set((opts.buckets ?? DURATION_BUCKETS).filter(Number.isFinite))]
      .sort((a, b) => a - b);
  }

  /** Creates a histogram child. */
  protected newChild(labelStr: string, values: Labels): HistogramChild {
    return new HistogramChild(labelStr, this.buckets, [...this.labelNames], values);
  }

  /** Observes a value on the child with these labels (or the unlabeled one). */
  observe(v: number, labels?: Labels): void {
    this.labels(labels).observe(v);
  }

  /** Renders buckets, sum and count per child. */
  render(format: Format): string {
    let out = this.header(format);
    const name = this.name;
    for (const child of this.children()) {
      let cumulative = 0;
      for (let i = 0; i < child.counts.length; i++) {
        cumulative += child.counts[i];
        out += name + "_bucket" + child.bucketLabels[i] + " " + cumulative + "\n";
      }
      out += name + "_sum" + child.labelStr + " " + formatValue(child.sum) + "\n";
      out += name + "_count" + child.labelStr + " " + child.count + "\n";
    }
    return out;
  }
}
