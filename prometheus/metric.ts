/**
 * Metric families: Counter, Gauge and Histogram, with labeled children.
 * Each family caches its header and series prefixes encoded as bytes (one
 * template per format, rebuilt when children come or go), so a scrape
 * copies those and writes the numbers into a reused buffer (bytes.ts).
 *
 * Over 400 lines on purpose: the three families share the base class's
 * private child map, version and templates; split, they would need them
 * public or an import cycle.
 *
 * @module
 */

import {
  buildTemplate,
  type ByteWriter,
  MAX_NUMBER_BYTES,
  sharedWriter,
  type Template,
} from "./bytes.ts";
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
  /**
   * Writes the value as {@linkcode formatted} formats it (the renderer's).
   *
   * @ignore
   */
  writeValue(w: ByteWriter): void {
    w.number(this.#value);
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
  // bumped when children come or go: templates and the list are rebuilt
  #version = 0;
  #list: C[] | undefined;
  #templates: [Template | undefined, Template | undefined] = [undefined, undefined];

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
      this.#changed();
    }
    return child;
  }

  /** Removes the child for these label values. */
  remove(values?: Labels): boolean {
    const removed = this.#children.delete(this.#key(values ?? {})[0]);
    if (removed) this.#changed();
    return removed;
  }

  /** Removes every child. */
  reset(): void {
    this.#children.clear();
    this.#changed();
  }

  #changed(): void {
    this.#version++;
    this.#list = undefined;
  }

  /** The children in creation order, as an array cached until they change. */
  protected childList(): C[] {
    return this.#list ??= [...this.#children.values()];
  }

  /**
   * The encoded header and series prefixes in this format, cached.
   *
   * @ignore
   */
  protected template(format: Format): Template {
    const i = format === "openmetrics" ? 1 : 0;
    const t = this.#templates[i];
    if (t && t.version === this.#version) return t;
    return this.#templates[i] = buildTemplate(
      this.#version,
      this.header(format),
      this.prefixes(format),
    );
  }

  /** Every sample's `name{labels} ` in output order. */
  protected abstract prefixes(format: Format): string[];

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

  /**
   * Writes the family (header and samples) as UTF-8 bytes (the renderer's).
   *
   * @ignore
   */
  abstract write(w: ByteWriter, format: Format): void;

  /** Renders the family (header and samples). */
  render(format: Format): string {
    this.write(sharedWriter, format);
    return sharedWriter.text();
  }
}

/** A family of plain values (gauges, counters). */
export abstract class ValueMetric<C extends ValueChild> extends Metric<C> {
  /** One `name{labels} ` per child. */
  protected prefixes(format: Format): string[] {
    const sample = format === "openmetrics" && this.type === "counter"
      ? this.familyName(format) + "_total"
      : this.name;
    return this.childList().map((c) => sample + c.labelStr + " ");
  }

  /**
   * Writes one sample line per child.
   *
   * @ignore
   */
  write(w: ByteWriter, format: Format): void {
    const t = this.template(format);
    const list = this.childList();
    w.reserve(t.bytes.length + list.length * MAX_NUMBER_BYTES);
    const segs = t.segs;
    for (let k = 0; k < list.length; k++) {
      w.segment(segs[k]);
      list[k].writeValue(w);
    }
    w.segment(segs[list.length]);
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

  /** Buckets, sum and count of each child. */
  protected prefixes(): string[] {
    const name = this.name;
    const out: string[] = [];
    for (const child of this.childList()) {
      for (const le of child.bucketLabels) out.push(name + "_bucket" + le + " ");
      out.push(name + "_sum" + child.labelStr + " ", name + "_count" + child.labelStr + " ");
    }
    return out;
  }

  /**
   * Writes buckets (cumulative), sum and count per child.
   *
   * @ignore
   */
  write(w: ByteWriter, format: Format): void {
    const t = this.template(format);
    const list = this.childList();
    const segs = t.segs;
    w.reserve(t.bytes.length + (segs.length - 1) * MAX_NUMBER_BYTES);
    let k = 0;
    for (let c = 0; c < list.length; c++) {
      const child = list[c];
      const counts = child.counts;
      let cumulative = 0;
      for (let i = 0; i < counts.length; i++) {
        cumulative += counts[i];
        w.segment(segs[k++]);
        w.number(cumulative);
      }
      w.segment(segs[k++]);
      w.number(child.sum);
      w.segment(segs[k++]);
      w.number(child.count);
    }
    w.segment(segs[k]);
  }
}
