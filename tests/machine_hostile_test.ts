// The core under hostile values (issue 15, items 9 and 11): a handler
// throwing something unprintable, a tracer whose getters throw.

import { assert, assertEquals } from "@std/assert";
import { Machine, Result, type Tracer } from "../machine/mod.ts";

function unprintables(): [string, () => unknown][] {
  return [
    ["null-prototype object", () => Object.create(null)],
    ["throwing toString", () => ({
      toString() {
        throw new Error("no");
      },
    })],
    ["throwing Symbol.toPrimitive", () => ({
      [Symbol.toPrimitive]() {
        throw new Error("no");
      },
    })],
    ["revoked proxy", () => {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      return proxy;
    }],
    ["Error with a throwing stack getter", () => {
      const e = new Error("x");
      Object.defineProperty(e, "stack", {
        get() {
          throw new Error("no");
        },
      });
      return e;
    }],
  ];
}

Deno.test("machine hostile: any thrown value ends in Exception with a safe message", () => {
  for (const [name, make] of unprintables()) {
    for (const handler of ["AEnter", "AState"]) {
      const mach = new Machine({ A: {}, B: {} }, { id: "m" });
      mach.bindHandlers({
        [handler]() {
          throw make();
        },
      });
      let res: Result | undefined;
      try {
        res = mach.add(["A"]);
      } catch (e) {
        throw new Error(`${name} in ${handler}: add() threw ${e}`);
      }
      assertEquals(res, Result.Canceled, `${name} in ${handler}`);
      assert(mach.is(["Exception"]), `${name} in ${handler}: Exception active`);
      assert(mach.not(["A"]), `${name} in ${handler}: the transition was undone`);
      // the next mutation runs
      assertEquals(mach.add(["B"]), Result.Executed, `${name} in ${handler}: next mutation`);
      const err = mach.err();
      assert(err instanceof Error && typeof err.message === "string", `${name}: an Error`);
      mach.dispose();
    }
  }
  // addErr with such a value too
  for (const [name, make] of unprintables()) {
    const mach = new Machine({ A: {} }, { id: "m2" });
    mach.addErr(make());
    assert(mach.is(["Exception"]), name);
    mach.dispose();
  }
});

Deno.test("machine hostile: a tracer whose getters throw doesn't make bindTracer throw", () => {
  const boom = () => {
    throw new Error("getter");
  };
  const tracers: Tracer[] = [
    Object.defineProperty({}, "id", { get: boom }) as Tracer,
    Object.defineProperties({ id: "t2" }, { machineInit: { get: boom } }) as Tracer,
    Object.defineProperties({ id: "t3" }, { transitionEnd: { get: boom } }) as Tracer,
  ];
  const mach = new Machine({ A: {} }, { id: "m" });
  for (const t of tracers) mach.bindTracer(t);
  assertEquals(mach.add(["A"]), Result.Executed);
  assert(mach.is(["A"]));
  mach.dispose();
});
