/**
 * Pushes a registry to a Prometheus Pushgateway with fetch: on an interval
 * and on stop, with a timeout and bounded retry. Failures are reported,
 * never thrown.
 *
 * @module
 */

import { readTelemetryConfig, type TelemetryConfig, topLevelConfig } from "../internal/config.ts";
import { fetchRetrying } from "../internal/http.ts";
import type { Api } from "../machine/mod.ts";
import { bindPrometheusMetrics, type PrometheusMetrics } from "./metrics.ts";
import { normalizeId } from "./names.ts";
import { defaultRegistry, Registry, TEXT_CONTENT_TYPE } from "./registry.ts";

/** Options of a {@linkcode Pusher}. */
export interface PusherOptions {
  /** The Pushgateway's base URL, e.g. `http://localhost:9091`. */
  url: string;
  /** The `job` of the grouping key. */
  job: string;
  /** The `instance` of the grouping key, if any. */
  instance?: string;
  /** More grouping key labels. */
  groupingKey?: Record<string, string>;
  /** What to push; `defaultRegistry` by default. */
  registry?: Registry;
  /** PUT replaces the whole group (default); POST only same-named metrics. */
  method?: "PUT" | "POST";
  /** Push every `interval` ms once started; default 15 s. */
  interval?: number;
  /** Timeout of one attempt, ms; default 5 s. */
  timeoutMs?: number;
  /** Retries after a failed attempt (network error or 5xx); default 2. */
  retries?: number;
  /** First retry delay, ms, doubling each time; default 200. */
  backoffMs?: number;
  /** Receives each failed push; by default warned on the console, rate-limited. */
  onError?: (err: Error) => void;
}

function segment(name: string, value: string): string {
  if (value === "") return `/${name}@base64/=`;
  if (value.includes("/")) {
    const b64 = btoa(String.fromCharCode(...new TextEncoder().encode(value)))
      .replace(/\+/g, "-").replace(/\//g, "_");
    return `/${name}@base64/${b64}`;
  }
  return `/${name}/${encodeURIComponent(value)}`;
}

/**
 * A Pushgateway client for one grouping key.
 *
 * @example Usage
 * ```ts ignore
 * import { Pusher, Registry } from "@asyncmachine/telemetry/prometheus";
 * await using pusher = new Pusher({ url: "http://localhost:9091", job: "my_service" });
 * await pusher.push(); // false on failure, reported through onError
 * pusher.start(); // every 15 s; disposing stops and pushes a last time
 * ```
 */
export class Pusher implements AsyncDisposable {
  /** The group's URL (`…/metrics/job/<job>/…`). */
  readonly groupUrl: string;
  /** Successful pushes. */
  pushes = 0;
  /** Failed pushes (after retries). */
  failures = 0;
  /** The last failure, if any. */
  lastError: Error | undefined;
  #opts: PusherOptions;
  #registry: Registry;
  #timer: ReturnType<typeof setInterval> | undefined;
  #inFlight: Promise<boolean> | undefined;

  /**
   * A pusher for one grouping key.
   *
   * @param opts Where and how to push.
   */
  constructor(opts: PusherOptions) {
    this.#opts = opts;
    this.#registry = opts.registry ?? defaultRegistry;
    let path = segment("job", opts.job);
    if (opts.instance !== undefined) path += segment("instance", opts.instance);
    for (const [k, v] of Object.entries(opts.groupingKey ?? {})) path += segment(k, v);
    this.groupUrl = opts.url.replace(/\/+$/, "") + "/metrics" + path;
  }

  /** Pushes now (collecting first). Resolves false on failure; never rejects. */
  push(): Promise<boolean> {
    // one push at a time: a push while one is running waits for it, then runs
    const prev = this.#inFlight ?? Promise.resolve(true);
    const next = prev.then(() => this.#pushOnce());
    this.#inFlight = next;
    next.finally(() => {
      if (this.#inFlight === next) this.#inFlight = undefined;
    });
    return next;
  }

  async #pushOnce(): Promise<boolean> {
    const o = this.#opts;
    this.#registry.collect();
    // the bytes the renderer writes, sent as they are (no string in between)
    const body = this.#registry.renderBytes("text");
    let err: Error;
    try {
      const res = await fetchRetrying(this.groupUrl, {
        method: o.method ?? "PUT",
        headers: { "content-type": TEXT_CONTENT_TYPE },
        body,
      }, {
        retries: o.retries ?? 2,
        backoffMs: o.backoffMs ?? 200,
        timeoutMs: o.timeoutMs ?? 5000,
      });
      if (res.ok) {
        this.pushes++;
        return true;
      }
      err = new Error(`pushgateway ${this.groupUrl}: ${res.status} ${res.text.slice(0, 200)}`);
    } catch (e) {
      err = new Error(`pushgateway ${this.groupUrl}: ${e instanceof Error ? e.message : e}`);
    }
    this.failures++;
    this.lastError = err;
    this.#report(err);
    return false;
  }

  #report(err: Error): void {
    if (this.#opts.onError) {
      try {
        this.#opts.onError(err);
      } catch {
        // a broken reporter can't break pushing
      }
      return;
    }
    if (this.failures === 1 || this.failures % 10 === 0) {
      console.warn(`[am-telemetry] push failed (${this.failures}x): ${err.message}`);
    }
  }

  /** Pushes every `interval` ms until disposed (the timer doesn't keep Deno alive). */
  start(): void {
    if (this.#timer !== undefined) return;
    const timer = this.#timer = setInterval(() => void this.push(), this.#opts.interval ?? 15_000);
    Deno.unrefTimer?.(timer);
  }

  /** Pushes now; resolves when done (failures are reported, never thrown). */
  async flush(): Promise<void> {
    await this.push();
  }

  /** Stops the interval and pushes a last time (failures are reported, never thrown). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.#stop();
  }

  /**
   * {@linkcode Pusher[Symbol.asyncDispose]}, resolving false when the last
   * push failed.
   *
   * @deprecated Use `await using` or `[Symbol.asyncDispose]()` (and
   * {@linkcode Pusher.lastError}).
   */
  stop(): Promise<boolean> {
    return this.#stop();
  }

  #stop(): Promise<boolean> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    return this.push();
  }

  /** Deletes the group from the Pushgateway. */
  async delete(): Promise<boolean> {
    try {
      const res = await fetch(this.groupUrl, {
        method: "DELETE",
        signal: AbortSignal.timeout(this.#opts.timeoutMs ?? 5000),
      });
      await res.body?.cancel();
      return res.ok;
    } catch {
      return false;
    }
  }
}

/**
 * What {@linkcode bindPrometheusEnv} bound: the machine's metrics in their
 * own registry and a started pusher. Dispose (`await using`) stops the
 * pusher after a last push and detaches the metrics.
 *
 * @example Usage
 * ```ts
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * import { bindPrometheusEnv } from "@asyncmachine/telemetry/prometheus";
 * await using prom = bindPrometheusEnv(new Machine({ Foo: {} })); // undefined unless the env asks
 * await prom?.flush();
 * ```
 */
export class PrometheusEnvBinding implements AsyncDisposable {
  /** The machine's metrics (in their own registry). */
  readonly metrics: PrometheusMetrics;
  /** The pusher, started. */
  readonly pusher: Pusher;
  #disposed: Promise<void> | undefined;

  /**
   * Use {@linkcode bindPrometheusEnv}.
   *
   * @param metrics The bound metrics.
   * @param pusher Their pusher.
   */
  constructor(metrics: PrometheusMetrics, pusher: Pusher) {
    this.metrics = metrics;
    this.pusher = pusher;
  }

  /** Pushes now. */
  flush(): Promise<void> {
    return this.pusher.flush();
  }

  /** A last push (the final averages), then the metrics detach; once. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.#disposed ??= (async () => {
      this.metrics.sync();
      await this.pusher[Symbol.asyncDispose]();
      await this.metrics[Symbol.asyncDispose]();
    })();
  }
}

/** @deprecated Use {@linkcode PrometheusEnvBinding}. */
export type MetricsEnv = PrometheusEnvBinding;

/**
 * Upstream's MachMetricsEnv: with AM_PROM_PUSH_URL and AM_SERVICE set,
 * binds metrics to a top-level machine and pushes them every 15 s (and on
 * dispose, also the machine's) under job `normalizeId(AM_SERVICE)`.
 * Returns undefined (binding nothing) without env access, without the
 * variables, or for submachines.
 *
 * @param mach A top-level machine.
 * @param config The settings; default read from the env.
 * @param interval Push (and window) interval, ms; default 15 s.
 *
 * @example Usage
 * ```ts
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * import { bindPrometheusEnv } from "@asyncmachine/telemetry/prometheus";
 * bindPrometheusEnv(new Machine({ Foo: {} })); // undefined unless the env asks
 * ```
 */
export function bindPrometheusEnv(
  mach: Api,
  config?: TelemetryConfig,
  interval?: number,
): PrometheusEnvBinding | undefined {
  interval ??= 15_000;
  config = topLevelConfig(mach, config);
  const { promPushUrl: url, service } = config ?? {};
  if (!config || !url || !service) return undefined;
  const registry = new Registry();
  const metrics = bindPrometheusMetrics(mach, {
    registry,
    window: interval,
    rpcDbg: config.rpcDbg,
  });
  const pusher = new Pusher({ url, job: normalizeId(service), registry, interval });
  pusher.start();
  const binding = new PrometheusEnvBinding(metrics, pusher);
  mach.onDispose(() => void binding[Symbol.asyncDispose]());
  return binding;
}

/**
 * Upstream's name for {@linkcode bindPrometheusEnv}.
 *
 * @deprecated Use {@linkcode bindPrometheusEnv}.
 *
 * @example Usage
 * ```ts
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * import { machMetricsEnv } from "@asyncmachine/telemetry/prometheus";
 * machMetricsEnv(new Machine({ Foo: {} })); // undefined unless the env asks
 * ```
 */
export function machMetricsEnv(mach: Api, interval?: number): PrometheusEnvBinding | undefined {
  interval ??= 15_000;
  return bindPrometheusEnv(mach, readTelemetryConfig(), interval);
}
