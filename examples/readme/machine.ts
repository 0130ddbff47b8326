import { Machine, Result } from "@asyncmachine/telemetry";

const mach = new Machine({
  Start: {},
  Ready: { auto: true, require: ["Start", "Connected"] },
  Connected: { require: ["Start"], remove: ["Disconnected"] },
  Disconnected: { remove: ["Connected"] },
  Msg: { multi: true, require: ["Ready"] },
}, { id: "peer1" });

mach.bindHandlers({
  ConnectedEnter: (e: { args: { addr?: string } }) => e.args.addr !== undefined, // false cancels
  MsgState: (e: { args: unknown }) => console.log("msg", e.args),
});

mach.add(["Start"]);
console.log(mach.add1("Connected") === Result.Canceled); // true: no addr
mach.add1("Connected", { addr: "localhost:1" }); // Ready is Auto: added right after
console.log(mach.is(["Ready"])); // true
mach.add1("Msg", { n: 1 }); // Multi: ticks by 2 on each re-add
console.log(mach.toString()); // (Connected:1 Msg:1 Ready:1 Start:1)
