// A small workload on the machine core: peers with submachines, relations,
// auto and Multi states, occasional exceptions and queued mutations, with a
// tracer printing a progress line. Exporters (Prometheus, OpenTelemetry,
// dbg) attach to the same machines as they land.
//
//   deno task demo [--duration 5]

import { LogLevel, Machine, type Schema, type Tracer } from "../mod.ts";

const durationArg = Deno.args.indexOf("--duration");
const duration = durationArg >= 0 ? Number(Deno.args[durationArg + 1]) * 1000 : Infinity;

const peerSchema: Schema = {
  Start: {},
  Ready: { auto: true, require: ["Start", "Connected"] },
  Connecting: { require: ["Start"], remove: ["Connected", "Disconnected"] },
  Connected: { require: ["Start"], remove: ["Connecting", "Disconnected"] },
  Disconnected: { remove: ["Connecting", "Connected"] },
  MsgReceived: { multi: true, require: ["Ready"] },
  Working: { require: ["Ready"], after: ["MsgReceived"] },
};

const stats = { transitions: 0, canceled: 0, exceptions: 0 };
const counter: Tracer = {
  id: "counter",
  inheritable: true,
  transitionEnd(tx) {
    stats.transitions++;
    if (!tx.accepted) stats.canceled++;
    if (tx.targetStates.includes("Exception")) stats.exceptions++;
  },
};

const root = new Machine({ Start: {}, Healthy: { require: ["Start"] } }, {
  id: "sim",
  tracers: [counter],
  logLevel: LogLevel.Ops,
});
root.add(["Start", "Healthy"]);

const peers = Array.from({ length: 5 }, (_, i) => {
  const peer = new Machine(peerSchema, { id: `sim-p${i}`, parent: root, logLevel: LogLevel.Ops });
  peer.bindHandlers({
    ConnectedState(e: { machine: Machine }) {
      // a queued mutation from inside a handler
      e.machine.add(["MsgReceived"]);
    },
    MsgReceivedState() {
      if (Math.random() < 0.02) throw new Error("corrupt message");
    },
  });
  peer.add(["Start", "Connecting"]);
  return peer;
});

const started = performance.now();
let last = 0;
const timer = setInterval(() => {
  for (const peer of peers) {
    const roll = Math.random();
    if (peer.is(["Exception"])) peer.remove(["Exception"]);
    else if (roll < 0.3) peer.add(["Connected"]);
    else if (roll < 0.4) peer.add(["Disconnected"]);
    else if (roll < 0.5) peer.add(["Connecting"]);
    else if (peer.is(["Ready"])) peer.add(["MsgReceived", "Working"]);
  }
  const now = performance.now();
  if (now - last > 1000) {
    last = now;
    const secs = (now - started) / 1000;
    console.log(
      `machines ${peers.length + 1} | transitions ${stats.transitions} ` +
        `(${Math.round(stats.transitions / secs)}/s) | canceled ${stats.canceled} ` +
        `| exceptions ${stats.exceptions}`,
    );
  }
  if (now - started >= duration) {
    clearInterval(timer);
    for (const peer of peers) peer.dispose();
    root.dispose();
  }
}, 5);

Deno.addSignalListener?.("SIGINT", () => {
  clearInterval(timer);
  Deno.exit(0);
});
