import { bindPrometheusMetrics, Machine, metricsHandler } from "@asyncmachine/telemetry";

const mach = new Machine({ Foo: {}, Bar: { require: ["Foo"] } }, { id: "mach1" });
// into defaultRegistry; submachines get their own metrics; binding twice returns this binding
await using _metrics = bindPrometheusMetrics(mach);
mach.add(["Foo", "Bar"]);

// or: export default { fetch: metricsHandler() }
await using server = Deno.serve({ port: 0, onListen() {} }, metricsHandler());
const text = await (await fetch(`http://localhost:${server.addr.port}/metrics`)).text();
console.log(text.match(/am_transitions_total\{mach_id="mach1"\} \d+/)?.[0]); // ... 1
