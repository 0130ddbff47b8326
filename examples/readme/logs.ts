import { bindLokiLogger, bindOtelLogger, LogLevel, Machine } from "../../mod.ts";

// a stand-in Loki: counts the pushed lines
let pushed = 0;
const loki = Deno.serve({ port: 3100, onListen() {} }, async (req) => {
  const { streams } = await req.json();
  for (const s of streams) pushed += s.values.length;
  return new Response(null, { status: 204 });
});

const mach = new Machine({ Foo: {}, Bar: { require: ["Foo"] } }, { id: "mach1" });
mach.logLevel = LogLevel.Changes;
// no logger given: Deno's built-in OpenTelemetry (OTEL_DENO=true), as console output in span context
bindOtelLogger(mach, { logger: { emit: (r) => console.log(r.severityText, r.body) } });
const lokiLogger = bindLokiLogger(mach, { url: "http://localhost:3100", service: "my-service" });
mach.add(["Foo", "Bar"]); // prints: changes [state] +Foo +Bar
await lokiLogger.dispose(); // flushes
console.log("lines pushed to Loki:", pushed);
await loki.shutdown();
