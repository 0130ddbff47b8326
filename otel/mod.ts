/**
 * OpenTelemetry for machines, as asyncmachine-go's `pkg/telemetry/otel.go`:
 * {@linkcode OtelMachTracer} turns machines into a span tree (machine →
 * states → state instances; transitions; submachines), exported through
 * Deno's built-in OpenTelemetry (OTLP) or any sdk-trace-base provider, and
 * as a Jaeger UI import file.
 *
 * @example
 * ```ts
 * import { Machine } from "@asyncmachine/telemetry/machine";
 * import { JaegerJsonExporter, newOtelProvider, OtelMachTracer } from "@asyncmachine/telemetry/otel";
 * const exporter = new JaegerJsonExporter();
 * const { tracer, forceFlush } = newOtelProvider("my-service", { exporter });
 * const otel = new OtelMachTracer(tracer);
 * const mach = new Machine({ Foo: {} }, { id: "m1", tracers: [otel] });
 * mach.add(["Foo"]);
 * otel.dispose();
 * await forceFlush();
 * exporter.toJSON().data[0].spans.length > 0; // true
 * ```
 *
 * @module
 */

export * from "./types.ts";
export * from "./tracer.ts";
export * from "./provider.ts";
export * from "./jaeger.ts";
export * from "./otlp.ts";
export * from "./env.ts";
export * from "./logger.ts";
export * from "./metrics.ts";
