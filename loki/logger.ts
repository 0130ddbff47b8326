/**
 * Machine log lines pushed to Grafana Loki (asyncmachine-go's
 * BindLokiLogger): batched, bounded, retried with backoff, flushed on
 * dispose, never blocking or throwing into the machine.
 *
 * @module
 */

import { readTelemetryConfig, type TelemetryConfig } from "../internal/config.ts";
import { fetchRetrying } from "../internal/http.ts";
import { type Api, LogLevel, type Tracer } from "../machine/mod.ts";
import { normalizeId } from "../prometheus/names.ts";

/** Options of {@linkcode bindLokiLogger}. */
export interface LokiOptions {
  /** Loki's base URL (e.g. `http://localhost:3100`); the push path is appended. */
  url: string;
  /** Extra stream labels (`service_name` and `asyncmachine_id` are set). */
  labels?: Record<string, string>;
  /** `service_name` label (normalized as upstream). */
  service?: string;
  /** Lines per push; default 500. */
  batchSize?: number;
  /** Push at least every `flushMs`; default 1000. */
  flushMs?: number;
  /** Lines buffered at most (oldest dropped beyond); default 10,000. */
  maxBuffer?: number;
  /** Timeout per push, ms; default 5000. */
  timeoutMs?: number;
  /** Retries of a failed push; default 3. */
  retries?: number;
  /** First retry delay, ms, doubling; default 200. */
  backoffMs?: number;
  /** Also log submachines (upstream doesn't); default false. */
  inherit?: boolean;
  /** Receives failed pushes. */
  onError?: (err: Error) => void;
  /** Bearer token or basic auth header value, sent as `Authorization`. */
  authorization?: string;
}

/**
 * A line's Loki `level` label, from its log level (upstream's mapping):
 * External/Changes/Ops `info`, Decisions/Everything `debug`. (Upstream
 * also labels `[error…` lines `error`; the core logs no such line.)
 *
 * @example Usage
 * ```ts
 * import { LogLevel } from "@asyncmachine/telemetry/machine";
 * import { lokiLevel } from "@asyncmachine/telemetry/loki";
 * lokiLevel(LogLevel.Decisions); // "debug"
 * ```
 */
export function lokiLevel(level: LogLevel): "info" | "debug" {
  return level >= LogLevel.Decisions ? "debug" : "info";
}

interface Entry {
  stream: string;
  /** Milliseconds; the ns timestamp is formatted when pushing. */
  ms: number;
  /** Order within the millisecond. */
  seq: number;
  line: string;
}

function nanos(ms: number, seq: number): string {
  return ms + String(seq).padStart(6, "0");
}

/**
 * Pushes machines' log lines to Loki; a machine tracer (logs submachines
 * with `inherit`). Dispose (`await using`) detaches and pushes what's left.
 *
 * @example Usage
 * ```ts ignore
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * import { LokiLogger } from "@asyncmachine/telemetry/loki";
 * await using loki = new LokiLogger({ url: "http://localhost:3100", service: "svc" });
 * new Machine({ Foo: {} }, { tracers: [loki] });
 * ```
 */
export class LokiLogger implements Tracer, AsyncDisposable {
  /** "loki". */
  readonly id = "loki";
  /** Whether submachines get it too. */
  readonly inheritable: boolean;
  /** Lines pushed. */
  sent = 0;
  /** Lines dropped: over the buffer, or in batches that failed all retries. */
  dropped = 0;
  /** Pushes that failed all retries. */
  failures = 0;
  /** The last failure. */
  lastError: Error | undefined;
  #opts: LokiOptions;
  #push: string;
  #buf: Entry[] = [];
  #streams = new Map<string, Record<string, string>>();
  #offs = new Map<string, () => void>();
  #machines = new Map<string, Api>();
  #disposed: Promise<void> | undefined;
  #timer: ReturnType<typeof setInterval>;
  #inFlight: Promise<void> | undefined;
  #lastMs = 0;
  #seq = 0;
  /** After failures, no push before this time (ms): a down Loki isn't hammered. */
  #cooldownUntil = 0;
  #cooldown = 0;
  #flushQueued = false;

  /**
   * Creates one.
   *
   * @param opts Loki's URL, labels, batching and limits.
   */
  constructor(opts: LokiOptions) {
    this.#opts = opts;
    this.inheritable = opts.inherit ?? false;
    this.#push = opts.url.replace(/\/+$/, "") + "/loki/api/v1/push";
    this.#timer = setInterval(() => void this.#flush(), opts.flushMs ?? 1000);
    Deno.unrefTimer?.(this.#timer);
  }

  /** Lines waiting. */
  get buffered(): number {
    return this.#buf.length;
  }

  /** Starts listening to the machine's log. */
  machineInit(mach: Api): void {
    if (this.#offs.has(mach.id) || this.#disposed) return;
    this.#machines.set(mach.id, mach);
    const base: Record<string, string> = {
      ...this.#opts.labels,
      asyncmachine_id: mach.id,
    };
    if (this.#opts.service) base.service_name = normalizeId(this.#opts.service);
    // one stream per level: keys computed once, not per line
    const keys: Record<string, string> = {};
    for (const level of ["info", "debug"]) {
      const labels = { ...base, level };
      keys[level] = JSON.stringify(labels);
      this.#streams.set(keys[level], labels);
    }
    this.#offs.set(
      mach.id,
      mach.onLog((level, _text, line) => {
        this.#add(keys[lokiLevel(level)], line);
      }),
    );
    mach.log("[bind] loki logger");
  }

  #add(key: string, line: string): void {
    // ns timestamps, strictly increasing within a millisecond
    const ms = Date.now();
    this.#seq = ms === this.#lastMs ? this.#seq + 1 : 0;
    this.#lastMs = ms;
    this.#buf.push({ stream: key, ms, seq: this.#seq, line });
    const max = this.#opts.maxBuffer ?? 10_000;
    if (this.#buf.length > max) {
      // drop the oldest tenth at once: amortized, not a shift per line
      const over = this.#buf.length - max + Math.ceil(max / 10);
      this.#buf.splice(0, over);
      this.dropped += over;
    }
    if (
      this.#buf.length >= (this.#opts.batchSize ?? 500) && !this.#inFlight && !this.#flushQueued &&
      this.#lastMs >= this.#cooldownUntil
    ) {
      this.#flushQueued = true;
      queueMicrotask(() => {
        this.#flushQueued = false;
        void this.#flush();
      });
    }
  }

  /**
   * Pushes what's buffered (one push at a time); never rejects. Skipped
   * while backing off after failures (dispose tries anyway).
   */
  flush(): Promise<void> {
    return this.#flush();
  }

  #flush(force = false): Promise<void> {
    if (this.#inFlight) return this.#inFlight;
    if (this.#buf.length === 0) return Promise.resolve();
    if (!force && Date.now() < this.#cooldownUntil) return Promise.resolve();
    this.#inFlight = this.#flushAll().finally(() => this.#inFlight = undefined);
    return this.#inFlight;
  }

  async #flushAll(): Promise<void> {
    while (this.#buf.length > 0) {
      const batch = this.#buf.splice(0, this.#opts.batchSize ?? 500);
      const streams = new Map<string, [string, string][]>();
      for (const e of batch) {
        let values = streams.get(e.stream);
        if (!values) streams.set(e.stream, values = []);
        values.push([nanos(e.ms, e.seq), e.line]);
      }
      const body = JSON.stringify({
        streams: [...streams].map(([key, values]) => ({ stream: this.#streams.get(key), values })),
      });
      if (await this.#send(body)) {
        this.sent += batch.length;
        this.#cooldown = 0;
      } else {
        this.dropped += batch.length;
        // back off: 1 s, doubling, at most 30 s; the buffer stays bounded meanwhile
        this.#cooldown = Math.min(30_000, this.#cooldown ? this.#cooldown * 2 : 1000);
        this.#cooldownUntil = Date.now() + this.#cooldown;
        return;
      }
    }
  }

  async #send(body: string): Promise<boolean> {
    const o = this.#opts;
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (o.authorization) headers.authorization = o.authorization;
    try {
      const res = await fetchRetrying(this.#push, { method: "POST", headers, body }, {
        retries: o.retries ?? 3,
        backoffMs: o.backoffMs ?? 200,
        timeoutMs: o.timeoutMs ?? 5000,
        retryStatus: (status) => status >= 500 || status === 429,
      });
      if (res.ok) return true;
      this.lastError = new Error(`loki ${this.#push}: ${res.status} ${res.text.slice(0, 200)}`);
    } catch (e) {
      this.lastError = new Error(`loki ${this.#push}: ${e instanceof Error ? e.message : e}`);
    }
    this.failures++;
    try {
      o.onError?.(this.lastError!);
    } catch {
      // a broken reporter can't break logging
    }
    return false;
  }

  /** Stops listening to the machine; a disposed root flushes. */
  machineDispose(id: string): void {
    this.#offs.get(id)?.();
    this.#offs.delete(id);
    this.#machines.delete(id);
    if (this.#offs.size === 0) void this.#flush();
  }

  /** Stops listening, detaches, stops the timer and pushes what's left; once. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.#disposed ??= (async () => {
      for (const off of this.#offs.values()) off();
      this.#offs.clear();
      for (const mach of this.#machines.values()) mach.detachTracer(this.id);
      this.#machines.clear();
      clearInterval(this.#timer);
      // a last try even while backing off (the second waits for one in flight)
      await this.#flush(true);
      await this.#flush(true);
    })();
  }

  /**
   * {@linkcode LokiLogger[Symbol.asyncDispose]}.
   *
   * @deprecated Use `await using` or `[Symbol.asyncDispose]()`.
   */
  dispose(): Promise<void> {
    return this[Symbol.asyncDispose]();
  }
}

/**
 * Pushes a machine's log lines to Loki (`POST /loki/api/v1/push`, JSON
 * streams labeled `service_name`, `asyncmachine_id`, `level`).
 *
 * @example Usage
 * ```ts ignore
 * import { LogLevel, Machine } from "@asyncmachine/telemetry/machine";
 * import { bindLokiLogger } from "@asyncmachine/telemetry/loki";
 * const mach = new Machine({ Foo: {} }, { logLevel: LogLevel.Ops });
 * await using loki = bindLokiLogger(mach, { url: "http://localhost:3100", service: "my-service" });
 * mach.add(["Foo"]);
 * await loki.flush(); // also on dispose
 * ```
 */
export function bindLokiLogger(mach: Api, opts: LokiOptions): LokiLogger {
  const logger = new LokiLogger(opts);
  mach.bindTracer(logger);
  return logger;
}

/**
 * Upstream's BindLokiEnv: with AM_SERVICE and AM_LOKI_ADDR (`host:port`, or
 * a URL), binds a {@linkcode LokiLogger} labeled with AM_HOSTNAME too;
 * undefined otherwise (also without env access).
 *
 * @param mach The machine.
 * @param config The settings; default read from the env.
 *
 * @example Usage
 * ```ts
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * import { bindLokiEnv } from "@asyncmachine/telemetry/loki";
 * bindLokiEnv(new Machine({ Foo: {} })); // undefined unless the env asks
 * ```
 */
export function bindLokiEnv(
  mach: Api,
  config?: TelemetryConfig,
): LokiLogger | undefined {
  config ??= readTelemetryConfig();
  const { service, lokiUrl: url, hostname } = config;
  if (!service || !url) return undefined;
  return bindLokiLogger(mach, { url, service, labels: hostname ? { hostname } : undefined });
}
