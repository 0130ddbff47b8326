// Fixtures of the log benchmarks: machines at log level 3 with the OTel
// logger (records built, dropped) or the Loki logger bound.

import { bindLokiLogger, type LokiLogger } from "../loki/mod.ts";
import { LogLevel, type Machine } from "../machine/mod.ts";
import { bindOtelLogger } from "../otel/mod.ts";
import { benchMachine } from "./fixtures.ts";

/** A bench machine logging at level 3 (Ops). */
export function loggingMachine(id: string): Machine {
  return benchMachine({ id, logLevel: LogLevel.Ops });
}

/** …with the OTel logger emitting into a counter. */
export function otelLogged(): { mach: Machine; count: () => number } {
  const mach = loggingMachine("otel-logged");
  let n = 0;
  bindOtelLogger(mach, { logger: { emit: () => void n++ }, service: "bench" });
  return { mach, count: () => n };
}

/** A port nothing listens on. */
function closedPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** …with the Loki logger pushing to `url` (default: an unreachable port). */
export function lokiLogged(url?: string): { mach: Machine; logger: LokiLogger } {
  const mach = loggingMachine(url ? "loki-fast" : "loki-down");
  const logger = bindLokiLogger(mach, {
    url: url ?? `http://127.0.0.1:${closedPort()}`,
    service: "bench",
    retries: 1,
    backoffMs: 10,
    flushMs: 50,
  });
  return { mach, logger };
}

/** A fast loopback Loki that accepts every push. */
export function fastLoki(): { url: string; server: Deno.HttpServer<Deno.NetAddr> } {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    await req.body?.cancel();
    return new Response(null, { status: 204 });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, server };
}
