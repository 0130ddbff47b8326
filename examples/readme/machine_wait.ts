import { Machine } from "@asyncmachine/telemetry";

const mach = new Machine({ Connected: {}, Ready: { require: ["Connected"] } });

mach.bindHandlers({
  ConnectedState(e) {
    // e.signal is Connected's state context: aborted when this activation ends
    e.signal.addEventListener("abort", () => console.log("Connected ended"));
  },
});

setTimeout(() => mach.add(["Connected", "Ready"]), 10);
await mach.when(["Ready"]); // settles on the transition activating Ready
console.log(mach.is(["Connected"])); // true

const ctx = mach.newStateCtx("Ready"); // the same, outside a handler
const gone = mach.whenNot1("Connected", AbortSignal.timeout(1000)); // rejects on timeout
mach.remove1("Connected"); // Ready requires it: both end
await gone;
console.log(ctx.aborted, mach.stringAll()); // true () [Connected:2 Exception:0 Ready:2]
