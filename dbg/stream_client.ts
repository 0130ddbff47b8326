/**
 * A client of a dbg endpoint's stream: follows `/stream` (WebSocket) or
 * `/events` (SSE), pages a `gap` over `/rpc` `since`, resumes after a
 * disconnect from its last seq, and delivers every event once, in seq order
 * (duplicates dropped by seq).
 *
 * @module
 */

import type { HubEvent, SincePage } from "./hub_types.ts";

/** Options of {@linkcode followDbgStream}. */
export interface DbgFollowOptions {
  /** Start after this seq (0: the whole retained history); absent: the live tail only. */
  since?: number;
  /** Only these machines. */
  machines?: string[];
  /** The endpoint's bearer token. */
  token?: string;
  /** `ws` (default) or `sse`. */
  transport?: "ws" | "sse";
  /** Gets each event once, in seq order. */
  onEvent: (event: HubEvent) => void;
  /** Connection and paging failures (the follower reconnects). */
  onError?: (error: Error) => void;
  /** Delay before reconnecting, ms; default 1000. */
  reconnectMs?: number;
}

/**
 * A running follower.
 *
 * @example Usage
 * ```ts ignore
 * import { followDbgStream } from "@asyncmachine/telemetry/dbg";
 * const f = followDbgStream("http://127.0.0.1:6832", { since: 0, onEvent: (e) => console.log(e.seq) });
 * f.close();
 * ```
 */
export interface DbgFollower {
  /** The last delivered seq (-1 before any). */
  readonly lastSeq: number;
  /** Connections made (1 + reconnects). */
  readonly connects: number;
  /** Stops following. */
  close(): void;
}

type Frame = HubEvent | { hello: { seq: number } } | { gap: { from: number; to: number } };

/**
 * Follows a dbg endpoint's stream from `since`, paging gaps over `/rpc`.
 *
 * @example Usage
 * ```ts ignore
 * import { followDbgStream } from "@asyncmachine/telemetry/dbg";
 * const seen: number[] = [];
 * const f = followDbgStream("http://127.0.0.1:6832/", { since: 0, onEvent: (e) => seen.push(e.seq) });
 * ```
 */
export function followDbgStream(baseUrl: string, opts: DbgFollowOptions): DbgFollower {
  const base = baseUrl.replace(/\/+$/, "") + "/";
  let last = opts.since ?? -1;
  let known = opts.since !== undefined;
  let closed = false;
  let connects = 0;
  let stopConn: (() => void) | undefined;
  let rpcId = 1;
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;

  const deliver = (e: HubEvent): void => {
    if (e.seq <= last) return;
    last = e.seq;
    try {
      opts.onEvent(e);
    } catch (err) {
      opts.onError?.(err instanceof Error ? err : new Error(String(err)));
    }
  };

  const page = async (to: number): Promise<void> => {
    while (!closed && last < to) {
      const res = await fetch(new URL("rpc", base), {
        method: "POST",
        headers,
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: rpcId++,
          method: "since",
          params: { seq: Math.max(0, last), limit: 1000, machines: opts.machines },
        }),
      });
      const reply = await res.json() as { result?: SincePage; error?: { message: string } };
      if (!reply.result) throw new Error(`since: ${reply.error?.message ?? res.status}`);
      for (const e of reply.result.events) if (e.seq <= to) deliver(e);
      // everything up to the examined seq came back (a filter or retention leaves holes);
      // nothing more: the rest up to `to` was dropped by retention
      last = Math.max(last, reply.result.more ? Math.min(to, reply.result.seq) : to);
    }
  };

  const connect = (): void => {
    if (closed) return;
    connects++;
    const url = new URL(opts.transport === "sse" ? "events" : "stream", base);
    if (known) url.searchParams.set("since", String(Math.max(0, last)));
    if (opts.machines?.length) url.searchParams.set("machines", opts.machines.join(","));
    if (opts.token) url.searchParams.set("token", opts.token);
    // frames wait here while a gap is paged, so delivery stays in seq order
    let held: HubEvent[] | undefined;
    const onFrame = (f: Frame): void => {
      if ("hello" in f) {
        if (!known) {
          last = f.hello.seq;
          known = true;
        }
      } else if ("gap" in f) {
        held = [];
        const to = f.gap.to;
        page(to).then(
          () => {
            const h = held ?? [];
            held = undefined;
            for (const e of h) deliver(e);
          },
          (err) => {
            opts.onError?.(err);
            stopConn?.(); // reconnect resumes from the last delivered seq
          },
        );
      } else if (held) held.push(f);
      else deliver(f);
    };
    const onEnd = (): void => {
      stopConn = undefined;
      if (!closed) setTimeout(connect, opts.reconnectMs ?? 1000);
    };
    if (opts.transport === "sse") stopConn = sse(url, onFrame, onEnd, opts.onError);
    else {
      url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
      const ws = new WebSocket(url);
      ws.onmessage = (e) => onFrame(JSON.parse(e.data));
      ws.onclose = onEnd;
      ws.onerror = () => opts.onError?.(new Error(`stream ${url.origin}: connection error`));
      stopConn = () => ws.close();
    }
  };
  connect();
  return {
    get lastSeq() {
      return last;
    },
    get connects() {
      return connects;
    },
    close() {
      closed = true;
      stopConn?.();
    },
  };
}

/** Reads an SSE response frame by frame; returns a stopper. */
function sse(
  url: URL,
  onFrame: (f: Frame) => void,
  onEnd: () => void,
  onError?: (e: Error) => void,
): () => void {
  const ac = new AbortController();
  (async () => {
    try {
      const res = await fetch(url, { signal: ac.signal });
      if (!res.ok || !res.body) throw new Error(`events ${url.origin}: ${res.status}`);
      let buf = "";
      for await (const chunk of res.body.pipeThrough(new TextDecoderStream())) {
        buf += chunk;
        let at = 0, i;
        while ((i = buf.indexOf("\n\n", at)) !== -1) {
          const block = buf.slice(at, i);
          at = i + 2;
          let event = "", data = "";
          for (const line of block.split("\n")) {
            if (line.startsWith("event: ")) event = line.slice(7);
            else if (line.startsWith("data: ")) data += line.slice(6);
          }
          if (event === "error") throw new Error(`events ${url.origin}: ${data}`);
          if (data) onFrame(JSON.parse(data));
        }
        buf = buf.slice(at);
      }
    } catch (e) {
      if (!ac.signal.aborted) onError?.(e instanceof Error ? e : new Error(String(e)));
    } finally {
      onEnd();
    }
  })();
  return () => ac.abort();
}
