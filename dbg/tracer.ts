/**
 * DbgTracer: a message per transition and per queued mutation (a schema
 * message per machine and schema change, a gone message per dispose on JSON
 * transports), handed to a bounded outbox and sent off the machine's call
 * path, as asyncmachine-go's dbg tracer.
 *
 * @module
 */

import type { Api, Mutation, Tracer, Transition } from "../machine/mod.ts";
import { type DbgMsgTx, type GoStep, schemaMessage, stripLogPrefix } from "./messages.ts";
import type { DbgMessage, DbgTransport } from "./transport.ts";
import { Outbox } from "./outbox.ts";

/** Options of a {@linkcode DbgTracer}. */
export interface DbgTracerOptions {
  /** Messages waiting at most (oldest dropped beyond); default 1000. */
  maxOutbox?: number;
  /** Messages per send; default 100. */
  batchSize?: number;
  /**
   * Stack traces on queued mutations. Default: off (`machTelemetryEnv`
   * turns them on with AM_DBG_TRACE=1). Upstream's default is on, but
   * Deno's source-mapped stack formatting costs more than the transition.
   */
  stackTraces?: boolean;
  /** Consecutive failed sends before detaching; default 10. */
  maxErrors?: number;
}

interface MachState {
  mach: Api;
  lastTx: string;
  queued: number;
  lastMTime: readonly number[];
  /** The transition being timed and when it started (a machine runs one at a time; checks aren't timed). */
  startTx: Transition | undefined;
  startAt: number;
}

let tracerCount = 0;

/**
 * Sends machines' schemas and transitions to a {@linkcode DbgTransport}.
 * Inheritable: submachines report too. Never blocks or throws into the
 * machine; detaches after repeated transport failures.
 *
 * @example Usage
 * ```ts
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * import { DbgHub, DbgTracer, HubTransport } from "@asyncmachine/telemetry/dbg";
 * const hub = new DbgHub();
 * const tracer = new DbgTracer(new HubTransport(hub));
 * const mach = new Machine({ Foo: {} }, { id: "m1", tracers: [tracer] });
 * mach.add(["Foo"]);
 * await tracer.flush();
 * (await hub.txs("m1")).txs.length; // 2: the queued mutation and the transition
 * ```
 */
export class DbgTracer implements Tracer, AsyncDisposable {
  /** "dbg" (numbered for more tracers in one process). */
  readonly id: string;
  /** Bound to submachines automatically. */
  readonly inheritable = true;
  /** Where messages go. */
  readonly transport: DbgTransport;
  /** Messages dropped because the outbox was full. */
  get dropped(): number {
    return this.#outbox.dropped;
  }
  /** Messages sent. */
  sent = 0;
  /** Failed sends (batches). */
  errors = 0;
  /** The last send failure. */
  lastError: Error | undefined;
  /** Detached after too many failures. */
  detached = false;
  #opts: Required<DbgTracerOptions>;
  // messages are built when sent, not on the machine's call path
  #outbox: Outbox<() => DbgMessage>;
  #machines = new Map<string, MachState>();
  // the last machine looked up: a burst of transitions is usually one machine's
  #lastMach: Api | undefined;
  #lastState: MachState | undefined;
  #flushing: Promise<void> | undefined;
  #consecutive = 0;

  /**
   * A tracer for one destination.
   *
   * @param transport Where messages go.
   * @param opts Outbox and batching.
   */
  constructor(transport: DbgTransport, opts?: DbgTracerOptions) {
    opts ??= {};
    this.transport = transport;
    this.id = tracerCount++ === 0 ? "dbg" : `dbg-${tracerCount}`;
    this.#opts = {
      maxOutbox: opts.maxOutbox ?? 1000,
      batchSize: opts.batchSize ?? 100,
      stackTraces: opts.stackTraces ?? false,
      maxErrors: opts.maxErrors ?? 10,
    };
    this.#outbox = new Outbox(this.#opts.maxOutbox);
  }

  /** Messages waiting in the outbox. */
  get pending(): number {
    return this.#outbox.size;
  }

  #push(build: () => DbgMessage): void {
    if (this.detached) return;
    this.#outbox.push(build);
    // send right after the machine's current work (a microtask), never inside it
    if (!this.#flushing) this.#flushing = Promise.resolve().then(() => this.#flush());
  }

  async #flush(): Promise<void> {
    try {
      while (this.#outbox.size > 0 && !this.detached) {
        const batch = this.#outbox.take(this.#opts.batchSize).map((build) => build());
        try {
          await this.transport.send(batch);
          this.sent += batch.length;
          this.#consecutive = 0;
        } catch (e) {
          this.errors++;
          this.#consecutive++;
          this.lastError = e instanceof Error ? e : new Error(String(e));
          if (this.#consecutive > this.#opts.maxErrors) this.#detach();
        }
      }
    } finally {
      this.#flushing = undefined;
    }
  }

  #detach(): void {
    this.detached = true;
    this.#outbox.clear();
    for (const { mach } of this.#machines.values()) {
      try {
        mach.detachTracer(this.id);
      } catch {
        // a disposed machine has nothing to detach
      }
    }
    this.#machines.clear();
    this.#lastMach = this.#lastState = undefined;
  }

  #state(mach: Api): MachState | undefined {
    if (mach === this.#lastMach) return this.#lastState;
    const state = this.#machines.get(mach.id);
    if (state) {
      this.#lastMach = mach;
      this.#lastState = state;
    }
    return state;
  }

  /** Sends what's in the outbox; resolves once it's empty (or the tracer detached). */
  async flush(): Promise<void> {
    while (this.#flushing) await this.#flushing;
  }

  /**
   * {@linkcode DbgTracer.flush}, by its first name.
   *
   * @deprecated Use `flush()` (every binder's one way to wait for its sends).
   */
  flushed(): Promise<void> {
    return this.flush();
  }

  /** Sends what's left, detaches from every machine, closes the transport. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.flush();
    if (!this.detached) this.#detach();
    await this.transport.close?.();
  }

  /** Sends the machine's schema. */
  machineInit(mach: Api): void {
    this.#machines.set(mach.id, {
      mach,
      lastTx: "",
      queued: 0,
      lastMTime: mach.time(),
      startTx: undefined,
      startAt: 0,
    });
    this.#lastMach = this.#lastState = undefined;
    const msg = schemaMessage(mach);
    this.#push(() => ({ method: "DbgMsgSchema", params: msg }));
  }

  /** Re-sends the schema. */
  schemaChange(mach: Api): void {
    const state = this.#state(mach);
    if (state) state.lastMTime = mach.time();
    const msg = schemaMessage(mach);
    this.#push(() => ({ method: "DbgMsgSchema", params: msg }));
  }

  /** Notes when a transition started (its message carries the duration, on transports that take it). */
  transitionStart(tx: Transition): void {
    // only JSON transports carry the duration: no clock read for the others
    if (!this.transport.extensions || tx.mutation.isCheck) return;
    const state = this.#state(tx.machine);
    if (!state) return;
    state.startTx = tx;
    state.startAt = performance.now();
  }

  /** A message per transition, accepted or canceled. */
  transitionEnd(tx: Transition): void {
    const mach = tx.machine;
    // check (canAdd…) transitions aren't sent, as upstream (without IsCan)
    if (tx.mutation.isCheck) return;
    const state = this.#state(mach);
    if (!state) return;
    const duration = state.startTx === tx ? performance.now() - state.startAt : undefined;
    state.startTx = undefined;
    const queueTick = mach.queueTick();
    state.lastTx = tx.id;
    state.lastMTime = tx.timeAfter;
    state.queued = 0;
    this.#push(() => {
      const mut = tx.mutation;
      const msg: DbgMsgTx = {
        MachineID: mach.id,
        ID: tx.id,
        Clocks: tx.timeAfter,
        QueueTick: queueTick,
        MutQueueToken: mut.queueToken,
        Type: mut.type,
        CalledStatesIdxs: mut.called,
        // steps are stored under Go's field names: no copy
        Steps: tx.steps as readonly GoStep[],
        LogEntries: stripLogPrefix(mach.id, tx.logEntries),
        PreLogEntries: stripLogPrefix(mach.id, tx.preLogEntries),
        Queue: tx.queueLen,
        IsAuto: mut.auto,
        Accepted: tx.accepted,
        IsCheck: mut.isCheck,
      };
      const args = mapArgs(mach, mut);
      if (args) msg.Args = args;
      // a JSON-endpoint extension, like DbgMsgGone: am-dbg's wire messages stay as upstream's
      if (duration !== undefined) msg.Duration = duration;
      return { method: "DbgMsgTx", params: msg };
    });
  }

  /** A message per queued mutation (`IsQueued`), as upstream. */
  mutationQueued(mach: Api, mut: Mutation): void {
    if (mut.isCheck) return;
    const state = this.#state(mach);
    if (!state) return;
    // the id's string is built with the message, off the machine's call path
    const lastTx = state.lastTx;
    const nth = state.queued++;
    const clocks = state.lastMTime;
    const queueTick = mach.queueTick();
    // capture now, format later: V8 formats stacks lazily
    const stack = this.#opts.stackTraces ? new Error("queued") : undefined;
    this.#push(() => {
      const msg: DbgMsgTx = {
        MachineID: mach.id,
        ID: `${lastTx}-${nth}`,
        Clocks: clocks,
        Accepted: true,
        IsCheck: mut.isCheck,
        Type: mut.type,
        CalledStatesIdxs: mut.called,
        IsAuto: mut.auto,
        Queue: mut.queueLen,
        IsQueued: true,
        QueueTick: queueTick,
        MutQueueTick: mut.queueTick,
        MutQueueToken: mut.queueToken,
      };
      if (stack?.stack) msg.StackTrace = stack.stack.split("\n").slice(2).join("\n");
      const args = mapArgs(mach, mut);
      if (args) msg.Args = args;
      return { method: "DbgMsgTx", params: msg };
    });
  }

  /** Reports the machine gone (JSON transports; gob ones skip it) and forgets it. */
  machineDispose(id: string): void {
    if (this.#lastState?.mach.id === id) this.#lastMach = this.#lastState = undefined;
    if (!this.#machines.delete(id) || !this.transport.extensions) return;
    this.#push(() => ({ method: "DbgMsgGone", params: { ID: id } }));
  }
}

/** The mutation's args as the machine logs them, plus the error of an Exception (as am-dbg shows it). */
function mapArgs(mach: Api, mut: Mutation): Record<string, string> | undefined {
  // no spread and no key list: most mutations have no args to map
  let out: Record<string, string> | undefined;
  try {
    const mapped = mach.logArgs?.(mut.args);
    for (const k in mapped) if (Object.hasOwn(mapped, k)) (out ??= {})[k] = mapped[k];
  } catch {
    // a throwing mapper costs the args, never the message
  }
  try {
    const err = mut.args.err;
    if (err instanceof Error) (out ??= {}).err = String(err.message);
  } catch {
    // an unprintable error keeps the message without it
  }
  return out;
}
