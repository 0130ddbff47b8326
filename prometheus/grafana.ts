/**
 * Grafana dashboards for machine metrics: per machine the panels
 * asyncmachine-go's generator makes, in today's `panels`/`gridPos` schema.
 *
 * @module
 */

import { gaugeMetricName, type GaugeName } from "./gauges.ts";
import { escapeLabelValue, normalizeId } from "./names.ts";

/** Options of {@linkcode grafanaDashboard}. */
export interface DashboardOptions {
  /** Dashboard title; default "asyncmachine". */
  title?: string;
  /** The service (Prometheus `job`, Loki `service_name`); filters when set. */
  source?: string;
  /** Target upstream's per-machine names instead of `mach_id` labels. */
  legacyNames?: boolean;
  /** Add a Loki logs row per machine; default true. */
  logs?: boolean;
  /** Dashboard uid; default derived from the title. */
  uid?: string;
}

/** A Grafana dashboard model (JSON). */
export type Dashboard = Record<string, unknown>;

interface Target {
  expr: string;
  legend?: string;
}

/**
 * Builds a dashboard for the given machine ids, with a Prometheus (and a
 * Loki) datasource variable. Panels per machine: Transitions, Transition
 * errors, Transition Mutations, Transition Details, States and Relations,
 * Average transition time, Logs.
 *
 * @example Usage
 * ```ts
 * import { grafanaDashboard } from "@asyncmachine/telemetry/prometheus";
 * const json = JSON.stringify(grafanaDashboard(["mach1", "mach-2"], { source: "my-service" }));
 * ```
 */
export function grafanaDashboard(ids: string[], opts: DashboardOptions = {}): Dashboard {
  const title = opts.title ?? "asyncmachine";
  const job = opts.source ? normalizeId(opts.source) : undefined;
  const legacy = opts.legacyNames ?? false;
  const panels: Record<string, unknown>[] = [];
  let id = 1;
  let y = 0;
  const prom = { type: "prometheus", uid: "${prometheus}" };
  const loki = { type: "loki", uid: "${loki}" };

  for (const machId of ids) {
    const sel = (gauge: GaugeName): string => {
      const name = gaugeMetricName(gauge, machId, legacy);
      const matchers = [
        ...(legacy ? [] : [`mach_id="${escapeLabelValue(machId)}"`]),
        ...(job ? [`job="${job}"`] : []),
      ];
      return matchers.length ? `${name}{${matchers.join(", ")}}` : name;
    };
    const panel = (
      type: string,
      title: string,
      targets: Target[],
      x: number,
      w: number,
      h = 8,
    ): Record<string, unknown> => ({
      id: id++,
      type,
      title,
      datasource: prom,
      gridPos: { x, y, w, h },
      targets: targets.map((t, i) => ({
        refId: String.fromCharCode(65 + i),
        datasource: prom,
        expr: t.expr,
        legendFormat: t.legend ?? "",
      })),
      fieldConfig: { defaults: {}, overrides: [] },
      options: {},
    });

    panels.push({
      id: id++,
      type: "row",
      title: `Mach: ${machId}`,
      collapsed: false,
      gridPos: { x: 0, y: y++, w: 24, h: 1 },
      panels: [],
    });
    panels.push(
      panel(
        "timeseries",
        "Transitions",
        [{ expr: sel("transitionsCount"), legend: "Number of transitions" }],
        0,
        12,
      ),
      panel(
        "heatmap",
        "Transition errors",
        [{ expr: sel("exceptionsCount"), legend: "Exception" }],
        12,
        12,
      ),
    );
    y += 8;
    panels.push(
      panel(
        "timeseries",
        "Transition Mutations",
        [
          { expr: sel("queueSize"), legend: "Avg queue size" },
          { expr: sel("handlersAmount"), legend: "Avg handlers ran" },
          { expr: sel("statesAdded"), legend: "Avg states added" },
          { expr: sel("statesRemoved"), legend: "Avg states removed" },
        ],
        0,
        12,
      ),
      panel(
        "timeseries",
        "Transition Details",
        [
          { expr: sel("txTick"), legend: "Avg machine time taken (ticks)" },
          { expr: sel("stepsAmount"), legend: "Avg number of steps" },
          { expr: sel("statesTouched"), legend: "Avg states touched" },
        ],
        12,
        12,
      ),
    );
    y += 8;
    panels.push(
      panel(
        "timeseries",
        "States and Relations",
        [
          { expr: sel("refStatesAmount"), legend: "States referenced in relations" },
          {
            expr: `${sel("relAmount")} / ${sel("statesAmount")}`,
            legend: "Avg number of relations per state",
          },
          { expr: sel("relAmount"), legend: "Number of relations" },
          { expr: sel("statesActiveAmount"), legend: "Avg active states" },
          { expr: sel("statesInactiveAmount"), legend: "Avg inactive states" },
        ],
        0,
        12,
      ),
      panel(
        "heatmap",
        "Average transition time",
        [{ expr: sel("txTime"), legend: "Human time (μs)" }],
        12,
        12,
      ),
    );
    y += 8;
    if (opts.logs ?? true) {
      const stream = [
        ...(job ? [`service_name="${job}"`] : []),
        `asyncmachine_id="${escapeLabelValue(machId)}"`,
      ].join(", ");
      panels.push({
        id: id++,
        type: "logs",
        title: "Logs",
        datasource: loki,
        gridPos: { x: 0, y, w: 24, h: 10 },
        targets: [{ refId: "A", datasource: loki, expr: `{${stream}}` }],
        options: { showTime: true, wrapLogMessage: true, sortOrder: "Descending" },
      });
      y += 10;
    }
  }

  return {
    uid: opts.uid ?? ("am-" + normalizeId(title)).slice(0, 40),
    title,
    tags: ["asyncmachine", "generated"],
    editable: true,
    graphTooltip: 1,
    refresh: "5s",
    schemaVersion: 39,
    version: 1,
    time: { from: "now-5m", to: "now" },
    timepicker: { refresh_intervals: ["5s", "10s", "30s", "1m", "5m", "15m", "30m", "1h"] },
    templating: {
      list: [
        { name: "prometheus", label: "Prometheus", type: "datasource", query: "prometheus" },
        ...(opts.logs ?? true
          ? [{ name: "loki", label: "Loki", type: "datasource", query: "loki" }]
          : []),
      ],
    },
    annotations: { list: [] },
    panels,
  };
}
