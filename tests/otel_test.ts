// OtelMachTracer with sdk-trace-base's InMemorySpanExporter: the exact span
// tree for a scripted scenario, filters, no span left open, isolation.

import { assert, assertEquals, assertFalse } from "@std/assert";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type Span,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { type HandlerEvent, Machine, type Schema } from "../machine/mod.ts";
import { OtelMachTracer, type OtelMachTracerOptions } from "../otel/mod.ts";
import { readTelemetryConfig } from "../mod.ts";

/** Counts started and ended spans, to prove none stays open. */
class OpenSpans implements SpanProcessor {
  open = new Set<Span>();
  onStart(span: Span): void {
    this.open.add(span);
  }
  onEnd(span: ReadableSpan): void {
    this.open.delete(span as Span);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function setup(opts: OtelMachTracerOptions = {}) {
  const exporter = new InMemorySpanExporter();
  const open = new OpenSpans();
  const provider = new BasicTracerProvider({
    spanProcessors: [open, new SimpleSpanProcessor(exporter)],
  });
  const otel = new OtelMachTracer(provider.getTracer("test"), opts);
  return { exporter, open, otel };
}

/** The finished spans as an indented tree (tx ids elided), in start order. */
function renderTree(spans: ReadableSpan[]): string {
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  const kids = new Map<string, ReadableSpan[]>();
  for (const s of spans) {
    const p = s.parentSpanContext?.spanId ?? "root";
    kids.set(p, [...(kids.get(p) ?? []), s]);
  }
  const lines: string[] = [];
  const walk = (id: string, depth: number) => {
    for (const s of kids.get(id) ?? []) {
      const attrs = Object.entries(s.attributes)
        .filter(([k]) => k !== "tx_id")
        .map(([k, v]) => `${k}=${v}`);
      let line = "  ".repeat(depth) + s.name;
      if (attrs.length) line += ` {${attrs.join(" ")}}`;
      if (s.events.length) {
        line += " events=" +
          s.events.map((e) => e.name + (e.attributes?.emitter ? "@" + e.attributes.emitter : ""))
            .join(",");
      }
      if (s.links.length) {
        line += " links=" + s.links.map((l) => byId.get(l.context.spanId)?.name).join(",");
      }
      if (s.status.code === 2) line += " ERROR";
      lines.push(line);
      walk(s.spanContext().spanId, depth + 1);
    }
  };
  walk("root", 0);
  return lines.join("\n");
}

const SCHEMA: Schema = {
  Start: {},
  Ready: { auto: true, require: ["Start"] },
  Msg: { multi: true },
  Bad: { require: ["Missing"] },
  Missing: {},
};

function scenario(otel: OtelMachTracer) {
  const txIds: string[] = [];
  const rec = {
    id: "ids",
    inheritable: true,
    transitionInit: (tx: { id: string }) => txIds.push(tx.id),
  };
  const m1 = new Machine(SCHEMA, { id: "m1", tracers: [otel, rec], logArgs: ["name"] });
  const m2 = new Machine({ A: {}, B: {} }, { id: "m2", tracers: [otel] });
  const child = new Machine({ C: {} }, { id: "c1", parent: m1 });
  m1.add(["Start"], { name: "x" }); // + auto Ready
  m1.add1("Bad"); // Require-canceled
  m1.bindHandlers({
    MsgState(e: HandlerEvent) {
      // the 2nd Msg causes a mutation in m2: a link to its source
      if (e.machine.tick("Msg") > 2) m2.evAdd1(e, "A");
    },
  }, { id: "h1" });
  m1.add1("Msg");
  m1.add1("Msg"); // Multi: an event on the open instance
  m2.bindHandlers({
    BState() {
      throw new Error("boom");
    },
  }, { id: "h2" });
  m2.add1("B"); // exception in a final handler: B rolled back, its span ends
  m2.set(["A"]); // A stays (added by m1's evAdd), Exception goes
  m1.remove1("Start"); // removes Ready too (diff in index order: the core's tx.diff); auto Ready then canceled
  child.add1("C");
  child.dispose();
  m1.dispose();
  m2.dispose();
  return { m1, m2, child, txIds };
}

const EXPECTED_TREE = `
mach:0:m1 {id=m1}
  0:states {mach_id=m1}
    0:Start
      0:Start
    0:Ready
      0:Ready
    0:Msg [M]
      0:Msg [M] events=[add] Msg
  0:transitions {mach_id=m1}
    0: [add] Start {time_before=0 mutation=0: [add] Start args.name=x states_diff=+Start time_after=1 accepted=true auto=false steps_count=2} links=0:Start
    0: [add] Ready {time_before=1 mutation=0: [add] Ready states_diff=+Ready time_after=2 accepted=true auto=true steps_count=7} links=0:Ready
    0: [add] Bad {time_before=2 mutation=0: [add] Bad accepted=false auto=false time_after=2 steps_count=9}
    0: [add] Msg {time_before=2 mutation=0: [add] Msg states_diff=+Msg time_after=3 accepted=true auto=false steps_count=4} events=MsgState@h1 links=0:Msg [M]
    0: [add] Msg {time_before=3 mutation=0: [add] Msg states_diff=+Msg time_after=5 accepted=true auto=false steps_count=3} events=MsgState@h1 links=0:Msg [M]
    0: [remove] Start {time_before=5 mutation=0: [remove] Start states_diff=-Ready -Start time_after=7 accepted=true auto=false steps_count=4} links=0:Ready,0:Start
    0: [add] Ready {time_before=7 mutation=0: [add] Ready accepted=false auto=true time_after=7 steps_count=6}
  0:submachines {mach_id=m1}
    mach:2:c1 {id=c1}
      2:states {mach_id=c1}
        2:C
          2:C
      2:transitions {mach_id=c1}
        2: [add] C {time_before=0 mutation=2: [add] C states_diff=+C time_after=1 accepted=true auto=false steps_count=2} links=2:C
mach:1:m2 {id=m2}
  1:states {mach_id=m2}
    1:A
      1:A
    1:B
      1:B
    1:Exception [M]
      1:Exception [M]
  1:transitions {mach_id=m2}
    1: [add] A {time_before=0 mutation=1: [add] A states_diff=+A time_after=1 accepted=true auto=false steps_count=2} links=0: [add] Msg,1:A
    1: [add] B {time_before=1 mutation=1: [add] B states_diff=+B time_after=2 accepted=false auto=false steps_count=3} events=BState@h2 links=1:B,1:B
    !1: [add] Exception {time_before=3 mutation=1: [add] Exception error=boom states_diff=+Exception time_after=4 accepted=true auto=false steps_count=2} links=1: [add] B,1:Exception [M] ERROR
    1: [set] A {time_before=4 mutation=1: [set] A states_diff=-Exception time_after=5 accepted=true auto=false steps_count=2} links=1:Exception [M]
`.trim();

Deno.test("otel: the span tree of a scripted scenario, exactly", () => {
  const { exporter, open, otel } = setup();
  const { txIds } = scenario(otel);
  otel.dispose();
  const spans = exporter.getFinishedSpans();
  assertEquals(renderTree(spans), EXPECTED_TREE);
  assertEquals(open.open.size, 0, "no span stays open");
  // one trace; tx spans carry the transition ids
  assertEquals(new Set(spans.map((s) => s.spanContext().traceId)).size, 2);
  const txSpanIds = spans.filter((s) => s.name.includes(": [")).map((s) => s.attributes.tx_id);
  assertEquals(txSpanIds.filter((id) => txIds.includes(id as string)).length, 8);
});

Deno.test("otel: skipTransitions traces states only", () => {
  const { exporter, otel } = setup({ skipTransitions: true });
  scenario(otel);
  otel.dispose();
  const names = exporter.getFinishedSpans().map((s) => s.name);
  assertFalse(names.some((n) => n.includes("transitions") || n.includes(": [")));
  assert(names.includes("0:Msg [M]"));
});

Deno.test("otel: skip before allow; machId:State and regexps; skipAuto", () => {
  const { exporter, otel } = setup({
    allowStates: ["m1:Start", "Msg", "A"],
    skipStates: ["Msg"],
    skipAuto: true,
  });
  scenario(otel);
  otel.dispose();
  const names = exporter.getFinishedSpans().map((s) => s.name);
  assert(names.includes("0:Start"));
  assertFalse(names.includes("0:Ready"), "not allowed");
  assertFalse(names.includes("0:Msg [M]"), "skipped even though allowed");
  assert(names.includes("1:A"));
  assertFalse(names.includes("1:B"));
  assertFalse(names.includes("0: [add] Ready"), "auto transitions skipped");
  assert(otel.allowedState("x", "A"));
  const re = setup({ allowStatesRe: /^m2:/, skipStatesRe: /:B$/ }).otel;
  assertFalse(re.allowedState("m2", "B"));
  assert(re.allowedState("m2", "A"));
});

Deno.test("otel: health transitions skipped unless includeHealth", () => {
  for (const includeHealth of [false, true]) {
    const { exporter, otel } = setup({ includeHealth });
    const m = new Machine({ Healthcheck: { multi: true } }, { id: "h", tracers: [otel] });
    m.add1("Healthcheck");
    otel.dispose();
    const names = exporter.getFinishedSpans().map((s) => s.name);
    assertEquals(names.includes("0: [add] Healthcheck"), includeHealth);
  }
});

Deno.test("otel: a broken OpenTelemetry tracer never reaches the machine", () => {
  const broken = {
    startSpan(): never {
      throw new Error("otel down");
    },
    startActiveSpan(): never {
      throw new Error("otel down");
    },
  };
  const otel = new OtelMachTracer(broken);
  const m = new Machine({ A: {} }, { tracers: [otel] });
  m.add1("A");
  assert(m.is1("A"));
  assert(m.tracerErrors > 0);
});

Deno.test("otel: remote parent from AM_OTEL_TRACE_ID/AM_OTEL_SPAN_ID (through the config)", () => {
  const traceId = "0af7651916cd43dd8448eb211c80319c";
  const spanId = "b7ad6b7169203331";
  const env: Record<string, string> = {
    AM_OTEL_TRACE_ID: traceId.toUpperCase(),
    AM_OTEL_SPAN_ID: spanId,
  };
  const remoteParent = readTelemetryConfig((name) => env[name]).otel.parent;
  const { exporter, otel } = setup({ remoteParent });
  new Machine({ A: {} }, { id: "r", tracers: [otel] });
  otel.dispose();
  const mach = exporter.getFinishedSpans().find((s) => s.name === "mach:0:r")!;
  assertEquals(mach.spanContext().traceId, traceId);
  assertEquals(mach.parentSpanContext?.spanId, spanId);
  // invalid ids are no parent
  env.AM_OTEL_SPAN_ID = "0000000000000000";
  assertEquals(readTelemetryConfig((name) => env[name]).otel.parent, undefined);
});

Deno.test("otel: rpc submachines are not traced", () => {
  const { exporter, otel } = setup();
  const p = new Machine({ A: {} }, { id: "p", tracers: [otel] });
  const rpc = new Machine({ B: {} }, { id: "rpc1", parent: p, tags: ["rpc-client"] });
  rpc.add1("B");
  otel.dispose();
  assertFalse(exporter.getFinishedSpans().some((s) => s.name.includes("rpc1")));
});
