// Two processes: a machine in a child process pushes through
// HttpDbgTransport to a Deno.serve endpoint here; a WebSocket client
// receives its messages live.

import { assertEquals } from "@std/assert";
import { dbgHandler, DbgHub } from "../dbg/mod.ts";

Deno.test("dbg: a machine in another process reports over HTTP, a WebSocket sees it live", async () => {
  const hub = new DbgHub();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    dbgHandler(hub, { token: "t0ken" }),
  );
  const base = `127.0.0.1:${server.addr.port}`;
  const ws = new WebSocket(`ws://${base}/stream?token=t0ken`);
  const live: { kind: string; machineId: string; msg: { ID: string } }[] = [];
  await new Promise<void>((resolve) => {
    ws.onopen = () => resolve();
    ws.onmessage = (e) => {
      const frame = JSON.parse(e.data);
      if (frame.kind) live.push(frame); // not hello
    };
  });
  const child = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "tests/fixtures/dbg_push_script.ts", `http://${base}`, "t0ken"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(child.stdout);
  assertEquals(child.code, 0, new TextDecoder().decode(child.stderr));
  // schema + (Start, auto Ready, 20 Msg) transitions + 22 queued
  assertEquals(out.trim(), "sent 45");
  const deadline = Date.now() + 5000;
  while (live.length < 45 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assertEquals(live.length, 45);
  assertEquals(live[0].kind, "schema");
  assertEquals(live.every((e) => e.machineId === "remote-mach"), true);
  const page = await hub.txs("remote-mach", { limit: 1000 });
  assertEquals(page.txs.filter((t) => !t.msg.IsQueued).length, 22);
  await new Promise<void>((resolve) => {
    ws.onclose = () => resolve();
    ws.close();
  });
  await server.shutdown();
});
