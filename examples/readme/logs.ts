import { bindLokiLogger, bindOtelLogger, LogLevel, Machine } from "@asyncmachine/telemetry";

// a stand-in Loki: counts the pushed lines
let pushed = 0;
await using loki = Deno.serve({ port: 0, onListen() {} }, async (req) => {
  const { streams } = await req.json();
  for (const s of streams) pushed += s.values.length;
  return new Response(null, { status: 204 });
});

const mach = new Machine({ Foo: {}, Bar: { require: ["Foo"] } }, { id: "mach1" });
mach.logLevel = LogLevel.Changes;
// no logger given: Deno's built-in OpenTelemetry (OTEL_DENO=true), as console output in span context
await using _otelLogs = bindOtelLogger(mach, {
  logger: { emit: (r) => console.log(r.severityText, r.body) },
});
{
  await using _lokiLogs = bindLokiLogger(mach, {
    url: `http://localhost:${loki.addr.port}`,
    service: "my-service",
  });
  mach.add(["Foo", "Bar"]); // prints: changes [state] +Foo +Bar
} // disposed: detached, the last lines pushed
console.log("lines pushed to Loki:", pushed);
