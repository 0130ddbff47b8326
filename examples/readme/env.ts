import { Machine, machTelemetryEnv, readTelemetryConfig } from "@asyncmachine/telemetry";

// every AM_* / OTEL_* variable read once, permission-safe (unset without --allow-env)
const config = readTelemetryConfig(); // or readTelemetryConfig((name) => myVars[name])
const mach = new Machine({ Foo: {} }, { id: "mach1" });
{
  // binds what the variables ask for: am-dbg, Pushgateway, Grafana, OTel, Loki
  await using telemetry = machTelemetryEnv(mach, config);
  mach.add(["Foo"]);
  await telemetry.flush(); // pushes, sends and exports what's buffered
  console.log("exporters:", telemetry.bindings.length);
} // flushed and detached, the last bound first
