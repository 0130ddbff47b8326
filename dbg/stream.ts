/**
 * The live stream of a hub: `/stream` (WebSocket) and `/events` (SSE). A
 * subscriber gets `{hello: {seq}}` (the head when it subscribed), with
 * `since=N` a bounded replay of (N, head] then `{gap: {from, to}}` for the
 * rest (paged over `/rpc` `since`), then the live tail. Frames are encoded
 * once and shared by every subscriber; each subscriber's buffer is bounded
 * in bytes and a stalled one is cut off (WebSocket close 1013, SSE
 * `event: error`); a failing send ends that subscriber only.
 *
 * @module
 */

import type { DbgHub, HubEvent } from "./hub.ts";
import { errorResponse } from "./http.ts";

/** What a sent frame's slot in a subscriber queue holds. */
const RELEASED = new Uint8Array(0);

/** Options of the stream routes. */
export interface DbgStreamOptions {
  /** Events replayed at most after `since` before a gap frame; default 1000. */
  replayWindow?: number;
  /** Bytes replayed at most before a gap frame; default 4 MiB. */
  replayBytes?: number;
  /** Bytes buffered per subscriber before it's cut off; default 8 MiB. */
  maxBufferedBytes?: number;
  /** SSE: events buffered per subscriber before it's cut off; default 10,000. */
  maxQueuedEvents?: number;
}

/** A stream request's query. */
export interface StreamQuery {
  /** Replay after this seq (absent: live tail only). */
  since?: number;
  /** Only these machines. */
  machines?: string[];
}

/** Where a subscription's frames go. */
interface Sink {
  /** Sends an event's frame, or a control frame (hello, gap); false: over budget. */
  send(frame: string, event?: HubEvent, control?: "hello" | "gap"): boolean;
  /** Ends the subscriber: over budget or failed. */
  cut(reason: string, code: number): void;
}

const MAX_FILTER_IDS = 1000;

/**
 * Parses `since` (or `Last-Event-ID`) and `machines`; a string is the
 * error for a bad value.
 *
 * @example Usage
 * ```ts
 * import { parseStreamQuery } from "./stream.ts";
 * parseStreamQuery(new URL("http://x/stream?since=5&machines=a,b")); // { since: 5, machines: ["a", "b"] }
 * ```
 */
export function parseStreamQuery(url: URL, lastEventId?: string | null): StreamQuery | string {
  const q: StreamQuery = {};
  const raw = lastEventId ?? url.searchParams.get("since");
  if (raw !== null && raw !== undefined && raw !== "") {
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < 0) {
      return `since must be a seq (an integer ≥ 0), got ${raw}`;
    }
    q.since = n;
  }
  const m = url.searchParams.get("machines");
  if (m) {
    const ids = m.split(",").map((s) => s.trim()).filter(Boolean);
    if (ids.length > MAX_FILTER_IDS) return `machines lists over ${MAX_FILTER_IDS} ids`;
    if (ids.length) q.machines = ids;
  }
  return q;
}

/**
 * Feeds one subscriber: hello, replay, gap, tail, deduplicated by seq.
 * Resolves with its unsubscriber once the tail is live.
 */
async function feed(
  hub: DbgHub,
  q: StreamQuery,
  o: Required<DbgStreamOptions>,
  sink: Sink,
): Promise<() => void> {
  let live = false;
  let closed = false;
  let last = -1;
  let pending: [HubEvent, string][] = [];
  let pendingBytes = 0;
  const stop = (reason: string, code: number): void => {
    if (closed) return;
    closed = true;
    unsubscribe();
    pending = [];
    sink.cut(reason, code);
  };
  const send = (frame: string, event?: HubEvent, control?: "hello" | "gap"): void => {
    if (closed) return;
    let ok = false;
    try {
      ok = sink.send(frame, event, control);
    } catch {
      // this subscriber's send failed: it alone ends
      stop("send failed", 1011);
      return;
    }
    if (!ok) stop("slow consumer", 1013);
  };
  const deliver = (e: HubEvent, frame: string): void => {
    if (e.seq <= last) return; // a duplicate (replay and tail overlap)
    last = e.seq;
    send(frame, e);
  };
  const unsubscribe = hub.subscribe((e, frame) => {
    if (closed) return;
    if (live) return deliver(e, frame);
    pending.push([e, frame]);
    pendingBytes += frame.length;
    if (pendingBytes > o.maxBufferedBytes) stop("slow consumer", 1013);
  }, q.machines);
  try {
    const head = await hub.head();
    send(JSON.stringify({ hello: { seq: head } }), undefined, "hello");
    if (q.since !== undefined && q.since < head) {
      let at = q.since, count = 0, bytes = 0;
      replay: while (!closed && at < head && count < o.replayWindow) {
        const page = await hub.since(at, {
          limit: Math.min(1000, o.replayWindow - count),
          machines: q.machines,
        });
        for (const e of page.events) {
          if (e.seq > head) break;
          const frame = JSON.stringify(e);
          if (bytes + frame.length > o.replayBytes && count > 0) {
            at = e.seq - 1;
            break replay;
          }
          bytes += frame.length;
          count++;
          deliver(e, frame);
          at = e.seq;
        }
        at = page.more ? Math.max(at, Math.min(page.seq, head)) : head;
        if (page.events.length === 0 && !page.more) break;
      }
      if (!closed && at < head) {
        send(JSON.stringify({ gap: { from: at + 1, to: head } }), undefined, "gap");
      }
    }
    last = Math.max(last, head);
    live = true;
    for (const [e, frame] of pending) deliver(e, frame);
    pending = [];
  } catch (e) {
    stop(`stream failed: ${e instanceof Error ? e.message : "error"}`, 1011);
  }
  return () => {
    closed = true;
    unsubscribe();
  };
}

function withDefaults(o: DbgStreamOptions): Required<DbgStreamOptions> {
  return {
    replayWindow: o.replayWindow ?? 1000,
    replayBytes: o.replayBytes ?? 4 * 1024 * 1024,
    maxBufferedBytes: o.maxBufferedBytes ?? 8 * 1024 * 1024,
    maxQueuedEvents: o.maxQueuedEvents ?? 10_000,
  };
}

/**
 * `GET /stream`: the hub's events as WebSocket text frames.
 *
 * @example Usage
 * ```ts ignore
 * import { DbgHub } from "@asyncmachine/telemetry/dbg";
 * import { wsStream } from "./stream.ts";
 * const route = wsStream(new DbgHub(), {});
 * Deno.serve((req) => route(req, new URL(req.url), {}));
 * ```
 */
export function wsStream(
  hub: DbgHub,
  opts: DbgStreamOptions,
): (req: Request, url: URL, headers: Record<string, string>) => Response {
  const o = withDefaults(opts);
  return (req, url, headers) => {
    if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return errorResponse(426, "connect with a WebSocket", { upgrade: "websocket", ...headers });
    }
    const q = parseStreamQuery(url);
    if (typeof q === "string") return errorResponse(400, q, headers);
    const { socket, response } = Deno.upgradeWebSocket(req);
    let unsubscribe: (() => void) | undefined;
    let ended = false;
    const end = () => {
      ended = true;
      unsubscribe?.();
    };
    socket.onopen = async () => {
      const u = await feed(hub, q, o, {
        send(frame) {
          if (socket.readyState !== WebSocket.OPEN) return true;
          // a consumer that can't keep up is cut off, never buffered without bound
          if (socket.bufferedAmount > o.maxBufferedBytes) return false;
          socket.send(frame);
          return true;
        },
        cut(reason, code) {
          try {
            socket.close(code, reason);
          } catch {
            // already closing
          }
        },
      });
      if (ended) u();
      else unsubscribe = u;
    };
    socket.onclose = end;
    socket.onerror = end;
    return response;
  };
}

const enc = new TextEncoder();
// one encoding per event, shared by every SSE subscriber
const encoded = new WeakMap<HubEvent, Uint8Array>();
const END = enc.encode("\n\n");

/**
 * `GET /events`: the hub's events as Server-Sent Events (`id:` is the seq,
 * so `Last-Event-ID` resumes; `event:` is hello, gap or the event kind).
 *
 * @example Usage
 * ```ts ignore
 * import { DbgHub } from "@asyncmachine/telemetry/dbg";
 * import { sseStream } from "./stream.ts";
 * const route = sseStream(new DbgHub(), {});
 * Deno.serve((req) => route(req, new URL(req.url), {}));
 * ```
 */
export function sseStream(
  hub: DbgHub,
  opts: DbgStreamOptions,
): (req: Request, url: URL, headers: Record<string, string>) => Response {
  const o = withDefaults(opts);
  return (req, url, headers) => {
    const q = parseStreamQuery(url, req.headers.get("last-event-id"));
    if (typeof q === "string") return errorResponse(400, q, headers);
    // our own queue, so its bytes and events are counted exactly
    let queue: Uint8Array[] = [];
    let qHead = 0, qBytes = 0, qEvents = 0;
    let ending = false;
    let wake: (() => void) | undefined;
    let unsubscribe: (() => void) | undefined;
    let cancelled = false;
    const push = (...chunks: Uint8Array[]) => {
      for (const c of chunks) {
        queue.push(c);
        qBytes += c.byteLength;
      }
      wake?.();
    };
    const stream = new ReadableStream<Uint8Array>({
      start() {
        push(enc.encode(": am-telemetry dbg stream\n\n"));
        feed(hub, q, o, {
          send(frame, event, control) {
            if (cancelled || ending) return true;
            if (qBytes > o.maxBufferedBytes || qEvents >= o.maxQueuedEvents) return false;
            if (!event) {
              push(enc.encode(`event: ${control}\ndata: ${frame}\n\n`));
              return true;
            }
            let body = encoded.get(event);
            if (!body) {
              body = enc.encode(frame);
              encoded.set(event, body);
            }
            qEvents++;
            push(enc.encode(`id: ${event.seq}\nevent: ${event.kind}\ndata: `), body, END);
            return true;
          },
          cut(reason) {
            // drop what's buffered: a stalled reader holds nothing more
            queue = [];
            qHead = 0;
            qBytes = 0;
            qEvents = 0;
            ending = true;
            push(enc.encode(`event: error\ndata: ${reason}\n\n`));
          },
        }).then((u) => {
          if (cancelled) u();
          else unsubscribe = u;
        });
      },
      async pull(controller) {
        while (qHead >= queue.length) {
          if (ending || cancelled) return controller.close();
          await new Promise<void>((r) => wake = r);
          wake = undefined;
        }
        const c = queue[qHead];
        // drop the reference: a sent frame must not stay alive in the queue
        queue[qHead++] = RELEASED;
        qBytes -= c.byteLength;
        if (c === END) qEvents--;
        if (qHead > 1024 && qHead * 2 > queue.length) {
          queue = queue.slice(qHead);
          qHead = 0;
        }
        controller.enqueue(c);
        if (ending && qHead >= queue.length) controller.close();
      },
      cancel() {
        cancelled = true;
        unsubscribe?.();
        wake?.();
      },
    }, { highWaterMark: 0 });
    return new Response(stream, {
      headers: { "content-type": "text/event-stream", "cache-control": "no-cache", ...headers },
    });
  };
}
