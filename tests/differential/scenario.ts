// The differential scenario format, shared by the TS runner (runner.ts) and
// the Go runner (tests/go/diff/main.go): one JSON object per scenario.

/** A schema entry. */
export interface StateDef {
  auto?: boolean;
  multi?: boolean;
  require?: string[];
  add?: string[];
  remove?: string[];
  after?: string[];
}

/** A mutation, from outside (`muts`) or from a handler (an action). */
export interface Mut {
  /** "main" (default) or "sub" (the submachine, child of main). */
  on?: "main" | "sub";
  /** canAdd/canRemove: upstream's check (dry-run) mutations. */
  type: "add" | "remove" | "set" | "toggle" | "canAdd" | "canRemove";
  states: string[];
  args?: Record<string, number | string>;
  /** From a handler: pass its event (EvAdd/EvRemove/EvToggle, a traced source). */
  ev?: boolean;
}

/** One thing a handler does while its call count is at most `n` (default 1). */
export interface Action {
  n?: number;
  /** A negotiation handler's return value. */
  ret?: boolean;
  /** Throw (Go: panic) with this message. */
  throw?: string;
  mut?: Mut;
}

/** One differential case. */
export interface Scenario {
  name?: string;
  schema: Record<string, StateDef>;
  sub?: Record<string, StateDef>;
  handlers?: Record<string, Action[]>;
  subHandlers?: Record<string, Action[]>;
  muts: Mut[];
  /** Log level compared, default 3 (Ops). */
  logLevel?: number;
  /** Log args with upstream's default mapper (name, id, …). */
  logArgs?: boolean;
  /** Bind Prometheus metrics (upstream's; ours with legacyNames) to main. */
  prom?: boolean;
  /** Bind an OTel tracer (upstream's; ours) to main, spans compared at the end. */
  otel?: boolean;
  /** Bind a dbg tracer (upstream's, to an in-process net/rpc server; ours, to a
   * capturing transport) to main; its messages compared. */
  dbg?: boolean;
}

/** A transition as a tracer saw it at transitionEnd. */
export interface TxOut {
  m: string;
  n: number;
  mut: string;
  called: number[];
  auto: boolean;
  accepted: boolean;
  target: string[];
  before: string[];
  timeBefore: number[];
  timeAfter: number[];
  queueLen: number;
  queueTick: number;
  queueToken: number;
  queueTickNow: number;
  mutQueueLen: number;
  source: string;
  /** [Type, RelType, IsFinal, IsSelf, IsEnter, FromState, FromStateIdx, ToState, ToStateIdx] */
  steps: [number, number, boolean, boolean, boolean, string, number, string, number][];
  log: string[];
  preLog: string[];
  argsK: unknown;
  queued: string[];
}

/** What one outside mutation produced. */
export interface MutOut {
  res: number;
  active: Record<string, string[]>;
  clock: Record<string, number[]>;
  txs: TxOut[];
  calls: string[];
  log: string[];
  queueTick: Record<string, number>;
  /** Gauges by metric name, after a sync (scenarios with `prom`). */
  prom?: Record<string, number>;
}

/** One scenario's result. */
export interface Out {
  name?: string;
  names: string[];
  subNames?: string[];
  muts: MutOut[];
  err?: string;
  /** Finished spans (scenarios with `otel`). */
  spans?: SpanOut[];
  /** dbg messages of main's tracer, in order (scenarios with `dbg`). */
  dbg?: { method: string; params: Record<string, unknown> }[];
}

/** A finished span: names from the root, attributes, events, link count. */
export interface SpanOut {
  path: string;
  attrs: Record<string, string>;
  events: string[];
  links: number;
}
