import {
  JaegerJsonExporter,
  Machine,
  newOtelProvider,
  OtelMachTracer,
} from "@asyncmachine/telemetry";

const exporter = new JaegerJsonExporter(); // or omit: OTLP/HTTP JSON, or Deno's built-in OTel
const { tracer, forceFlush } = newOtelProvider("my-service", { exporter });
{
  await using otel = new OtelMachTracer(tracer); // inherited by submachines
  const mach = new Machine({ Foo: {} }, { id: "mach1", tracers: [otel] });
  mach.add(["Foo"]);
} // disposed: every open span ended
await forceFlush();
const file = exporter.toJSON(); // the Jaeger UI's import format
console.log(file.data[0].spans.map((s) => s.operationName)); // mach:0:mach1, 0:states, ...
