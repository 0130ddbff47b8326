/**
 * Grafana dashboards for machine metrics, in today's `panels`/`gridPos`
 * schema: on the labeled metrics, rates and quantiles per machine chosen by
 * a `mach_id` variable; on upstream's legacy names, its generator's panels
 * per machine.
 *
 * @module
 */

import { StateException } from "../machine/mod.ts";
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

type Panel = Record<string, unknown>;

const PROM = { type: "prometheus", uid: "${prometheus}" };
const LOKI = { type: "loki", uid: "${loki}" };

/** Lays panels out left to right, 24 columns wide, rows as they fill. */
class Grid {
  readonly panels: Panel[] = [];
  #id = 1;
  #x = 0;
  #y = 0;
  #rowH = 0;

  row(title: string): void {
    this.#newLine();
    this.panels.push({
      id: this.#id++,
      type: "row",
      title,
      collapsed: false,
      gridPos: { x: 0, y: this.#y++, w: 24, h: 1 },
      panels: [],
    });
  }

  add(panel: Panel, w: number, h?: number): void {
    h ??= 8;
    if (this.#x + w > 24) this.#newLine();
    this.panels.push({ id: this.#id++, ...panel, gridPos: { x: this.#x, y: this.#y, w, h } });
    this.#x += w;
    this.#rowH = Math.max(this.#rowH, h);
  }

  #newLine(): void {
    this.#y += this.#rowH;
    this.#x = 0;
    this.#rowH = 0;
  }
}

function timeseries(title: string, targets: Target[], unit?: string): Panel {
  return {
    type: "timeseries",
    title,
    datasource: PROM,
    targets: targets.map((t, i) => ({
      refId: String.fromCharCode(65 + i),
      datasource: PROM,
      expr: t.expr,
      legendFormat: t.legend ?? "",
    })),
    fieldConfig: { defaults: unit ? { unit } : {}, overrides: [] },
    options: {},
  };
}

function logsPanel(expr: string): Panel {
  return {
    type: "logs",
    title: "Logs",
    datasource: LOKI,
    targets: [{ refId: "A", datasource: LOKI, expr }],
    options: { showTime: true, wrapLogMessage: true, sortOrder: "Descending" },
  };
}

/** One line of a gauge panel: a gauge (or a ratio of two), legend in each mode. */
interface GaugeLine {
  gauge: GaugeName | readonly [GaugeName, GaugeName];
  /** Upstream's legend (legacy rows). */
  legacy: string;
  /** Legend after `{{mach_id}} ` (labeled panels). */
  label: string;
}

/** The window-average panels both layouts share, as upstream's generator groups them. */
const GAUGE_PANELS: readonly { title: string; lines: readonly GaugeLine[] }[] = [
  {
    title: "Transition Mutations",
    lines: [
      { gauge: "queueSize", legacy: "Avg queue size", label: "queue size" },
      { gauge: "handlersAmount", legacy: "Avg handlers ran", label: "handlers ran" },
      { gauge: "statesAdded", legacy: "Avg states added", label: "states added" },
      { gauge: "statesRemoved", legacy: "Avg states removed", label: "states removed" },
    ],
  },
  {
    title: "Transition Details",
    lines: [
      { gauge: "txTick", legacy: "Avg machine time taken (ticks)", label: "machine time (ticks)" },
      { gauge: "stepsAmount", legacy: "Avg number of steps", label: "steps" },
      { gauge: "statesTouched", legacy: "Avg states touched", label: "states touched" },
    ],
  },
  {
    title: "States and Relations",
    lines: [
      {
        gauge: "refStatesAmount",
        legacy: "States referenced in relations",
        label: "states referenced in relations",
      },
      {
        gauge: ["relAmount", "statesAmount"],
        legacy: "Avg number of relations per state",
        label: "relations per state",
      },
      { gauge: "relAmount", legacy: "Number of relations", label: "relations" },
      { gauge: "statesActiveAmount", legacy: "Avg active states", label: "active states" },
      { gauge: "statesInactiveAmount", legacy: "Avg inactive states", label: "inactive states" },
    ],
  },
];

/** The shared gauge panels, with `sel` naming a gauge's series. */
function gaugePanels(grid: Grid, sel: (gauge: GaugeName) => string, labeled: boolean): void {
  for (const { title, lines } of GAUGE_PANELS) {
    grid.add(
      timeseries(
        title,
        lines.map(({ gauge, legacy, label }) => ({
          expr: typeof gauge === "string" ? sel(gauge) : `${sel(gauge[0])} / ${sel(gauge[1])}`,
          legend: labeled ? `{{mach_id}} ${label}` : legacy,
        })),
      ),
      12,
    );
  }
}

/**
 * Panels on the labeled metrics, for every machine the `mach_id` variable
 * selects: rates of the counters, quantiles of the duration histogram,
 * then the window averages.
 */
function labeledPanels(grid: Grid, job: string | undefined, logs: boolean): void {
  const m = [`mach_id=~"$mach_id"`, ...(job ? [`job="${job}"`] : [])].join(", ");
  const rate = (name: string, by = "mach_id") =>
    `sum by (${by}) (rate(${name}{${m}}[$__rate_interval]))`;
  const g = (gauge: GaugeName) => `${gaugeMetricName(gauge, "", false)}{${m}}`;
  const q = (quantile: number) =>
    `histogram_quantile(${quantile}, ${
      rate("am_transition_duration_seconds_bucket", "mach_id, le")
    })`;
  grid.row("Transitions");
  grid.add(
    timeseries("Transitions /s", [{ expr: rate("am_transitions_total"), legend: "{{mach_id}}" }]),
    8,
  );
  grid.add(
    timeseries("Exceptions /s", [{ expr: rate("am_exceptions_total"), legend: "{{mach_id}}" }]),
    8,
  );
  grid.add(
    timeseries("Transition duration", [
      { expr: q(0.5), legend: "{{mach_id}} p50" },
      { expr: q(0.99), legend: "{{mach_id}} p99" },
      {
        expr: `${rate("am_transition_duration_seconds_sum")} / ${
          rate("am_transition_duration_seconds_count")
        }`,
        legend: "{{mach_id}} mean",
      },
    ], "s"),
    8,
  );
  grid.row("Per transition (window averages)");
  gaugePanels(grid, g, true);
  grid.add(
    timeseries("Transitions and exceptions per window", [
      { expr: g("transitionsCount"), legend: "{{mach_id}} transitions" },
      { expr: g("exceptionsCount"), legend: "{{mach_id}} exceptions" },
    ]),
    12,
  );
  if (logs) {
    grid.row("Logs");
    const stream = [...(job ? [`service_name="${job}"`] : []), `asyncmachine_id=~"$mach_id"`];
    grid.add(logsPanel(`{${stream.join(", ")}}`), 24, 10);
  }
}

/** Upstream's generator, per machine (legacy names carry the id: no variable). */
function legacyPanels(grid: Grid, ids: string[], job: string | undefined, logs: boolean): void {
  for (const machId of ids) {
    const sel = (gauge: GaugeName): string => {
      const name = gaugeMetricName(gauge, machId, true);
      return job ? `${name}{job="${job}"}` : name;
    };
    grid.row(`Mach: ${machId}`);
    grid.add(
      timeseries("Transitions", [{
        expr: sel("transitionsCount"),
        legend: "Number of transitions",
      }]),
      12,
    );
    grid.add({
      ...timeseries("Transition errors", [{
        expr: sel("exceptionsCount"),
        legend: StateException,
      }]),
      type: "heatmap",
    }, 12);
    gaugePanels(grid, sel, false);
    grid.add({
      ...timeseries("Average transition time", [{
        expr: sel("txTime"),
        legend: "Human time (μs)",
      }]),
      type: "heatmap",
    }, 12);
    if (logs) {
      const stream = [
        ...(job ? [`service_name="${job}"`] : []),
        `asyncmachine_id="${escapeLabelValue(machId)}"`,
      ];
      grid.add(logsPanel(`{${stream.join(", ")}}`), 24, 10);
    }
  }
}

/**
 * Builds a dashboard with a Prometheus (and a Loki) datasource variable.
 *
 * By default (labeled metrics) a `mach_id` variable (every machine the
 * metrics know, `ids` selected) drives the panels: transitions and
 * exceptions per second (`rate` of the counters), transition duration
 * quantiles and mean (the histogram), then the window averages (mutations,
 * details, states and relations, per-window counts), and logs. With
 * `legacyNames`, upstream's per-machine panels on its per-machine metric
 * names (its dashboards' expressions), one row per id.
 *
 * @param ids Machine ids: the variable's selection, or the legacy rows.
 * @param opts Title, service (job), naming, logs, uid.
 *
 * @example Usage
 * ```ts
 * import { grafanaDashboard } from "@asyncmachine/telemetry/prometheus";
 * const dashboard = grafanaDashboard(["mach1", "mach-2"], { source: "my-service" });
 * JSON.stringify(dashboard).includes("rate(am_transitions_total"); // true
 * ```
 */
export function grafanaDashboard(ids: string[], opts?: DashboardOptions): Dashboard {
  opts ??= {};
  const title = opts.title ?? "asyncmachine";
  const job = opts.source ? normalizeId(opts.source) : undefined;
  const legacy = opts.legacyNames ?? false;
  const logs = opts.logs ?? true;
  const grid = new Grid();
  if (legacy) legacyPanels(grid, ids, job, logs);
  else labeledPanels(grid, job, logs);
  const panels = grid.panels;
  const machVar = {
    name: "mach_id",
    label: "Machine",
    type: "query",
    datasource: PROM,
    query: `label_values(am_transitions_total${job ? `{job="${job}"}` : ""}, mach_id)`,
    definition: `label_values(am_transitions_total${job ? `{job="${job}"}` : ""}, mach_id)`,
    refresh: 2,
    multi: true,
    includeAll: true,
    allValue: ".*",
    sort: 1,
    // raw ids: Grafana regex-escapes a multi-value variable in `=~`
    current: ids.length ? { text: ids, value: ids } : { text: ["All"], value: ["$__all"] },
  };

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
        ...(logs ? [{ name: "loki", label: "Loki", type: "datasource", query: "loki" }] : []),
        ...(legacy ? [] : [machVar]),
      ],
    },
    annotations: { list: [] },
    panels,
  };
}
