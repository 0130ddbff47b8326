/**
 * A registry of metric families and the exposition renderer: Prometheus
 * text format 0.0.4 and OpenMetrics 1.0.
 *
 * @module
 */

import {
  Counter,
  type Format,
  Gauge,
  Histogram,
  type HistogramOptions,
  type Metric,
  type MetricChild,
  type MetricOptions,
} from "./metric.ts";
import { sanitizeMetricName } from "./names.ts";
import { sharedWriter, utf8 } from "./bytes.ts";

const EOF = utf8("# EOF\n");

/** Content type of the text format 0.0.4. */
export const TEXT_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
/** Content type of OpenMetrics 1.0. */
export const OPENMETRICS_CONTENT_TYPE =
  "application/openmetrics-text; version=1.0.0; charset=utf-8";

/** Any metric family. */
export type AnyMetric = Metric<MetricChild>;

/**
 * Holds metric families (one per name) and renders them in a stable order
 * (by name), each with one HELP and TYPE.
 *
 * @example Usage
 * ```ts
 * import { Registry } from "@asyncmachine/telemetry/prometheus";
 * const registry = new Registry();
 * registry.gauge({ name: "temp", help: "Temperature", labelNames: ["room"] })
 *   .labels({ room: "kitchen" }).set(21.5);
 * registry.render("text"); // "# HELP temp Temperature\n# TYPE temp gauge\ntemp{room=\"kitchen\"} 21.5\n"
 * ```
 */
export class Registry {
  #metrics = new Map<string, AnyMetric>();
  #sorted: AnyMetric[] | undefined;
  #collectors = new Set<() => void>();
  /** Collect callbacks that threw, counted. */
  collectErrors = 0;

  /** Registers a family; a different family with the same name is an error. */
  register<M extends AnyMetric>(metric: M): M {
    const existing = this.#metrics.get(metric.name);
    if (existing === metric) return metric;
    if (existing) throw new Error(`metric ${metric.name} is already registered`);
    this.#metrics.set(metric.name, metric);
    this.#sorted = undefined;
    return metric;
  }

  /** Unregisters a family (by object or name). */
  unregister(metric: AnyMetric | string): boolean {
    const name = typeof metric === "string" ? sanitizeMetricName(metric) : metric.name;
    if (typeof metric !== "string" && this.#metrics.get(name) !== metric) return false;
    this.#sorted = undefined;
    return this.#metrics.delete(name);
  }

  /** The family with this name, if registered. */
  get(name: string): AnyMetric | undefined {
    return this.#metrics.get(sanitizeMetricName(name));
  }

  /** Every registered family, sorted by name. */
  metrics(): AnyMetric[] {
    return this.#sorted ??= [...this.#metrics.values()].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0
    );
  }

  #getOrCreate<M extends AnyMetric>(
    opts: MetricOptions,
    type: string,
    create: () => M,
  ): M {
    const existing = this.#metrics.get(sanitizeMetricName(opts.name));
    if (!existing) return this.register(create());
    if (existing.type !== type) {
      throw new Error(`metric ${existing.name} is already registered as a ${existing.type}`);
    }
    const labels = (opts.labelNames ?? []).join(",");
    if (existing.labelNames.join(",") !== labels) {
      throw new Error(`metric ${existing.name} is already registered with other labels`);
    }
    return existing as M;
  }

  /** The gauge with this name: registered now, or the existing one. */
  gauge(opts: MetricOptions): Gauge {
    return this.#getOrCreate(opts, "gauge", () => new Gauge(opts));
  }

  /** The counter with this name: registered now, or the existing one. */
  counter(opts: MetricOptions): Counter {
    return this.#getOrCreate(opts, "counter", () => new Counter(opts));
  }

  /** The histogram with this name: registered now, or the existing one. */
  histogram(opts: HistogramOptions): Histogram {
    return this.#getOrCreate(opts, "histogram", () => new Histogram(opts));
  }

  /** Runs `fn` before every collection; returns an unsubscriber. */
  onCollect(fn: () => void): () => void {
    this.#collectors.add(fn);
    return () => this.#collectors.delete(fn);
  }

  /** Runs the collect callbacks (registry's and families'), isolated. */
  collect(): void {
    for (const fn of this.#collectors) {
      try {
        fn();
      } catch {
        this.collectErrors++;
      }
    }
    for (const m of this.metrics()) {
      if (!m.collect) continue;
      try {
        m.collect();
      } catch {
        this.collectErrors++;
      }
    }
  }

  /** Renders every family; OpenMetrics ends with `# EOF`. */
  render(format?: Format): string {
    this.#write(format ?? "text");
    return sharedWriter.text();
  }

  /**
   * Renders every family as the UTF-8 bytes of a response body (what
   * {@linkcode render} returns, encoded, without building a string).
   *
   * @example Usage
   * ```ts
   * import { Registry } from "@asyncmachine/telemetry/prometheus";
   * const registry = new Registry();
   * registry.gauge({ name: "up", help: "Up" }).set(1);
   * new TextDecoder().decode(registry.renderBytes("text")); // "# HELP up Up\n# TYPE up gauge\nup 1\n"
   * ```
   */
  renderBytes(format?: Format): Uint8Array<ArrayBuffer> {
    this.#write(format ?? "text");
    return sharedWriter.take();
  }

  #write(format: Format): void {
    for (const m of this.metrics()) m.write(sharedWriter, format);
    if (format === "openmetrics") {
      sharedWriter.reserve(EOF.length);
      sharedWriter.segment(EOF);
    }
  }
}

/**
 * The registry `bindMach` and `metricsHandler` use unless given one.
 *
 * @example Usage
 * ```ts
 * import { defaultRegistry } from "@asyncmachine/telemetry/prometheus";
 * defaultRegistry.render("openmetrics");
 * ```
 */
export const defaultRegistry: Registry = new Registry();
