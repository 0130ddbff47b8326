// The TS side of the differential test: runs a scenario on our core
// (machine/) and returns the same record as tests/go/diff/main.go.

import {
  type HandlerEvent,
  LOG_ARGS,
  Machine,
  newLogArgsMapper,
  type Schema,
  type Transition,
} from "../../machine/mod.ts";
import { mutationString } from "../../machine/transition.ts";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { OtelMachTracer } from "../../otel/mod.ts";
import { type DbgMessage, type DbgTracer, transitionsToDbg } from "../../dbg/mod.ts";
import { bindMach, type Metrics } from "../../prometheus/mod.ts";
import { Registry } from "../../prometheus/registry.ts";
import type { Action, Mut, MutOut, Out, Scenario, SpanOut, StateDef, TxOut } from "./scenario.ts";

type Mach = "main" | "sub";

class Runner {
  mach: Partial<Record<Mach, Machine>> = {};
  txIds = new Map<string, number>();
  txCount = 0;
  cur: MutOut | undefined;
  calls = new Map<string, number>();
  queued: Record<string, string[]> = {};
  prom: Metrics | undefined;
  reg: Registry | undefined;
  spans: InMemorySpanExporter | undefined;
  dbg: DbgTracer | undefined;
  dbgMsgs: DbgMessage[] = [];

  constructor(readonly sc: Scenario) {}

  get level(): number {
    return this.sc.logLevel || 3;
  }

  normTx(id: string): string {
    const n = this.txIds.get(id);
    return n === undefined ? "tx?" : "tx" + n;
  }

  norm(s: string): string {
    if (!s.includes("[source]")) return s;
    for (const [id, n] of this.txIds) s = s.replaceAll(id, "tx" + n);
    return s;
  }

  /** Transition ids as numbers, queued ones `txN-k`; no stack traces. */
  normDbg(params: DbgMessage["params"]): Record<string, unknown> {
    const p = params as unknown as Record<string, unknown>;
    if (!("MachineID" in p)) return p;
    delete p.StackTrace;
    for (const key of ["LogEntries", "PreLogEntries"]) {
      for (const e of (p[key] ?? []) as { Text: string }[]) e.Text = this.norm(e.Text);
    }
    const id = String(p.ID);
    if (p.IsQueued) {
      const i = id.lastIndexOf("-");
      p.ID = (id.slice(0, i) === "" ? "" : this.normTx(id.slice(0, i))) + id.slice(i);
    } else p.ID = this.normTx(id);
    return p;
  }

  newMach(name: Mach, defs: Record<string, StateDef>, parent?: Machine): Machine {
    const schema: Schema = {};
    for (const [s, d] of Object.entries(defs)) {
      schema[s] = {
        auto: d.auto,
        multi: d.multi,
        require: d.require,
        add: d.add,
        remove: d.remove,
        after: d.after,
      };
    }
    const mach = new Machine(schema, {
      id: name,
      parent,
      // the level is set after construction, as the Go runner can only do
      steps: true,
      logArgs: this.sc.logArgs ? newLogArgsMapper(20, LOG_ARGS) : undefined,
      logger: (level, text) => {
        if (this.cur && level <= this.level) this.cur.log.push(`${level} ${this.norm(text)}`);
      },
      tracers: [{
        id: "diff-" + name,
        transitionInit: (tx) => {
          this.txIds.set(tx.id, this.txCount++);
        },
        mutationQueued: (m, mut) => {
          if (!this.cur) return;
          (this.queued[name] ??= []).push(
            `${
              mutationString(mut, m.stateNames())
            } tick=${mut.queueTick} token=${mut.queueToken} ` +
              `len=${mut.queueLen} now=${mut.queueTickNow} auto=${mut.auto}`,
          );
        },
        transitionEnd: (tx) => this.txEnd(name, tx),
      }],
    });
    if (this.sc.prom && !parent) {
      // bound before the log level is set, as the Go runner does
      this.reg = new Registry();
      this.prom = bindMach(mach, { registry: this.reg, legacyNames: true });
    }
    if (this.sc.dbg && !parent) {
      const msgs = this.dbgMsgs;
      this.dbg = transitionsToDbg(mach, {
        address: "diff",
        send(batch) {
          // the params are kept as they are now, a JSON copy
          for (const m of batch) msgs.push(JSON.parse(JSON.stringify(m)));
          return Promise.resolve();
        },
      });
    }
    if (this.sc.otel && !parent) {
      this.spans = new InMemorySpanExporter();
      const provider = new BasicTracerProvider({
        spanProcessors: [new SimpleSpanProcessor(this.spans)],
      });
      mach.bindTracer(new OtelMachTracer(provider.getTracer("diff")));
    }
    mach.logLevel = this.level;
    return mach;
  }

  txEnd(name: Mach, tx: Transition): void {
    if (!this.cur) return;
    const mut = tx.mutation;
    const lvl = this.level;
    const src = mut.source;
    const out: TxOut = {
      m: name,
      n: this.txIds.get(tx.id) ?? -1,
      mut: tx.mutationString,
      called: [...mut.called],
      auto: mut.auto,
      accepted: tx.accepted,
      target: [...tx.targetStates],
      before: [...tx.statesBefore],
      timeBefore: [...tx.timeBefore],
      timeAfter: [...tx.timeAfter],
      queueLen: tx.queueLen,
      queueTick: mut.queueTick,
      queueToken: mut.queueToken,
      queueTickNow: mut.queueTickNow,
      mutQueueLen: mut.queueLen,
      source: src ? `${src.machId}/${this.normTx(src.txId)}/${src.machTime}` : "",
      steps: tx.steps.map((s) => [
        s.type,
        s.relType,
        s.isFinal,
        s.isSelf,
        s.isEnter,
        s.fromState,
        s.fromStateIdx,
        s.toState,
        s.toStateIdx,
      ]),
      log: tx.logEntries.filter((e) => e.level <= lvl).map((e) =>
        `${e.level} ${this.norm(e.text)}`
      ),
      preLog: tx.preLogEntries.filter((e) => e.level <= lvl).map((e) =>
        `${e.level} ${this.norm(e.text)}`
      ),
      argsK: mut.args.k ?? null,
      queued: this.queued[name] ?? [],
    };
    this.queued[name] = [];
    this.cur.txs.push(out);
  }

  bind(name: Mach, handlers: Record<string, Action[]> | undefined): void {
    if (!handlers || Object.keys(handlers).length === 0) return;
    const obj: Record<string, (e: HandlerEvent) => boolean | void> = {};
    for (const [hName, actions] of Object.entries(handlers)) {
      obj[hName] = (e) => this.handler(name, hName, actions, e);
    }
    this.mach[name]!.bindHandlers(obj, { id: "h-" + name });
  }

  handler(mach: Mach, name: string, actions: Action[], e: HandlerEvent): boolean {
    const key = `${mach}:${name}`;
    const count = (this.calls.get(key) ?? 0) + 1;
    this.calls.set(key, count);
    this.cur?.calls.push("k" in e.args ? `${key}(k=${e.args.k})` : key);
    let ret = true;
    for (const a of actions) {
      if (count > (a.n || 1)) continue;
      if (a.ret !== undefined) ret = a.ret;
      else if (a.throw) {
        // upstream deadlocks on a panic in a transition calling Exception
        // (its handler loop isn't restarted): skipped on both sides
        if (e.mutation.called.includes(e.machine.index1("Exception"))) {
          this.cur?.calls.push(`${key}>nothrow`);
          continue;
        }
        throw new Error(a.throw);
      } else if (a.mut) {
        const res = this.mutate(a.mut, e);
        this.cur?.calls.push(`${key}>${a.mut.type}=${res}`);
      }
    }
    return ret;
  }

  mutate(mut: Mut, e?: HandlerEvent): number {
    const m = this.mach[mut.on ?? "main"];
    if (!m) return -1;
    const args = mut.args ? { ...mut.args } : undefined;
    const ev = mut.ev && e;
    switch (mut.type) {
      case "add":
        return ev ? m.evAdd(e, mut.states, args) : m.add(mut.states, args);
      case "remove":
        return ev ? m.evRemove(e, mut.states, args) : m.remove(mut.states, args);
      case "set":
        return m.set(mut.states, args);
      case "canAdd":
        return m.canAdd(mut.states, args);
      case "canRemove":
        return m.canRemove(mut.states, args);
      case "toggle":
        if (ev) {
          return m.is(mut.states) ? m.evRemove(e, mut.states, args) : m.evAdd(e, mut.states, args);
        }
        return m.toggle(mut.states, args);
    }
    return -1;
  }
}

/** Span attributes upstream sets; only these are compared. */
const OTEL_ATTRS = new Set([
  "id",
  "mach_id",
  "tx_id",
  "time_before",
  "time_after",
  "mutation",
  "error",
  "states_diff",
  "accepted",
  "auto",
  "steps_count",
]);

/** The Go runner's spanTree: every finished span. */
function spanTree(spans: ReadableSpan[], normTx: (id: string) => string): SpanOut[] {
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  const path = (s: ReadableSpan): string => {
    const p = s.parentSpanContext ? byId.get(s.parentSpanContext.spanId) : undefined;
    return p ? path(p) + " > " + s.name : s.name;
  };
  return spans.map((s) => {
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(s.attributes).sort(([a], [b]) => a < b ? -1 : 1)) {
      if (OTEL_ATTRS.has(k) || k.startsWith("args.")) {
        attrs[k] = k === "tx_id" ? normTx(String(v)) : String(v);
      }
    }
    const events = s.events.map((e) =>
      [e.name, ...Object.entries(e.attributes ?? {}).map(([k, v]) => `${k}=${v}`)].join(" ")
    );
    return { path: path(s), attrs, events, links: s.links.length };
  });
}

/** Gauge values by name, as a scrape sees them (after a sync). */
function readGauges(reg: Registry): Record<string, number> {
  const ret: Record<string, number> = {};
  reg.collect();
  for (const line of reg.render("text").split("\n")) {
    if (line.startsWith("#") || line.includes("{") || !line) continue;
    const [name, value] = line.split(" ");
    ret[name] = Number(value);
  }
  return ret;
}

/** Runs a scenario on our core (async: the dbg tracer sends in a microtask). */
export async function runTs(sc: Scenario): Promise<Out> {
  const out: Out = { names: [], muts: [] };
  if (sc.name) out.name = sc.name;
  const r = new Runner(sc);
  try {
    r.mach.main = r.newMach("main", sc.schema);
    if (sc.sub) r.mach.sub = r.newMach("sub", sc.sub, r.mach.main);
    r.bind("main", sc.handlers);
    if (sc.sub) r.bind("sub", sc.subHandlers);
    out.names = r.mach.main.stateNames();
    if (r.mach.sub) out.subNames = r.mach.sub.stateNames();
    for (const mut of sc.muts) {
      const cur: MutOut = {
        res: 0,
        active: {},
        clock: {},
        txs: [],
        calls: [],
        log: [],
        queueTick: {},
      };
      r.cur = cur;
      cur.res = r.mutate(mut);
      for (const [name, m] of Object.entries(r.mach)) {
        cur.active[name] = m.activeStates();
        cur.clock[name] = m.time();
        cur.queueTick[name] = m.queueTick();
      }
      // upstream's Sync before each read (our gauges publish fixed windows, not per scrape)
      r.prom?.sync();
      if (r.reg) cur.prom = readGauges(r.reg);
      r.cur = undefined;
      out.muts.push(cur);
    }
    if (r.dbg) {
      await r.dbg.flushed();
      out.dbg = r.dbgMsgs.filter((m) =>
        m.method === "DbgMsgSchema"
          ? m.params.ID === "main"
          : m.method === "DbgMsgTx" && m.params.MachineID === "main"
      )
        .map((m) => ({ method: m.method, params: r.normDbg(m.params) }));
    }
    r.mach.sub?.dispose();
    r.mach.main.dispose();
    if (r.spans) out.spans = spanTree(r.spans.getFinishedSpans(), (id) => r.normTx(id));
  } catch (err) {
    out.err = String(err instanceof Error ? err.message : err);
  }
  return out;
}
