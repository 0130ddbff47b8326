/**
 * The one place that reads the environment: every `AM_*` and `OTEL_*`
 * variable the exporters honour, read once per call, permission-safe (never
 * prompting; without env access every variable reads as unset), into a
 * typed {@linkcode TelemetryConfig}. Constructors take their settings from
 * options built from it; nothing else reads or writes the environment.
 *
 * @module
 */

import { getEnv } from "./env.ts";

/** Settings of the OpenTelemetry tracer (`AM_OTEL_TRACE*`, `OTEL_*`). */
export interface OtelConfig {
  /** `AM_OTEL_TRACE`: trace machines. */
  trace: boolean;
  /** `AM_OTEL_TRACE_TXS`: transition spans too. */
  traceTxs: boolean;
  /** `AM_OTEL_TRACE_ARGS`: logged args on transition spans. */
  traceArgs: boolean;
  /** `AM_OTEL_TRACE_NOAUTO`: no spans for automatic transitions. */
  noAuto: boolean;
  /** `AM_OTEL_TRACE_ALLOW_STATES`, comma separated. */
  allowStates: string[] | undefined;
  /** `AM_OTEL_TRACE_SKIP_STATES`, comma separated. */
  skipStates: string[] | undefined;
  /** `AM_OTEL_TRACE_ALLOW_STATES_RE`, as written (compiled by the binder). */
  allowStatesRe: string | undefined;
  /** `AM_OTEL_TRACE_SKIP_STATES_RE`, as written. */
  skipStatesRe: string | undefined;
  /** `AM_OTEL_TRACE_ID` + `AM_OTEL_SPAN_ID`: a remote parent, when both are valid. */
  parent: { traceId: string; spanId: string } | undefined;
  /** `OTEL_DENO` is `true` or `1`: Deno's built-in OpenTelemetry exports. */
  denoOtel: boolean;
  /** The OTLP/HTTP traces endpoint (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, or `…_ENDPOINT` + `/v1/traces`). */
  tracesEndpoint: string | undefined;
}

/** Every telemetry setting the environment gives, typed. */
export interface TelemetryConfig {
  /** `AM_SERVICE`. */
  service: string | undefined;
  /** `AM_HOSTNAME` (a Loki label). */
  hostname: string | undefined;
  /** `AM_LOG` (0-5), if valid. */
  logLevel: number | undefined;
  /** `AM_LOG_PRINT`: print the machine's log. */
  logPrint: boolean;
  /** `AM_DBG_ADDR` as written (`1` = am-dbg's default address). */
  dbgAddr: string | undefined;
  /** `AM_DBG_TRACE` / `AM_DBG_NO_TRACE`: stack traces on (true), off (false) or unset. */
  dbgStackTraces: boolean | undefined;
  /** `AM_RPC_DBG`: trace RPC/relay submachines too. */
  rpcDbg: boolean;
  /** `AM_PROM_PUSH_URL`: the Pushgateway. */
  promPushUrl: string | undefined;
  /** `AM_GRAFANA_URL`. */
  grafanaUrl: string | undefined;
  /** `AM_GRAFANA_TOKEN`. */
  grafanaToken: string | undefined;
  /** `AM_LOKI_ADDR` as a URL (`host:port` gets `http://`). */
  lokiUrl: string | undefined;
  /** The OpenTelemetry settings. */
  otel: OtelConfig;
  /** A collector's dbg endpoint (the Deno Deploy example reads these). */
  dbgEndpoint: DbgEndpointConfig;
}

/** A dbg collector endpoint's settings, as {@linkcode readTelemetryConfig} reads them. */
export interface DbgEndpointConfig {
  /** `AM_DBG_TOKEN`: the bearer token that enables remote ingest. */
  token: string | undefined;
  /** `AM_DBG_PUBLIC_READ=1`: anyone may read (page, queries, streams). */
  publicRead: boolean;
  /** `AM_DBG_CORS`: an origin to allow (`1` or `*`: any). */
  cors: string | undefined;
  /** `AM_DBG_KV`: keep the hub in Deno KV (`1`: the default KV, else a path or URL). */
  kv: string | undefined;
}

/**
 * One variable, permission-safe: for helpers that take a variable's name
 * (upstream's EnvLogLevel), so they too read through this module.
 *
 * @example Usage
 * ```ts
 * import { envVar } from "./config.ts";
 * envVar("AM_LOG"); // undefined without --allow-env
 * ```
 */
export function envVar(name: string): string | undefined {
  return getEnv(name);
}

/** Reads one variable; a function so tests and embedders can pass their own. */
export type EnvSource = (name: string) => string | undefined;

function list(v: string | undefined): string[] | undefined {
  return v ? v.split(",").map((s) => s.trim()).filter(Boolean) : undefined;
}

function parent(
  traceId: string | undefined,
  spanId: string | undefined,
): { traceId: string; spanId: string } | undefined {
  const t = traceId?.toLowerCase();
  const s = spanId?.toLowerCase();
  if (!t || !s) return undefined;
  if (!/^[0-9a-f]{32}$/.test(t) || /^0+$/.test(t)) return undefined;
  if (!/^[0-9a-f]{16}$/.test(s) || /^0+$/.test(s)) return undefined;
  return { traceId: t, spanId: s };
}

/**
 * Reads every telemetry variable once into a {@linkcode TelemetryConfig}.
 * Permission-safe: without `--allow-env` (or with a denied variable) the
 * variable reads as unset, nothing prompts or throws.
 *
 * @param env Where variables come from; default the process env.
 *
 * @example Usage
 * ```ts
 * import { readTelemetryConfig } from "@asyncmachine/telemetry";
 * const config = readTelemetryConfig((name) => ({ AM_SERVICE: "svc", AM_LOG: "2" })[name]);
 * config.service; // "svc"
 * config.logLevel; // 2
 * ```
 */
export function readTelemetryConfig(env?: EnvSource): TelemetryConfig {
  env ??= getEnv;
  const v = (name: string): string | undefined => env(name) || undefined;
  const level = Number(v("AM_LOG"));
  const loki = v("AM_LOKI_ADDR");
  const otlpBase = v("OTEL_EXPORTER_OTLP_ENDPOINT");
  const denoOtel = v("OTEL_DENO");
  return {
    service: v("AM_SERVICE"),
    hostname: v("AM_HOSTNAME"),
    logLevel: v("AM_LOG") !== undefined && Number.isInteger(level) && level >= 0 && level <= 5
      ? level
      : undefined,
    logPrint: !!v("AM_LOG_PRINT"),
    dbgAddr: v("AM_DBG_ADDR"),
    dbgStackTraces: v("AM_DBG_NO_TRACE") ? false : v("AM_DBG_TRACE") ? true : undefined,
    rpcDbg: !!v("AM_RPC_DBG"),
    promPushUrl: v("AM_PROM_PUSH_URL"),
    grafanaUrl: v("AM_GRAFANA_URL"),
    grafanaToken: v("AM_GRAFANA_TOKEN"),
    lokiUrl: loki === undefined ? undefined : /^https?:\/\//.test(loki) ? loki : `http://${loki}`,
    otel: {
      trace: !!v("AM_OTEL_TRACE"),
      traceTxs: !!v("AM_OTEL_TRACE_TXS"),
      traceArgs: !!v("AM_OTEL_TRACE_ARGS"),
      noAuto: !!v("AM_OTEL_TRACE_NOAUTO"),
      allowStates: list(v("AM_OTEL_TRACE_ALLOW_STATES")),
      skipStates: list(v("AM_OTEL_TRACE_SKIP_STATES")),
      allowStatesRe: v("AM_OTEL_TRACE_ALLOW_STATES_RE"),
      skipStatesRe: v("AM_OTEL_TRACE_SKIP_STATES_RE"),
      parent: parent(v("AM_OTEL_TRACE_ID"), v("AM_OTEL_SPAN_ID")),
      denoOtel: denoOtel === "true" || denoOtel === "1",
      tracesEndpoint: v("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") ??
        (otlpBase ? otlpBase.replace(/\/+$/, "") + "/v1/traces" : undefined),
    },
    dbgEndpoint: {
      token: v("AM_DBG_TOKEN"),
      publicRead: v("AM_DBG_PUBLIC_READ") === "1",
      cors: v("AM_DBG_CORS"),
      kv: v("AM_DBG_KV"),
    },
  };
}

/**
 * The am-dbg address a config asks for: `AM_DBG_ADDR` (`1` = am-dbg's
 * default `localhost:6831`), else the default.
 *
 * @example Usage
 * ```ts
 * import { dbgAddrOf, readTelemetryConfig } from "@asyncmachine/telemetry";
 * dbgAddrOf(readTelemetryConfig(() => "1")); // "localhost:6831"
 * ```
 */
export function dbgAddrOf(config: Pick<TelemetryConfig, "dbgAddr">): string {
  const addr = config.dbgAddr;
  return !addr || addr === "1" ? "localhost:6831" : addr;
}

/**
 * Whether a machine is an RPC/relay machine (tags `rpc-*` or `relay`),
 * which exporters skip as submachines unless `rpcDbg` (AM_RPC_DBG) is set.
 *
 * @example Usage
 * ```ts
 * import { isRpcMachine } from "./config.ts";
 * isRpcMachine(["rpc-server"]); // true
 * isRpcMachine(["rpc-server"], true); // false
 * ```
 */
export function isRpcMachine(tags: readonly string[], rpcDbg?: boolean): boolean {
  if (rpcDbg) return false;
  return tags.some((t) => t.startsWith("rpc-") || t === "relay");
}

/**
 * The settings for an env binder, or undefined for a submachine: env
 * binders bind top-level machines only (upstream's rule; submachines
 * follow through inheritance). Reads the env unless given a config.
 *
 * @example Usage
 * ```ts
 * import { topLevelConfig } from "./config.ts";
 * topLevelConfig({ parentId: "p" }); // undefined
 * ```
 */
export function topLevelConfig(
  mach: { readonly parentId: string },
  config?: TelemetryConfig,
): TelemetryConfig | undefined {
  return mach.parentId === "" ? config ?? readTelemetryConfig() : undefined;
}
