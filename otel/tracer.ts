/**
 * OtelMachTracer: machines as an OpenTelemetry span tree, as
 * asyncmachine-go's `pkg/telemetry/otel.go`:
 *
 * ```text
 * mach:<n>:<id>
 *   <n>:states → <n>:<State> [M] → <n>:<State> (one per activation)
 *   <n>:transitions → <n>: [add] Foo (handler events, links to states)
 *   <n>:submachines → mach:<m>:<childId> …
 * ```
 *
 * @module
 */

import {
  type Attributes,
  type Context,
  context as otelContext,
  type Span,
  SpanStatusCode,
  trace,
  TraceFlags,
} from "@opentelemetry/api";
import { isRpcMachine } from "../internal/config.ts";
import { allowedState } from "./state_filter.ts";
import type { OtelContext, OtelSpan, OtelTracer } from "./types.ts";
import { type Api, StateException, timeSum, type Tracer, type Transition } from "../machine/mod.ts";

/** Options of {@linkcode OtelMachTracer} (upstream's OtelMachTracerOpts). */
export interface OtelMachTracerOptions {
  /** Trace only states, no transition spans. */
  skipTransitions?: boolean;
  /** Trace health transitions too (`tx.isHealth`: a single add of Healthcheck or Heartbeat). */
  includeHealth?: boolean;
  /** Don't add the machine's logged args (`args.<name>`) to transitions. */
  skipLogArgs?: boolean;
  /** No spans for automatic transitions. */
  skipAuto?: boolean;
  /** Only these states: `"machId:State"` or `"State"`. */
  allowStates?: string[];
  /** Only states whose `"machId:State"` matches. */
  allowStatesRe?: RegExp;
  /** Never these states (checked before the allow lists). */
  skipStates?: string[];
  /** Never states whose `"machId:State"` matches (also skips matching submachine ids). */
  skipStatesRe?: RegExp;
  /** Parent of top-level machine spans (else `remoteParent`, else none). */
  rootSpan?: OtelSpan;
  /**
   * A parent span in another process (upstream passes it as
   * AM_OTEL_TRACE_ID/AM_OTEL_SPAN_ID; `readTelemetryConfig().otel.parent`).
   */
  remoteParent?: { traceId: string; spanId: string };
  /** Trace RPC/relay submachines too (AM_RPC_DBG); default false. */
  rpcDbg?: boolean;
}

/** Transition spans kept per machine, for links from mutations they caused. */
const MAX_HIST = 300;

interface MachData {
  id: string;
  mach: Api;
  index: number;
  machCtx: Context;
  statesCtx: Context;
  txGroupCtx: Context | undefined;
  submachinesSpan: Span | undefined;
  nameGroups: Map<string, { label: string; ctx: Context }>;
  instances: Map<string, Span>;
  tx: Span | undefined;
  /** Id of the transition whose finals ran last. */
  finalsTx: string | undefined;
  txHist: Map<string, Span>;
  /** Multi states, refreshed on schema changes. */
  multi: Set<string>;
}

function schemaInfo(mach: Api): Pick<MachData, "multi"> {
  const schema = mach.schema();
  return { multi: new Set(mach.stateNames().filter((s) => schema[s].multi)) };
}

/**
 * A machine tracer exporting spans through an `@opentelemetry/api`
 * tracer. Inheritable: submachines nest under their parent's
 * `submachines` span. Dispose (`await using`) ends every open span and
 * detaches; flush the provider after it.
 *
 * @example Usage
 * ```ts
 * import { trace } from "@opentelemetry/api";
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * import { OtelMachTracer } from "@asyncmachine/telemetry/otel";
 * await using tracer = new OtelMachTracer(trace.getTracer("am"));
 * const mach = new Machine({ Foo: {} }, { id: "m1", tracers: [tracer] });
 * mach.add(["Foo"]); // spans: mach:0:m1, 0:states, 0:Foo, 0: [add] Foo, ...
 * ```
 */
export class OtelMachTracer implements Tracer, AsyncDisposable {
  /** Tracer id ("otel-…"). */
  readonly id: string;
  /** Bound to submachines automatically. */
  readonly inheritable = true;
  /** The OpenTelemetry tracer spans come from. */
  readonly tracer: OtelTracer;
  #opts: OtelMachTracerOptions;
  #machines = new Map<string, MachData>();
  #parents = new Map<string, string>();
  #skipped = new Set<string>();
  #nextIndex = 0;
  #ended = false;

  /**
   * A tracer for any number of machines (one trace).
   *
   * @param tracer An `@opentelemetry/api` tracer.
   * @param opts Filters and the root span.
   */
  constructor(tracer: OtelTracer, opts?: OtelMachTracerOptions) {
    opts ??= {};
    this.tracer = tracer;
    this.#opts = opts;
    this.id = "otel-" + crypto.randomUUID().slice(0, 4);
  }

  /** The machine's index (`n` in span names), if traced. */
  machineIndex(id: string): number | undefined {
    return this.#machines.get(id)?.index;
  }

  /** The machine span's `@opentelemetry/api` Context, for correlating logs. */
  machineContext(id: string): OtelContext | undefined {
    return this.#machines.get(id)?.machCtx;
  }

  /** The running transition span's `@opentelemetry/api` Context, if any. */
  transitionContext(id: string): OtelContext | undefined {
    const data = this.#machines.get(id);
    return data?.tx ? trace.setSpan(data.machCtx, data.tx) : undefined;
  }

  #start(name: string, parent: Context, attributes?: Attributes): Span {
    return this.tracer.startSpan(name, { attributes }, parent);
  }

  /** A span ended right away: groups exist only for nesting. */
  #group(name: string, parent: Context, attributes: Attributes): Context {
    const span = this.#start(name, parent, attributes);
    span.end();
    return trace.setSpan(parent, span);
  }

  /** Starts the machine's spans. */
  machineInit(mach: Api): void {
    const id = mach.id;
    if (this.#ended || this.#skipped.has(id) || this.#machines.has(id)) return;
    const index = this.#nextIndex++;
    let parent = otelContext.active();
    const parentId = this.#parents.get(id);
    const parentData = parentId === undefined ? undefined : this.#machines.get(parentId);
    const remote = parentData ? undefined : this.#opts.remoteParent;
    if (parentData?.submachinesSpan) {
      parent = trace.setSpan(parentData.machCtx, parentData.submachinesSpan);
    } else if (remote) {
      parent = trace.setSpanContext(parent, {
        traceId: remote.traceId,
        spanId: remote.spanId,
        traceFlags: TraceFlags.SAMPLED,
        isRemote: true,
      });
    } else if (this.#opts.rootSpan) {
      parent = trace.setSpan(parent, this.#opts.rootSpan);
    }
    const machCtx = this.#group(`mach:${index}:${id}`, parent, { id });
    const data: MachData = {
      id,
      mach,
      index,
      machCtx,
      statesCtx: this.#group(`${index}:states`, machCtx, { mach_id: id }),
      txGroupCtx: this.#opts.skipTransitions
        ? undefined
        : this.#group(`${index}:transitions`, machCtx, { mach_id: id }),
      submachinesSpan: undefined,
      nameGroups: new Map(),
      instances: new Map(),
      tx: undefined,
      finalsTx: undefined,
      txHist: new Map(),
      ...schemaInfo(mach),
    };
    this.#machines.set(id, data);
    mach.log("[otel] bind traces");
  }

  /** Links a submachine to its parent (the core binds this tracer to it). */
  newSubmachine(parent: Api, mach: Api): void {
    if (this.#ended) return;
    if (isRpcMachine(mach.tags, this.#opts.rpcDbg) || this.#opts.skipStatesRe?.test(mach.id)) {
      this.#skipped.add(mach.id);
      return;
    }
    if (this.#parents.has(mach.id) || this.#machines.has(mach.id)) return;
    this.#parents.set(mach.id, parent.id);
    const data = this.#machines.get(parent.id);
    if (!data || data.submachinesSpan) return;
    const span = this.#start(`${data.index}:submachines`, data.machCtx, { mach_id: parent.id });
    span.end();
    data.submachinesSpan = span;
  }

  #data(tx: Transition): MachData | undefined {
    if (this.#ended) return undefined;
    if (!this.#opts.includeHealth && tx.isHealth) return undefined;
    return this.#machines.get(tx.machine.id);
  }

  /** Starts the transition span. */
  transitionInit(tx: Transition): void {
    const data = this.#data(tx);
    if (!data || !data.txGroupCtx) return;
    if (this.#opts.skipAuto && tx.isAuto) return;
    const label = `${data.index}: ${tx.mutationString}`;
    const isErr = tx.targetStates.includes(StateException);
    const attrs: Attributes = {
      tx_id: tx.id,
      time_before: tx.timeSumBefore,
      mutation: label,
    };
    if (isErr) {
      const err = tx.args.err;
      attrs.error = err instanceof Error ? err.message : String(err ?? StateException);
    }
    const mapper = tx.machine.logArgs;
    if (!this.#opts.skipLogArgs && mapper) {
      try {
        for (const [k, v] of Object.entries(mapper(tx.args) ?? {})) attrs["args." + k] = v;
      } catch {
        // a broken mapper loses the args, not the span
      }
    }
    const span = this.#start(isErr ? "!" + label : label, data.txGroupCtx, attrs);
    if (isErr) span.setStatus({ code: SpanStatusCode.ERROR, message: String(attrs.error) });
    const src = tx.mutation.source;
    if (src?.txId) {
      const srcSpan = this.#machines.get(src.machId)?.txHist.get(src.txId);
      if (srcSpan) span.addLink({ context: srcSpan.spanContext() });
    }
    data.tx = span;
    data.txHist.set(tx.id, span);
    if (data.txHist.size > MAX_HIST) data.txHist.delete(data.txHist.keys().next().value!);
  }

  /** Adds a handler event to the transition span. */
  handlerEnd(tx: Transition, emitter: string, handler: string): void {
    if (this.#opts.skipTransitions) return;
    this.#data(tx)?.tx?.addEvent(handler, { emitter });
  }

  /** Opens and closes state instance spans; decorates the transition. */
  transitionFinals(tx: Transition): void {
    const data = this.#data(tx);
    if (!data) return;
    data.finalsTx = tx.id;
    const machId = data.id;
    // the core's diff (index order; re-activated Multi states count as added)
    const added = tx.statesAdded;
    const removed = tx.statesRemoved;
    const txSpan = data.tx;
    if (txSpan) {
      let diff = "";
      if (added.length) diff += "+" + added.join(" +");
      if (removed.length) diff += " -" + removed.join(" -");
      txSpan.setAttributes({
        states_diff: diff.trim(),
        time_after: timeSum(tx.timeAfter),
        accepted: tx.accepted,
        auto: tx.isAuto,
        steps_count: tx.steps.length,
      });
    }
    for (const state of removed) {
      if (!this.allowedState(machId, state)) continue;
      const span = data.instances.get(state);
      if (!span) continue;
      txSpan?.addLink({ context: span.spanContext() });
      span.end();
      data.instances.delete(state);
    }
    for (const state of added) {
      if (!this.allowedState(machId, state)) continue;
      const nameGroup = data.nameGroups.get(state);
      let label = nameGroup?.label;
      let nameCtx = nameGroup?.ctx;
      if (!label || !nameCtx) {
        label = `${data.index}:${state}${data.multi.has(state) ? " [M]" : ""}`;
        nameCtx = this.#group(label, data.statesCtx, {});
        data.nameGroups.set(state, { label, ctx: nameCtx });
      }
      let span = data.instances.get(state);
      if (!span) {
        // the activating transition is the tx_id; re-activations are events
        span = this.#start(label, nameCtx, { tx_id: tx.id });
        data.instances.set(state, span);
      } else {
        span.addEvent(tx.mutationString);
      }
      txSpan?.addLink({ context: span.spanContext() });
    }
  }

  /** Ends the transition span. */
  transitionEnd(tx: Transition): void {
    const data = this.#data(tx);
    if (!data) return;
    // a final handler threw: the core rolled back states after finals
    if (!tx.accepted && data.finalsTx === tx.id) this.#reconcile(data, tx);
    const span = data.tx;
    if (!span) return;
    if (!tx.accepted) {
      span.setAttributes({
        accepted: false,
        auto: tx.isAuto,
        time_after: timeSum(tx.timeAfter),
        steps_count: tx.steps.length,
      });
    }
    span.end();
    data.tx = undefined;
  }

  /** Ends instance spans of states no longer active. */
  #reconcile(data: MachData, tx: Transition): void {
    const now = tx.machine.time();
    for (const [state, span] of data.instances) {
      const idx = tx.machine.index1(state);
      if (idx === -1 || now[idx] % 2 === 1) continue;
      data.tx?.addLink({ context: span.spanContext() });
      span.end();
      data.instances.delete(state);
    }
  }

  /** Refreshes the cached state names after a schema change. */
  schemaChange(mach: Api): void {
    const data = this.#machines.get(mach.id);
    if (data) Object.assign(data, schemaInfo(mach));
  }

  /** Refreshes the cached state order. */
  verifyStates(mach: Api): void {
    this.schemaChange(mach);
  }

  /** Ends the machine's open spans. */
  machineDispose(id: string): void {
    const data = this.#machines.get(id);
    if (!data) return;
    this.#machines.delete(id);
    data.tx?.end();
    for (const span of data.instances.values()) span.end();
    data.instances.clear();
    data.txHist.clear();
  }

  /** Upstream's allowedState: skip lists first, then allow lists. */
  allowedState(machId: string, state: string): boolean {
    return allowedState(this.#opts, machId, state);
  }

  /**
   * Ends every open span, children before parents, and detaches: the
   * tracer stops; once. Flush the provider after it.
   */
  [Symbol.asyncDispose](): Promise<void> {
    this.dispose();
    return Promise.resolve();
  }

  /** {@linkcode OtelMachTracer[Symbol.asyncDispose]}: the same, without waiting. */
  dispose(): void {
    if (this.#ended) return;
    this.#ended = true;
    for (const [id, data] of [...this.#machines].reverse()) {
      this.machineDispose(id);
      data.mach.detachTracer(this.id);
    }
  }
}
