/**
 * Byte streams the net/rpc client and server run over: a TCP `Deno.Conn`,
 * or a WebSocket carrying the stream in binary messages (am-dbg's
 * `/dbg.ws`), both bounded in what they buffer.
 *
 * @module
 */

/** A bidirectional byte stream (a TCP connection, a WebSocket). */
export interface ByteConn {
  /** Writes bytes (one flush). */
  write(bytes: Uint8Array): Promise<void>;
  /** Incoming bytes. */
  readable: AsyncIterable<Uint8Array>;
  /** Bytes received and queued, not yet read from `readable`. */
  readonly queued?: number;
  /** Closes the connection. */
  close(): void;
}

/**
 * A `Deno.Conn` as a ByteConn.
 *
 * @example Usage
 * ```ts ignore
 * import { NetRpcClient } from "./rpc_client.ts";
 * import { tcpByteConn } from "./byte_conn.ts";
 * const client = new NetRpcClient(tcpByteConn(await Deno.connect({ port: 6831 })));
 * ```
 */
export function tcpByteConn(conn: Deno.Conn): ByteConn {
  return {
    async write(bytes) {
      let off = 0;
      while (off < bytes.length) off += await conn.write(bytes.subarray(off));
    },
    readable: conn.readable,
    close() {
      try {
        conn.close();
      } catch {
        // already closed
      }
    },
  };
}

/** Limits of {@linkcode wsByteConn}. */
export interface WsByteConnOptions {
  /** Most bytes received and not yet read before the socket is closed (1009); default 16 MiB. */
  maxQueuedBytes?: number;
  /** Most bytes sent and not yet flushed before writes fail; default 16 MiB. */
  maxBufferedBytes?: number;
}

/**
 * A WebSocket carrying the net/rpc byte stream in binary messages (as
 * am-dbg's `/dbg.ws`): frame boundaries don't matter. A peer sending faster
 * than it is read, or not reading what it is sent, is cut off at the limits.
 *
 * @example Usage
 * ```ts ignore
 * import { NetRpcClient } from "./rpc_client.ts";
 * import { wsByteConn } from "./byte_conn.ts";
 * const ws = new WebSocket("ws://localhost:6832/dbg.ws");
 * ws.onopen = () => new NetRpcClient(wsByteConn(ws));
 * ```
 */
export function wsByteConn(ws: WebSocket, opts?: WsByteConnOptions): ByteConn {
  opts ??= {};
  const maxQueued = opts.maxQueuedBytes ?? 16 * 1024 * 1024;
  const maxBuffered = opts.maxBufferedBytes ?? 16 * 1024 * 1024;
  ws.binaryType = "arraybuffer";
  const queue: Uint8Array[] = [];
  let queued = 0;
  let wake: (() => void) | undefined;
  let closed = false;
  const end = () => {
    closed = true;
    wake?.();
  };
  ws.addEventListener("message", (e) => {
    if (closed) return;
    const bytes = e.data instanceof ArrayBuffer
      ? new Uint8Array(e.data)
      : new TextEncoder().encode(String(e.data));
    if (queued + bytes.length > maxQueued) {
      // a peer outrunning the reader: drop it rather than buffer without bound
      queue.length = queued = 0;
      ws.close(1009, "too much unread data");
      end();
      return;
    }
    queue.push(bytes);
    queued += bytes.length;
    wake?.();
  });
  ws.addEventListener("close", end);
  ws.addEventListener("error", end);
  return {
    write(bytes) {
      if (ws.readyState !== WebSocket.OPEN) return Promise.reject(new Error("websocket closed"));
      if (ws.bufferedAmount + bytes.length > maxBuffered) {
        return Promise.reject(new Error("websocket peer is not reading"));
      }
      ws.send(bytes);
      return Promise.resolve();
    },
    readable: {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          while (queue.length) {
            const next = queue.shift()!;
            queued -= next.length;
            yield next;
          }
          if (closed) return;
          await new Promise<void>((r) => wake = r);
          wake = undefined;
        }
      },
    },
    get queued() {
      return queued;
    },
    close() {
      end();
      try {
        ws.close();
      } catch {
        // already closed
      }
    },
  };
}
