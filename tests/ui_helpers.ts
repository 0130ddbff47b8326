// Helpers of the debugger page's browser tests and benches: an endpoint on
// a fresh hub, a deterministic workload (two machines linked by a handler's
// mutation, an Exception, canceled, auto and queued transitions, a gone
// machine), screenshots under test-artifacts/ui/ (gitignored).

import { type HandlerEvent, LogLevel, Machine } from "../machine/mod.ts";
import { dbgHandler, type DbgHandlerOptions, DbgHub, DbgTracer, HubTransport } from "../dbg/mod.ts";
import type { CdpPage } from "./cdp.ts";
import { poll } from "./peers.ts";

/** A running endpoint. */
export interface UiServer {
  hub: DbgHub;
  base: string;
  close(): Promise<void>;
}

/** Serves `dbgHandler(hub)` on a free loopback port. */
export function uiServer(hub = new DbgHub(), opts: DbgHandlerOptions = {}): UiServer {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    dbgHandler(hub, opts),
  );
  return {
    hub,
    base: `http://127.0.0.1:${server.addr.port}`,
    // a browser's idle keep-alive connections can hold a graceful shutdown open
    close: () => Promise.race([server.shutdown(), new Promise<void>((r) => setTimeout(r, 3000))]),
  };
}

/** The workload the view tests read (ids `ui-root`, `ui-kid`, `ui-gone`). */
export async function uiWorkload(hub: DbgHub): Promise<void> {
  const tracer = new DbgTracer(new HubTransport(hub));
  const root = new Machine({
    Start: {},
    Ping: { multi: true, require: ["Start"] },
    Boom: { require: ["Start"] },
    Ready: { auto: true, require: ["Start"] },
    Blocked: { require: ["Missing"] },
    Missing: {},
  }, { id: "ui-root", logLevel: LogLevel.Decisions, tracers: [tracer], logArgs: ["n"] });
  const kid = new Machine({ Pong: { multi: true }, Idle: {} }, {
    id: "ui-kid",
    parent: root,
    logLevel: LogLevel.Decisions,
  });
  root.bindHandlers({
    PingState(e: HandlerEvent) {
      kid.evAdd1(e, "Pong", { n: e.args.n });
    },
    BoomState() {
      throw new Error("kaboom 42");
    },
  });
  root.add1("Start");
  await tracer.flush();
  for (let i = 0; i < 40; i++) {
    root.add1("Ping", { n: i });
    if (i % 10 === 3) root.add1("Blocked"); // canceled: Missing is required
    if (i === 20) root.add1("Boom");
    if (i % 7 === 0) kid.add1("Idle");
    await tracer.flush();
  }
  const gone = new Machine({ A: {} }, { id: "ui-gone", parent: root });
  gone.add1("A");
  await tracer.flush();
  gone.dispose();
  await tracer.flush();
}

/** Saves a screenshot as test-artifacts/ui/<name>.png. */
export async function shot(page: CdpPage, name: string): Promise<void> {
  await Deno.mkdir("test-artifacts/ui", { recursive: true });
  await Deno.writeFile(`test-artifacts/ui/${name}.png`, await page.screenshot());
}

/** Waits until a page expression is truthy; returns its value. */
export function until<T>(page: CdpPage, expr: string, ms = 10_000): Promise<T> {
  return poll(async () => (await page.evaluate<T>(expr)) || undefined, ms, 50);
}

/** Navigates and waits for the page to have loaded its first page of history. */
export async function openPage(page: CdpPage, url: string): Promise<void> {
  await page.navigate(url);
  await until(page, `window.__amdbg && __amdbg.S.ready && !__amdbg.S.busy`);
  // one frame for the render
  await page.evaluate(`new Promise((r) => requestAnimationFrame(() => r(1)))`);
}
