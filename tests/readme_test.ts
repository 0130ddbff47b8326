// The README's examples are the files under examples/readme/, verbatim;
// they import the package by name (as a JSR user would: Deno resolves
// "@asyncmachine/telemetry" to this package through deno.json's name and
// exports), and they run.

import { assert, assertStringIncludes } from "@std/assert";

const README = await Deno.readTextFile(new URL("../README.md", import.meta.url));
const EXPECT: Record<string, string[]> = {
  "machine.ts": ["true\n", "msg { n: 1 }", "(Connected:1 Msg:1 Ready:1 Start:1)"],
  "machine_wait.ts": ["true\nConnected ended\ntrue () [Connected:2 Exception:0 Ready:2]"],
  "prometheus.ts": ['am_transitions_total{mach_id="mach1"} 1'],
  "otel.ts": ['"mach:0:mach1"', '"0: [add] Foo"'],
  "dbg.ts": ["2\n"],
  "logs.ts": ["changes [state] +Foo +Bar", "lines pushed to Loki: 2"],
  "env.ts": ["exporters: 0"],
};

Deno.test("README opens with the JSR install line", () => {
  const open = README.indexOf("```");
  const firstCode = README.slice(open, README.indexOf("```", open + 3));
  assertStringIncludes(firstCode, "deno add jsr:@asyncmachine/telemetry");
});

for (const [file, outputs] of Object.entries(EXPECT)) {
  Deno.test(`README example ${file}: verbatim in the README, and it runs`, async () => {
    const code = await Deno.readTextFile(new URL(`../examples/readme/${file}`, import.meta.url));
    assert(README.includes("```ts\n" + code + "```"), `${file} is not verbatim in README.md`);
    assert(/from "@asyncmachine\/telemetry(\/[a-z/]+)?";/.test(code), `${file}: import by name`);
    assert(!code.includes("mod.ts"), `${file} imports a path, not the package`);
    const res = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-net", `examples/readme/${file}`],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const out = new TextDecoder().decode(res.stdout);
    assert(res.code === 0, new TextDecoder().decode(res.stderr));
    for (const o of outputs) assertStringIncludes(out, o);
  });
}
