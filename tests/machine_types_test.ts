// Schema mistakes caught (issue 19 item 6): with a literal schema the state
// names are typed through generics, so each `@ts-expect-error` below must
// stay an error for this file to type-check (deno test checks it); at
// runtime, upstream's schema rules and the opt-in `strict` option.

import { assert, assertEquals, assertThrows } from "@std/assert";
import {
  type Api,
  type Handlers,
  Machine,
  parseSchema,
  type Schema,
  type Transition,
} from "../machine/mod.ts";
import { trace } from "@opentelemetry/api";
import { bindOtelMetrics, OtelMachTracer } from "../otel/mod.ts";
import { transitionsToPrometheus } from "../prometheus/mod.ts";

Deno.test("types: unknown states, relation keys, relation targets and handler names don't compile", () => {
  const m = new Machine({ Foo: { require: ["Bar"] }, Bar: {}, Baz: { remove: ["Exception"] } });
  // @ts-expect-error "Nope" is not a state of the schema
  assertThrows(() => m.add(["Nope"]), Error, "state Nope is not defined");
  // @ts-expect-error likewise for every method taking states
  assertThrows(() => m.when1("Nope"), Error, "Nope");
  // @ts-expect-error an unknown relation key
  new Machine({ Foo: { requires: ["Bar"] }, Bar: {} });
  // @ts-expect-error a relation naming a missing state
  new Machine({ Foo: { require: ["Nope"] }, Bar: {} });
  // @ts-expect-error a handler name matching no state
  m.bindHandlers({ NopeState: () => {} });
  // @ts-expect-error a handler name matching no phase
  m.bindHandlers({ FooEntr: () => true });
  // what does compile: every state, phase and pair, Any handlers, Exception
  const ok: Handlers<"Foo" | "Bar" | "Baz"> = {
    FooEnter: () => true,
    FooExit: () => false,
    FooState: () => {},
    FooEnd: () => {},
    FooBar: () => true,
    BarBar: () => true,
    AnyEnter: () => true,
    AnyState: () => {},
    ExceptionState: () => {},
  };
  m.bindHandlers(ok);
  m.add(["Bar", "Foo"]);
  assert(m.is(["Foo", "Exception"]) === false);
  // untyped schemas (Schema = Schema<string>) accept any name, checked at runtime
  const schema: Schema = { Foo: {} };
  const loose = new Machine(schema);
  assertThrows(() => loose.add(["Nope"]), Error, "Nope");
  // `as const` schemas keep their names
  const constSchema = { A: { require: ["B"] }, B: {} } as const;
  const typed = new Machine(constSchema);
  // @ts-expect-error C is not in the const schema
  assertThrows(() => typed.add1("C"));
});

Deno.test("types: upstream's runtime rules without strict (mach_utils.go:605 Schema.Parse)", () => {
  const { schema, errors } = parseSchema({
    A: { remove: ["A", "Nope"], add: ["B", "Nope2"], after: ["A", "Nope3"], require: ["C"] },
    B: {},
    C: { require: ["B"], remove: ["B"] },
  });
  // references to missing states dropped (Require stays, as upstream)
  assertEquals(schema.A, { remove: [], add: ["B"], after: [], require: ["C"] });
  // a require-remove conflict is a schema error; the machine enters Exception with it
  assertEquals(errors, ["require-remove conflict for C to B"]);
  const m = new Machine({ B: {}, C: { require: ["B"], remove: ["B"] } });
  assert(m.isErr());
  assert(m.err()?.message.includes("require-remove conflict for C to B"));
});

Deno.test("types: strict makes unknown keys, missing states and unmatched handlers errors", () => {
  const loose = { Foo: { requires: ["Bar"] }, Bar: {} } as unknown as Schema;
  // not strict: ignored, as upstream
  new Machine(loose, { id: "m1" });
  assertThrows(
    () => new Machine(loose, { id: "m1", strict: true }),
    TypeError,
    'machine m1: state Foo: unknown key "requires"',
  );
  assertThrows(
    () => new Machine({ Foo: { add: ["Nope"] } } as unknown as Schema, { id: "m2", strict: true }),
    TypeError,
    "machine m2: state Foo: add names a missing state Nope",
  );
  // Exception is a state of every machine, also in strict mode
  const m = new Machine({ Foo: { remove: ["Exception"] } }, { id: "m3", strict: true });
  assertEquals(m.schema().Foo.remove, ["Exception"]);
  assert(m.strict);
  assertThrows(
    () => m.bindHandlers({ FooEntr: () => true } as Handlers, { id: "h" }),
    TypeError,
    "machine m3: handlers h: FooEntr match no state or phase",
  );
  // a class with a helper method is an error only in strict mode
  class H {
    FooState(): void {}
    helper(): void {}
  }
  assertThrows(() => m.bindHandlers(new H()), TypeError, "helper");
  new Machine({ Foo: {} }).bindHandlers(new H());
  m.bindHandlers({ FooEnter: () => true, FooExceptionn: undefined } as Handlers);
  assertEquals(m.handlers().length, 1);
  assertThrows(
    () => m.setSchema({ Foo: {}, Bar: { after: ["Nope"] } } as unknown as Schema),
    TypeError,
    "machine m3: state Bar: after names a missing state Nope",
  );
});

// machine/api.ts (issue 13 item 4): handlers, tracers and transitions name
// the Api interface, not the Machine class; `implements` keeps Machine a
// superset of Api, the type below keeps Api a superset of Machine's public
// members (a member added to Machine alone stops this file compiling).
type NotInApi = Exclude<keyof Machine, keyof Api>;
const apiCoversMachine: [NotInApi] extends [never] ? true : NotInApi = true;

Deno.test("types: Api is Machine's public surface; events and hooks get the machine itself", () => {
  assert(apiCoversMachine);
  const m = new Machine({ Foo: {}, Bar: {} });
  const typed: Api<"Foo" | "Bar"> = m;
  // @ts-expect-error Api<N> keeps the state names typed
  assertThrows(() => typed.add(["Nope"]), Error, "Nope");
  const seen: unknown[] = [];
  let tx: Transition | undefined;
  m.bindTracer({
    id: "t",
    transitionEnd(t) {
      tx = t;
      seen.push(t.machine);
      // @ts-expect-error a transition is read-only for tracers
      if (false as boolean) t.accepted = false;
      // @ts-expect-error its arrays too: they are the machine's own
      if (false as boolean) t.targetStates.push("Bar");
      // @ts-expect-error likewise the clock
      if (false as boolean) t.timeAfter[0] = 99;
    },
  });
  m.bindHandlers({ FooState: (e) => seen.push(e.machine, e.transition.machine) });
  m.add(["Foo"]);
  assertEquals(seen.length, 3);
  for (const mach of seen) assert(mach === m);
  assertEquals(tx?.statesAdded, ["Foo"]);
});

// What a handler or tracer gets (an Api) goes wherever a machine is taken:
// a parent for a submachine, every binder (a binder typed with the Machine
// class would make these a compile error).
Deno.test("types: the Api from a handler or hook is a parent and bindable", async () => {
  const m = new Machine({ Foo: {} }, { id: "parent" });
  const kids: Api[] = [];
  m.bindHandlers({
    FooState: (e) => {
      const kid = new Machine({ Bar: {} }, { id: "kid", parent: e.machine });
      kids.push(kid);
      transitionsToPrometheus(e.machine).dispose();
    },
  });
  const otel = new OtelMachTracer(trace.getTracer("types"));
  m.bindTracer({
    id: "binds",
    newSubmachine(_parent, mach) {
      void bindOtelMetrics(mach)[Symbol.asyncDispose]();
      mach.bindTracer(otel);
    },
  });
  m.add(["Foo"]);
  assertEquals(kids.map((k) => k.parentId), ["parent"]);
  assert(kids[0].tracers().includes(otel));
  await otel[Symbol.asyncDispose]();
});
