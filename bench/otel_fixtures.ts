// Machines traced by OtelMachTracer on an sdk-trace-base provider whose
// exporter drops everything: the cost of tracing itself.

import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { Machine } from "../machine/mod.ts";
import { newOtelProvider, OtelMachTracer, type OtelProvider } from "../otel/mod.ts";
import { benchMachine } from "./fixtures.ts";

/** An exporter that counts and drops spans. */
export class CountingExporter implements SpanExporter {
  count = 0;
  export(spans: ReadableSpan[], done: (r: { code: number }) => void): void {
    this.count += spans.length;
    done({ code: 0 });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** A bench machine traced with or without transition spans. */
export function tracedMachine(
  skipTransitions: boolean,
): { mach: Machine; exporter: CountingExporter; provider: OtelProvider } {
  const exporter = new CountingExporter();
  const provider = newOtelProvider("bench", { exporter, denoOtel: false });
  const otel = new OtelMachTracer(provider.tracer, { skipTransitions });
  return { mach: benchMachine({ tracers: [otel] }), exporter, provider };
}
