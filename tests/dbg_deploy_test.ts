// The Deno Deploy example is secure by default: with no token the network
// can neither ingest nor read; a token enables ingest (and reads with it);
// public reads only when asked; CORS off unless asked.

import { assert, assertEquals } from "@std/assert";
import { newDeployApp } from "../examples/deploy_app.ts";

const schema = (id: string) => ({
  jsonrpc: "2.0",
  id: 1,
  method: "DbgMsgSchema",
  params: { ID: id, StatesIndex: ["A"], States: { A: {} } },
});

async function post(
  fetch: (r: Request) => Promise<Response>,
  body: unknown,
  token?: string,
): Promise<{ status: number; body: { error?: { code: number }; result?: unknown } | null }> {
  const res = await fetch(
    new Request("http://x/rpc", {
      method: "POST",
      body: JSON.stringify(body),
      headers: token ? { authorization: `Bearer ${token}` } : {},
    }),
  );
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function get(fetch: (r: Request) => Promise<Response>, path: string): Promise<Response> {
  const res = await fetch(new Request(`http://x${path}`));
  await res.body?.cancel();
  return res;
}

Deno.test("deploy example: no token, nothing from the network: no ingest, no reads, no CORS", async () => {
  const app = newDeployApp();
  assertEquals((await post(app.fetch, schema("intruder"))).status, 401);
  for (const path of ["/", "/events", "/stream", "/dbg.ws"]) {
    assertEquals((await get(app.fetch, path)).status, 401, path);
  }
  assertEquals((await post(app.fetch, { jsonrpc: "2.0", id: 1, method: "machines" })).status, 401);
  assert(!(await app.hub.machines()).some((m) => m.id === "intruder"));
  const pre = await app.fetch(new Request("http://x/rpc", { method: "OPTIONS" }));
  await pre.body?.cancel();
  assertEquals(pre.headers.get("access-control-allow-origin"), null);
});

Deno.test("deploy example: public reads when asked; ingest still refused without a token", async () => {
  const app = newDeployApp({ publicRead: true });
  assertEquals((await get(app.fetch, "/")).status, 200);
  const r = await post(app.fetch, schema("intruder"));
  assertEquals(r.body?.error?.code, -32001);
  assertEquals((await get(app.fetch, "/dbg.ws")).status, 401);
  const list = await post(app.fetch, { jsonrpc: "2.0", id: 1, method: "machines" });
  assertEquals(Array.isArray(list.body?.result), true);
  assert(!(await app.hub.machines()).some((m) => m.id === "intruder"));
});

Deno.test("deploy example: with a token, ingest is accepted from its bearer only", async () => {
  const app = newDeployApp({ token: "s3cret", cors: "https://app.example" });
  assertEquals((await post(app.fetch, schema("remote"))).status, 401);
  assertEquals((await post(app.fetch, schema("remote"), "nope")).status, 401);
  const ok = await post(app.fetch, schema("remote"), "s3cret");
  assertEquals(ok.body?.result, "");
  assert((await app.hub.machines()).some((m) => m.id === "remote"));
  const page = await app.fetch(new Request("http://x/?token=s3cret"));
  await page.body?.cancel();
  assertEquals(page.status, 200);
  assertEquals(page.headers.get("access-control-allow-origin"), "https://app.example");
});
