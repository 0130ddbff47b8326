// A minimal Chrome DevTools Protocol client on Deno's WebSocket (no npm):
// launch Debian's chromium headless, open a page, evaluate, click, capture.

import { which } from "./peers.ts";

/** A page session. */
export interface CdpPage {
  send(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
  evaluate<T>(expression: string): Promise<T>;
  navigate(url: string): Promise<void>;
  screenshot(): Promise<Uint8Array>;
  /** Console errors and uncaught exceptions since launch (after the first navigate). */
  errors: string[];
}

/** The chromium binary, if installed. */
export function chromiumPath(): string | undefined {
  return which("chromium") ?? which("chromium-browser") ?? which("google-chrome");
}

/** Launches headless chromium with one page; `close()` ends it. */
export async function launch(): Promise<{ page: CdpPage; close: () => Promise<void> }> {
  const dir = await Deno.makeTempDir({ prefix: "am-chromium-" });
  const child = new Deno.Command(chromiumPath()!, {
    args: [
      "--headless=new",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
      "--remote-debugging-port=0",
      `--user-data-dir=${dir}`,
      "--window-size=1280,860",
      "about:blank",
    ],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  let wsUrl = "";
  while (!wsUrl) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`chromium exited: ${text}`);
    text += value;
    wsUrl = text.match(/DevTools listening on (ws:\/\/\S+)/)?.[1] ?? "";
  }
  // keep draining stderr so chromium never blocks on it
  (async () => {
    try {
      while (!(await reader.read()).done);
    } catch {
      // closed
    }
  })();

  const ws = new WebSocket(wsUrl);
  await new Promise((r, j) => {
    ws.onopen = r;
    ws.onerror = j;
  });
  let nextId = 1;
  const pending = new Map<
    number,
    { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }
  >();
  const waiters: { method: string; resolve: () => void }[] = [];
  const errors: string[] = [];
  ws.onmessage = (e) => {
    const msg = JSON.parse(e.data);
    if (msg.id !== undefined) {
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) p?.reject(new Error(`${msg.error.message}`));
      else p?.resolve(msg.result ?? {});
    } else if (msg.method) {
      if (msg.method === "Runtime.consoleAPICalled" && msg.params?.type === "error") {
        errors.push(
          "console.error: " +
            (msg.params.args ?? []).map((a: { value?: unknown; description?: string }) =>
              a.value ?? a.description
            ).join(" "),
        );
      } else if (msg.method === "Runtime.exceptionThrown") {
        const d = msg.params?.exceptionDetails;
        errors.push("exception: " + (d?.exception?.description ?? d?.text ?? ""));
      } else if (msg.method === "Log.entryAdded" && msg.params?.entry?.level === "error") {
        errors.push("log: " + msg.params.entry.text + " " + (msg.params.entry.url ?? ""));
      }
      for (const w of waiters.splice(0)) {
        if (w.method === msg.method) w.resolve();
        else waiters.push(w);
      }
    }
  };
  const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });
  const { targetId } = await send("Target.createTarget", { url: "about:blank" }) as {
    targetId: string;
  };
  const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true }) as {
    sessionId: string;
  };
  const page: CdpPage = {
    errors,
    send: (method, params) => send(method, params, sessionId),
    async evaluate<T>(expression: string): Promise<T> {
      const res = await send("Runtime.evaluate", {
        expression,
        returnByValue: true,
        awaitPromise: true,
      }, sessionId) as { result: { value: T }; exceptionDetails?: { text: string } };
      if (res.exceptionDetails) {
        throw new Error(`evaluate: ${JSON.stringify(res.exceptionDetails)}`);
      }
      return res.result.value;
    },
    async navigate(url: string) {
      await send("Page.enable", {}, sessionId);
      await send("Runtime.enable", {}, sessionId);
      await send("Log.enable", {}, sessionId);
      const loaded = new Promise<void>((resolve) =>
        waiters.push({ method: "Page.loadEventFired", resolve })
      );
      await send("Page.navigate", { url }, sessionId);
      await loaded;
    },
    async screenshot() {
      const { data } = await send("Page.captureScreenshot", { format: "png" }, sessionId) as {
        data: string;
      };
      return Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    },
  };
  return {
    page,
    async close() {
      try {
        await send("Browser.close");
      } catch {
        // already gone
      }
      ws.close();
      try {
        child.kill("SIGKILL");
      } catch {
        // exited
      }
      await child.status;
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}
