// Machines traced by OtelMachTracer: on an sdk-trace-base provider (the
// module's newOtelProvider, batch processor) whose exporter serialises
// every span to OTLP JSON bytes, or on Deno's built-in tracer
// (OTEL_DENO=true) exporting to a loopback OTLP sink.

import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { Machine } from "../machine/mod.ts";
import { newOtelProvider, OtelMachTracer, type OtelProvider, toOtlpJson } from "../otel/mod.ts";
import { addRemoveLoop, benchMachine } from "./fixtures.ts";

const encoder = new TextEncoder();

/** An exporter that serialises each batch to OTLP JSON bytes, counts and drops them. */
export class SerialisingExporter implements SpanExporter {
  count = 0;
  bytes = 0;
  export(spans: ReadableSpan[], done: (r: { code: number }) => void): void {
    this.bytes += encoder.encode(JSON.stringify(toOtlpJson(spans))).length;
    this.count += spans.length;
    done({ code: 0 });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** A bench machine traced on an sdk provider with a serialising exporter. */
export function tracedMachine(
  skipTransitions: boolean,
): { mach: Machine; exporter: SerialisingExporter; provider: OtelProvider } {
  const exporter = new SerialisingExporter();
  const provider = newOtelProvider("bench", { exporter, denoOtel: false });
  const otel = new OtelMachTracer(provider.tracer, { skipTransitions });
  return { mach: benchMachine({ tracers: [otel] }), exporter, provider };
}

/** A bench machine traced on Deno's built-in tracer (needs OTEL_DENO=true at start). */
export function denoTracedMachine(skipTransitions: boolean): Machine {
  const provider = newOtelProvider("bench", { denoOtel: true });
  return benchMachine({ tracers: [new OtelMachTracer(provider.tracer, { skipTransitions })] });
}

/**
 * `pairs` add/remove pairs in bursts of `burst`, each burst's spans
 * exported (forceFlush) before the next: the spans leave within the run,
 * and a batch processor's queue (2048) never overflows.
 */
export async function flushedLoop(
  mach: Machine,
  provider: OtelProvider | undefined,
  pairs: number,
  burst = 100,
): Promise<void> {
  for (let done = 0; done < pairs; done += burst) {
    addRemoveLoop(mach, burst);
    if (provider) await provider.forceFlush();
    else await null;
  }
}
