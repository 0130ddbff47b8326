/**
 * Grafana dashboards created and updated through Grafana's HTTP API, and
 * kept in sync as submachines appear (asyncmachine-go's MachDashboardEnv).
 *
 * @module
 */

import { type TelemetryConfig, topLevelConfig } from "../internal/config.ts";
import type { Api, Tracer } from "../machine/mod.ts";
import { type DashboardOptions, grafanaDashboard } from "./grafana.ts";
import { normalizeId } from "./names.ts";

/** Options of {@linkcode syncGrafanaDashboard}. */
export interface GrafanaSyncOptions extends DashboardOptions {
  /** Grafana's base URL, e.g. `http://localhost:3000`. */
  url: string;
  /** A service account token (sent as a bearer token). */
  token: string;
  /** Folder title, created when missing; default "asyncmachine". */
  folder?: string;
  /** Timeout per request, ms; default 5000. */
  timeoutMs?: number;
}

/** What Grafana answered to the dashboard upsert. */
export interface GrafanaSyncResult {
  /** Dashboard uid. */
  uid: string;
  /** Folder uid. */
  folderUid: string;
  /** Dashboard URL path, as Grafana returns it. */
  url: string;
  /** Dashboard version after the update. */
  version: number;
}

/**
 * A stable dashboard uid for a set of machine ids (order-independent, ≤ 40
 * chars, as Grafana requires).
 *
 * @example Usage
 * ```ts
 * import { dashboardUid } from "@asyncmachine/telemetry/prometheus";
 * dashboardUid(["b", "a"]) === dashboardUid(["a", "b"]); // true
 * ```
 */
export function dashboardUid(ids: string[]): string {
  // FNV-1a over the sorted ids: stable across processes
  let h = 0x811c9dc5;
  for (const c of [...ids].sort().join("\n")) {
    h ^= c.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  const slug = normalizeId([...ids].sort()[0] ?? "none").slice(0, 20);
  return `am-${slug}-${h.toString(16).padStart(8, "0")}`;
}

async function api(
  opts: GrafanaSyncOptions,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const res = await fetch(opts.url.replace(/\/+$/, "") + path, {
    method,
    headers: {
      authorization: `Bearer ${opts.token}`,
      accept: "application/json",
      ...(body ? { "content-type": "application/json" } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`grafana ${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : {};
}

/**
 * Creates the folder if missing, then creates or updates the dashboard of
 * `ids` (built by {@linkcode grafanaDashboard}) with a stable uid.
 * Rejects on any failure.
 *
 * @example Usage
 * ```ts ignore
 * import { syncGrafanaDashboard } from "@asyncmachine/telemetry/prometheus";
 * await syncGrafanaDashboard(["mach1"], { url: "http://localhost:3000", token: "glsa_…" });
 * ```
 */
export async function syncGrafanaDashboard(
  ids: string[],
  opts: GrafanaSyncOptions,
): Promise<GrafanaSyncResult> {
  const title = opts.folder ?? "asyncmachine";
  const folders = await api(opts, "GET", "/api/folders") as { uid: string; title: string }[];
  let folderUid = folders.find((f) => f.title === title)?.uid;
  if (!folderUid) {
    const created = await api(opts, "POST", "/api/folders", {
      uid: "am-" + normalizeId(title).slice(0, 36),
      title,
    }) as { uid: string };
    folderUid = created.uid;
  }
  const uid = opts.uid ?? dashboardUid(ids);
  const dashboard = { ...grafanaDashboard(ids, { ...opts, uid }), id: null };
  const res = await api(opts, "POST", "/api/dashboards/db", {
    dashboard,
    folderUid,
    overwrite: true,
    message: `asyncmachine: ${ids.join(", ")}`,
  }) as { uid: string; url: string; version: number };
  return { uid: res.uid ?? uid, folderUid, url: res.url ?? "", version: res.version ?? 0 };
}

/**
 * Keeps a dashboard of a machine and its submachines in Grafana: synced on
 * bind and, debounced, when submachines appear. Failures are counted and
 * reported, never thrown into the machine. Dispose (`await using`) runs a
 * pending sync and detaches.
 *
 * @example Usage
 * ```ts ignore
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * import { GrafanaSyncTracer } from "@asyncmachine/telemetry/prometheus";
 * await using grafana = new GrafanaSyncTracer({ url: "http://localhost:3000", token: "…" });
 * new Machine({ Foo: {} }, { id: "m1", tracers: [grafana] });
 * await grafana.flush();
 * ```
 */
export class GrafanaSyncTracer implements Tracer, AsyncDisposable {
  /** "grafanasync". */
  readonly id = "grafanasync";
  /** Machine ids on the dashboard. */
  readonly ids: string[] = [];
  /** Successful syncs. */
  syncs = 0;
  /** Failed syncs. */
  failures = 0;
  /** The last failure. */
  lastError: Error | undefined;
  #opts: GrafanaSyncOptions & { debounceMs?: number; onError?: (e: Error) => void };
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #machines: Api[] = [];
  #disposed: Promise<void> | undefined;

  /**
   * Creates one.
   *
   * @param opts Grafana's URL, token, folder; `debounceMs` (default 500).
   */
  constructor(opts: GrafanaSyncOptions & { debounceMs?: number; onError?: (e: Error) => void }) {
    this.#opts = opts;
  }

  /** Adds the machine and syncs. */
  machineInit(mach: Api): void {
    if (this.#disposed) return;
    if (!this.#machines.includes(mach)) this.#machines.push(mach);
    if (!this.ids.includes(mach.id)) this.ids.push(mach.id);
    this.#schedule(0);
  }

  /** Adds the submachine, re-syncs debounced. */
  newSubmachine(_parent: Api, mach: Api): void {
    if (this.ids.includes(mach.id)) return;
    this.ids.push(mach.id);
    this.#schedule(this.#opts.debounceMs ?? 500);
  }

  #schedule(ms: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.sync();
    }, ms);
    Deno.unrefTimer?.(this.#timer);
  }

  /** Syncs now (one at a time; a call during a sync queues one more). Never rejects. */
  sync(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        try {
          await syncGrafanaDashboard([...this.ids], this.#opts);
          this.syncs++;
        } catch (e) {
          this.failures++;
          this.lastError = e instanceof Error ? e : new Error(String(e));
          try {
            this.#opts.onError?.(this.lastError);
          } catch {
            // a broken reporter can't break syncing
          }
        }
      } while (this.#again);
    })().finally(() => this.#running = undefined);
    return this.#running;
  }

  /** Runs a pending (debounced) sync now and waits for it, or for a running one. */
  async flush(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      await this.sync();
    }
    while (this.#running) await this.#running;
  }

  /**
   * {@linkcode GrafanaSyncTracer.flush}.
   *
   * @deprecated Use {@linkcode GrafanaSyncTracer.flush}.
   */
  flushed(): Promise<void> {
    return this.flush();
  }

  /** Runs a pending sync, detaches from the machines; once. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.#disposed ??= (async () => {
      await this.flush();
      for (const mach of this.#machines) mach.detachTracer(this.id);
      this.#machines = [];
    })();
  }

  /**
   * Cancels a pending sync (no detach).
   *
   * @deprecated Use `await using` or `[Symbol.asyncDispose]()`, which syncs first.
   */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/**
 * Upstream's MachDashboardEnv: with AM_GRAFANA_URL, AM_GRAFANA_TOKEN and
 * AM_SERVICE, keeps a dashboard of the (top-level) machine and its
 * submachines in Grafana. Undefined otherwise, also without env access.
 *
 * @param mach A top-level machine.
 * @param config The settings; default read from the env.
 *
 * @example Usage
 * ```ts
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * import { bindGrafanaEnv } from "@asyncmachine/telemetry/prometheus";
 * bindGrafanaEnv(new Machine({ Foo: {} })); // undefined unless the env asks
 * ```
 */
export function bindGrafanaEnv(
  mach: Api,
  config?: TelemetryConfig,
): GrafanaSyncTracer | undefined {
  const { grafanaUrl: url, grafanaToken: token, service } = topLevelConfig(mach, config) ?? {};
  if (!url || !token || !service) return undefined;
  const tracer = new GrafanaSyncTracer({
    url,
    token,
    source: service,
    title: `asyncmachine: ${service}`,
  });
  mach.bindTracer(tracer);
  return tracer;
}

/**
 * Upstream's name for {@linkcode bindGrafanaEnv}.
 *
 * @deprecated Use {@linkcode bindGrafanaEnv}.
 *
 * @example Usage
 * ```ts
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * import { machDashboardEnv } from "@asyncmachine/telemetry/prometheus";
 * machDashboardEnv(new Machine({ Foo: {} })); // undefined unless the env asks
 * ```
 */
export function machDashboardEnv(mach: Api): GrafanaSyncTracer | undefined {
  return bindGrafanaEnv(mach);
}
