// Machine ids as Prometheus series (issue 15, item 10): ids that differ only
// in lone surrogates stay distinct series once encoded as UTF-8, and ids that
// collide after encoding (legacy names) get a suffix and a warning.

import { assert, assertEquals } from "@std/assert";
import { Machine } from "../machine/mod.ts";
import { bindMach, Registry } from "../prometheus/mod.ts";

/** The exposition as a scraper sees it: UTF-8 bytes, decoded. */
function scraped(registry: Registry): string {
  return new TextDecoder().decode(new TextEncoder().encode(registry.render("text")));
}

function series(text: string, name: string): string[] {
  return text.split("\n").filter((l) => l.startsWith(name + "{") || l.startsWith(name + " "))
    .map((l) => l.slice(0, l.lastIndexOf(" ")));
}

function captureWarnings(fn: () => void): string[] {
  const warned: string[] = [];
  const orig = console.warn;
  console.warn = (...args: unknown[]) => void warned.push(args.map(String).join(" "));
  try {
    fn();
  } finally {
    console.warn = orig;
  }
  return warned;
}

Deno.test("prometheus ids: lone surrogates stay distinct series after UTF-8 encoding", () => {
  const registry = new Registry();
  const ids = ["x\ud800", "x\udc00", "x\ufffd", "x"];
  for (const id of ids) bindMach(new Machine({ A: {} }, { id }), { registry });
  const text = scraped(registry);
  for (const name of ["am_queue_size", "am_transitions_total"]) {
    const s = series(text, name);
    assertEquals(s.length, ids.length, s.join("\n"));
    assertEquals(new Set(s).size, ids.length, `duplicate series:\n${s.join("\n")}`);
  }
  // the output is well-formed UTF-8 as rendered, not only after a lossy encode
  assert(registry.render("text").isWellFormed());
});

Deno.test("prometheus ids: colliding legacy names get a suffix and a warning", () => {
  const registry = new Registry();
  let warned: string[] = [];
  warned = captureWarnings(() => {
    bindMach(new Machine({ A: {} }, { id: "My-Mach" }), { registry, legacyNames: true });
    bindMach(new Machine({ A: {} }, { id: "my_mach" }), { registry, legacyNames: true });
    bindMach(new Machine({ A: {} }, { id: "my.mach" }), { registry, legacyNames: true });
  });
  const text = scraped(registry);
  assertEquals(series(text, "am_queue_size_my_mach").length, 1);
  assertEquals(series(text, "am_queue_size_my_mach_2").length, 1);
  assertEquals(series(text, "am_queue_size_my_mach_3").length, 1);
  assertEquals(warned.length, 2, warned.join("\n"));
  assert(warned[0].includes("my_mach"), warned[0]);
  // the same id bound again is the same series, without a warning
  const again = captureWarnings(() =>
    bindMach(new Machine({ A: {} }, { id: "My-Mach" }), { registry, legacyNames: true })
  );
  assertEquals(again, []);
});
