/**
 * DbgTracer: a message per transition and per queued mutation (and a schema
 * message per machine and schema change), handed to a bounded outbox and
 * sent off the machine's call path, as asyncmachine-go's dbg tracer.
 *
 * @module
 */

import { getEnv } from "../internal/env.ts";
import type { Machine, Mutation, Tracer, Transition } from "../machine/mod.ts";
import { type DbgMsgTx, type GoStep, schemaMessage, stripLogPrefix } from "./messages.ts";
import { type DbgMessage, type DbgTransport, HttpDbgTransport } from "./transport.ts";
import { GOB_ADDRESS, GobRpcTransport } from "./gob_transport.ts";

/** Options of a {@linkcode DbgTracer}. */
export interface DbgTracerOptions {
  /** Messages waiting at most (oldest dropped beyond); default 1000. */
  maxOutbox?: number;
  /** Messages per send; default 100. */
  batchSize?: number;
  /**
   * Stack traces on queued mutations. Default: off, on with AM_DBG_TRACE=1;
   * AM_DBG_NO_TRACE always turns them off. (Upstream's default is on, but
   * Deno's source-mapped stack formatting costs more than the transition.)
   */
  stackTraces?: boolean;
  /** Consecutive failed sends before detaching; default 10. */
  maxErrors?: number;
}

interface MachState {
  mach: Machine;
  lastTx: string;
  queued: number;
  lastMTime: number[];
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
 * await tracer.flushed();
 * (await hub.txs("m1")).txs.length; // 2: the queued mutation and the transition
 * ```
 */
export class DbgTracer implements Tracer {
  /** "dbg" (numbered for more tracers in one process). */
  readonly id: string;
  /** Bound to submachines automatically. */
  readonly inheritable = true;
  /** Where messages go. */
  readonly transport: DbgTransport;
  /** Messages dropped because the outbox was full. */
  dropped = 0;
  /** Messages sent. */
  sent = 0;
  /** Failed sends (batches). */
  errors = 0;
  /** The last send failure. */
  lastError: Error | undefined;
  /** Detached after too many failures. */
  detached = false;
  #opts: Required<DbgTracerOptions>;
  // a ring buffer: drop-oldest without shifting arrays
  #ring: ((() => DbgMessage) | undefined)[];
  #head = 0;
  #size = 0;
  #machines = new Map<string, MachState>();
  #flushing: Promise<void> | undefined;
  #consecutive = 0;

  /**
   * A tracer for one destination.
   *
   * @param transport Where messages go.
   * @param opts Outbox and batching.
   */
  constructor(transport: DbgTransport, opts: DbgTracerOptions = {}) {
    this.transport = transport;
    this.id = tracerCount++ === 0 ? "dbg" : `dbg-${tracerCount}`;
    this.#opts = {
      maxOutbox: opts.maxOutbox ?? 1000,
      batchSize: opts.batchSize ?? 100,
      stackTraces: !getEnv("AM_DBG_NO_TRACE") && (opts.stackTraces ?? !!getEnv("AM_DBG_TRACE")),
      maxErrors: opts.maxErrors ?? 10,
    };
    this.#ring = new Array(Math.max(1, this.#opts.maxOutbox));
  }

  /** Messages waiting in the outbox. */
  get pending(): number {
    return this.#size;
  }

  #push(build: () => DbgMessage): void {
    if (this.detached) return;
    const ring = this.#ring;
    const cap = ring.length;
    if (this.#size === cap) {
      // full: overwrite the oldest
      ring[this.#head] = build;
      this.#head = (this.#head + 1) % cap;
      this.dropped++;
    } else {
      ring[(this.#head + this.#size) % cap] = build;
      this.#size++;
    }
    // send right after the machine's current work (a microtask), never inside it
    if (!this.#flushing) this.#flushing = Promise.resolve().then(() => this.#flush());
  }

  async #flush(): Promise<void> {
    try {
      while (this.#size > 0 && !this.detached) {
        const batch = this.#take(this.#opts.batchSize);
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

  /** Removes up to `n` of the oldest entries and builds their messages. */
  #take(n: number): DbgMessage[] {
    const ring = this.#ring;
    const out: DbgMessage[] = [];
    while (out.length < n && this.#size > 0) {
      const build = ring[this.#head]!;
      ring[this.#head] = undefined;
      this.#head = (this.#head + 1) % ring.length;
      this.#size--;
      out.push(build());
    }
    return out;
  }

  #detach(): void {
    this.detached = true;
    this.#ring.fill(undefined);
    this.#size = 0;
    for (const { mach } of this.#machines.values()) {
      try {
        mach.detachTracer(this.id);
      } catch {
        // a disposed machine has nothing to detach
      }
    }
    this.#machines.clear();
  }

  /** Resolves once the outbox is empty (or the tracer detached). */
  async flushed(): Promise<void> {
    while (this.#flushing) await this.#flushing;
  }

  /** Sends the machine's schema. */
  machineInit(mach: Machine): void {
    this.#machines.set(mach.id, { mach, lastTx: "", queued: 0, lastMTime: mach.time() });
    const msg = schemaMessage(mach);
    this.#push(() => ({ method: "DbgMsgSchema", params: msg }));
  }

  /** Re-sends the schema. */
  schemaChange(mach: Machine): void {
    const state = this.#machines.get(mach.id);
    if (state) state.lastMTime = mach.time();
    const msg = schemaMessage(mach);
    this.#push(() => ({ method: "DbgMsgSchema", params: msg }));
  }

  /** A message per transition, accepted or canceled. */
  transitionEnd(tx: Transition): void {
    const mach = tx.machine;
    const state = this.#machines.get(mach.id);
    // check (canAdd…) transitions aren't sent, as upstream (without IsCan)
    if (!state || tx.mutation.isCheck) return;
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
        Steps: tx.steps as GoStep[],
        LogEntries: stripLogPrefix(mach.id, tx.logEntries),
        PreLogEntries: stripLogPrefix(mach.id, tx.preLogEntries),
        Queue: tx.queueLen,
        IsAuto: mut.auto,
        Accepted: tx.accepted,
        IsCheck: mut.isCheck,
      };
      const args = mapArgs(mach, mut);
      if (args) msg.Args = args;
      return { method: "DbgMsgTx", params: msg };
    });
  }

  /** A message per queued mutation (`IsQueued`), as upstream. */
  mutationQueued(mach: Machine, mut: Mutation): void {
    const state = this.#machines.get(mach.id);
    if (!state || mut.isCheck) return;
    const id = `${state.lastTx}-${state.queued++}`;
    const clocks = state.lastMTime;
    const queueTick = mach.queueTick();
    // capture now, format later: V8 formats stacks lazily
    const stack = this.#opts.stackTraces ? new Error("queued") : undefined;
    this.#push(() => {
      const msg: DbgMsgTx = {
        MachineID: mach.id,
        ID: id,
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
      const args = mapArgs(mach, mut) ?? {};
      if (mut.args.err instanceof Error) args.err = mut.args.err.message;
      if (Object.keys(args).length) msg.Args = args;
      return { method: "DbgMsgTx", params: msg };
    });
  }

  /** Reports the machine gone (JSON transports; gob ones skip it) and forgets it. */
  machineDispose(id: string): void {
    if (!this.#machines.delete(id) || !this.transport.extensions) return;
    this.#push(() => ({ method: "DbgMsgGone", params: { ID: id } }));
  }
}

function mapArgs(mach: Machine, mut: Mutation): Record<string, string> | undefined {
  const mapper = mach.logArgs;
  if (!mapper) return undefined;
  try {
    const out = mapper(mut.args);
    return out && Object.keys(out).length ? out : undefined;
  } catch {
    return undefined;
  }
}

/** Builds a transport for an address: `http(s)://…` is a dbg endpoint. */
export type DbgTransportFactory = (address: string) => DbgTransport;

const factories: { match: RegExp; create: DbgTransportFactory }[] = [
  { match: /^https?:\/\//, create: (addr) => new HttpDbgTransport(addr) },
  // am-dbg's own wire, built in (no registration by import side effect)
  { match: GOB_ADDRESS, create: (addr) => new GobRpcTransport(addr) },
];

/**
 * Registers a transport for addresses matching `match` (the gob/net/rpc
 * transports for am-dbg register `host:port` and `ws://`).
 *
 * @example Usage
 * ```ts
 * import { HttpDbgTransport, registerDbgTransport } from "@asyncmachine/telemetry/dbg";
 * registerDbgTransport(/^collector:/, (a) => new HttpDbgTransport(a.replace("collector:", "https://")));
 * ```
 */
export function registerDbgTransport(match: RegExp, create: DbgTransportFactory): void {
  factories.unshift({ match, create });
}

/**
 * The default am-dbg address: AM_DBG_ADDR ("1" means localhost:6831), else
 * localhost:6831.
 *
 * @example Usage
 * ```ts
 * import { dbgAddrFromEnv } from "@asyncmachine/telemetry/dbg";
 * dbgAddrFromEnv(); // "localhost:6831" unless AM_DBG_ADDR says otherwise
 * ```
 */
export function dbgAddrFromEnv(): string {
  const addr = getEnv("AM_DBG_ADDR");
  return !addr || addr === "1" ? "localhost:6831" : addr;
}

/**
 * Upstream's TransitionsToDbg: binds a {@linkcode DbgTracer} sending to an
 * address (`http(s)://` endpoint, or am-dbg's `host:port` / `ws://` once a
 * gob transport is registered) or a transport. Binding the same address
 * twice returns the bound tracer.
 *
 * @example Usage
 * ```ts
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * import { DbgHub, HubTransport, transitionsToDbg } from "@asyncmachine/telemetry/dbg";
 * const tracer = transitionsToDbg(new Machine({ Foo: {} }), new HubTransport(new DbgHub()));
 * ```
 */
export function transitionsToDbg(
  mach: Machine,
  addrOrTransport?: string | DbgTransport,
  opts: DbgTracerOptions = {},
): DbgTracer {
  let transport: DbgTransport;
  if (typeof addrOrTransport === "object") {
    transport = addrOrTransport;
  } else {
    const addr = addrOrTransport || dbgAddrFromEnv();
    const factory = factories.find((f) => f.match.test(addr));
    if (!factory) {
      throw new Error(
        `dbg: no transport for ${addr} (use http(s)://host/ for a dbg endpoint, or import the ` +
          `gob transport for am-dbg's host:port)`,
      );
    }
    const existing = mach.tracers().find((t) =>
      t instanceof DbgTracer && t.transport.address.includes(addr)
    );
    if (existing) return existing as DbgTracer;
    transport = factory.create(addr);
  }
  const existing = mach.tracers().find((t) => t instanceof DbgTracer && t.transport === transport);
  if (existing) return existing as DbgTracer;
  const tracer = new DbgTracer(transport, opts);
  mach.bindTracer(tracer);
  return tracer;
}
