// Test helpers: upstream's test machines and handler history.

import { type HandlerEvent, Machine, type MachineOptions, type S, type Schema } from "../mod.ts";
import type { Api, Tracer } from "../machine/mod.ts";
import type { DbgMessage, DbgMsgTx, DbgTransport } from "../dbg/mod.ts";
import { assertEquals } from "@std/assert";

/** Upstream's History handler names (mach_utils_test.go). */
const HISTORY_HANDLERS = [
  "AnyEnter",
  "AnyState",
  "AD",
  "AC",
  "AExit",
  "AEnd",
  "AA",
  "AState",
  "AB",
  "BEnter",
  "BEnd",
  "BState",
  "BB",
  "BExit",
  "BD",
  "BAny",
  "BC",
  "CEnter",
  "CState",
  "DEnter",
  "DState",
];

export interface History {
  order: string[];
  counter: Record<string, number>;
}

/** Binds upstream's History handlers: each records its name and returns true. */
export function trackTransitions(mach: Machine): History {
  const history: History = { order: [], counter: {} };
  const handlers: Record<string, (e: HandlerEvent) => boolean> = {};
  for (const name of HISTORY_HANDLERS) {
    handlers[name] = () => {
      history.order.push(name);
      history.counter[name] = (history.counter[name] ?? 0) + 1;
      return true;
    };
  }
  mach.bindHandlers(handlers, { id: "history" });
  return history;
}

/** A, B, C, D with no relations (upstream's NewNoRels), plus overrides. */
export function newNoRels(initial?: S, overrides: Schema = {}, opts?: MachineOptions): Machine {
  const mach: Machine = new Machine({ A: {}, B: {}, C: {}, D: {}, ...overrides }, opts);
  if (initial) mach.set(initial);
  return mach;
}

/** Upstream's rel schema (internal/testing/states/ss_rel.go). */
export const REL_SCHEMA: Schema = {
  A: { auto: true, require: ["C"] },
  B: { multi: true, add: ["C"] },
  C: { after: ["D"] },
  D: { add: ["C", "B"] },
};

/** Asserts active states regardless of order. */
export function assertStates(mach: Api, expected: S, msg?: string): void {
  assertEquals([...mach.activeStates()].sort(), [...expected].sort(), msg);
}

/** Asserts `handlers` appear in this relative order in the history. */
export function assertOrder(history: History, handlers: string[]): void {
  for (let i = 0; i < handlers.length - 1; i++) {
    const a = history.order.indexOf(handlers[i]);
    const b = history.order.indexOf(handlers[i + 1]);
    if (!(a !== -1 && b > a)) {
      throw new Error(
        `expected ${handlers[i]} before ${handlers[i + 1]} in ${history.order.join(",")}`,
      );
    }
  }
}

/** Collects every log line of a machine (sets the level to Everything). */
export function captureLog(mach: Machine): string[] {
  const lines: string[] = [];
  mach.logLevel = 5;
  mach.setLogger((_level, text) => lines.push(text));
  return lines;
}

/** A tracer recording every hook call as a string. */
export function hookRecorder(id = "rec"): Tracer & { calls: string[] } {
  const calls: string[] = [];
  return {
    id,
    calls,
    machineInit: (m) => calls.push(`machineInit ${m.id}`),
    machineDispose: (mid) => calls.push(`machineDispose ${mid}`),
    newSubmachine: (p, m) => calls.push(`newSubmachine ${p.id} ${m.id}`),
    transitionInit: (tx) => calls.push(`transitionInit ${tx.mutationString}`),
    transitionStart: (tx) => calls.push(`transitionStart ${tx.mutationString}`),
    handlerStart: (_tx, emitter, h) => calls.push(`handlerStart ${emitter} ${h}`),
    handlerEnd: (_tx, emitter, h) => calls.push(`handlerEnd ${emitter} ${h}`),
    transitionFinals: (tx) => calls.push(`transitionFinals ${tx.mutationString}`),
    transitionEnd: (tx) =>
      calls.push(`transitionEnd ${tx.mutationString} ${tx.accepted ? "ok" : "canceled"}`),
    mutationQueued: (m, mut) =>
      calls.push(
        `mutationQueued ${mut.called.map((i) => m.stateNames()[i]).join(",")}` +
          ` tick=${mut.queueTick} token=${mut.queueToken}${mut.auto ? " auto" : ""}`,
      ),
    queueEnd: () => calls.push("queueEnd"),
    schemaChange: (_m, old) => calls.push(`schemaChange ${Object.keys(old).length}`),
    verifyStates: (m) => calls.push(`verifyStates ${m.stateNames().join(",")}`),
  };
}

/**
 * `deno doc --json` of `modules`, parsed; throws when deno doc fails.
 *
 * @param modules Module paths or URLs.
 * @param cwd Where relative paths start; default this process's.
 */
export async function denoDocJson<T>(modules: string[], cwd?: string | URL): Promise<T> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", ...modules],
    cwd,
    stdout: "piped",
    stderr: "null",
  }).output();
  if (!out.success) throw new Error(`deno doc --json ${modules.join(" ")} failed`);
  return JSON.parse(new TextDecoder().decode(out.stdout)) as T;
}

/** A dbg transport collecting what a tracer sends; `fail` makes sends reject. */
export class DbgRecorder implements DbgTransport {
  readonly address = "recorder";
  msgs: DbgMessage[] = [];
  fail = false;
  send(batch: DbgMessage[]): Promise<void> {
    if (this.fail) return Promise.reject(new Error("down"));
    this.msgs.push(...structuredClone(batch));
    return Promise.resolve();
  }
  /** The transition messages sent (queued mutations included). */
  txs(): DbgMsgTx[] {
    return this.msgs.filter((m) => m.method === "DbgMsgTx").map((m) => m.params as DbgMsgTx);
  }
}

/** Runs `fn` with environment variables set, then restores them. */
export async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const prev = Object.fromEntries(Object.keys(vars).map((k) => [k, Deno.env.get(k)]));
  for (const [k, v] of Object.entries(vars)) Deno.env.set(k, v);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(prev)) {
      if (v === undefined) Deno.env.delete(k);
      else Deno.env.set(k, v);
    }
  }
}
