import { bindMach, Machine, metricsHandler } from "../../mod.ts";

const mach = new Machine({ Foo: {}, Bar: { require: ["Foo"] } }, { id: "mach1" });
bindMach(mach); // submachines get their own metrics automatically
mach.add(["Foo", "Bar"]);

const server = Deno.serve({ port: 9100, onListen() {} }, metricsHandler()); // or: export default { fetch: metricsHandler() }
const text = await (await fetch("http://localhost:9100/metrics")).text();
console.log(text.match(/am_transitions_total\{mach_id="mach1"\} \d+/)?.[0]); // ... 1
await server.shutdown();
