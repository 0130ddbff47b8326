/**
 * How one message becomes mutations of a KV hub commit: seq and cursor
 * allocation, sessions, gone, schema versions, and the log entry itself
 * (the event by KV's own serialisation, big ones as JSON parts).
 *
 * @module
 */

import type { DbgMsgSchema } from "./messages.ts";
import { DbgHubError, type HubEvent } from "./hub_types.ts";
import { type Appended, type HubInput, sameInstance } from "./hub_store.ts";
import {
  type Head,
  type IndexPage,
  INLINE_BYTES,
  KvBase,
  type LogValue,
  MAX_KV_MESSAGE_BYTES,
  type Meta,
  PART_BYTES,
} from "./hub_kv_model.ts";
import { jsonSize, txJsonSize } from "./json_size.ts";

const encoder = new TextEncoder();

/** The index pages a commit writes: one per machine and generation, keyed `id\0g`. */
export type PageDrafts = Map<string, { id: string; g: number; first: number; page: IndexPage }>;

/**
 * A commit being built: its atomic operation and the state it leaves,
 * updated in place by {@linkcode KvWriter.apply} for each message.
 */
export interface CommitDraft {
  /** The commit's mutations. */
  op: Deno.AtomicOperation;
  /** The head after the messages applied so far. */
  head: Head;
  /** The machines the batch touches (undefined: not in KV). */
  metas: Map<string, Meta | undefined>;
  /** The index pages, written by {@linkcode KvWriter.setPages} once all messages are in. */
  pages: PageDrafts;
  /** KV's expiry for transitions (`expireInMs`); schemas never expire. */
  expire: { expireIn: number } | undefined;
}

/** Builds the mutations of messages. */
export class KvWriter extends KvBase {
  /** Set when a generation was left behind (its entries wait to be cleaned). */
  oldLeft = false;

  /** Adds the draft's index pages to its commit. */
  setPages(draft: CommitDraft): void {
    for (const { id, g, first, page } of draft.pages.values()) {
      draft.op.set(this.k("tx", id, g, first), page, draft.expire);
    }
  }

  /** Adds one input's mutations to the draft's commit; updates its head and metas in place. */
  apply(input: HubInput, draft: CommitDraft): Appended {
    const { head, metas, pages } = draft;
    const seq = head.seq + 1;
    if (input.kind === "tx") {
      const m = metas.get(input.msg.MachineID);
      if (!m) {
        throw new DbgHubError(`unknown machine ${input.msg.MachineID}: send its schema first`);
      }
      input.msg.Time ??= new Date();
      const event: HubEvent = {
        seq,
        kind: "tx",
        machineId: input.msg.MachineID,
        cursor: m.next,
        msg: input.msg,
      };
      const size = this.write(draft, event, { g: m.g, cursor: m.next });
      // one index page per machine a commit: a machine's cursors in a commit are consecutive
      const pk = `${input.msg.MachineID}\u0000${m.g}`;
      const open = pages.get(pk);
      if (open) {
        open.page.s.push(seq);
        open.page.b.push(size);
      } else {
        pages.set(pk, {
          id: input.msg.MachineID,
          g: m.g,
          first: m.next,
          page: { s: [seq], b: [size] },
        });
      }
      m.next++;
      m.count++;
      m.bytes += size;
      m.lastSeq = seq;
      head.bytes += size;
      head.seq = seq;
      return { event };
    }
    if (input.kind === "gone") {
      const m = metas.get(input.id);
      if (!m) throw new DbgHubError(`unknown machine ${input.id}`);
      if (!m.alive) {
        const event: HubEvent = { seq: m.goneSeq, kind: "gone", machineId: input.id };
        return { event };
      }
      const event: HubEvent = { seq, kind: "gone", machineId: input.id };
      this.write(draft, event, { g: m.g, cursor: 0 });
      m.alive = false;
      m.goneSeq = m.lastSeq = seq;
      m.o.push(seq);
      head.seq = seq;
      return { event };
    }
    const msg: DbgMsgSchema = input.msg;
    const old = metas.get(msg.ID);
    const newSession = old !== undefined &&
      (!old.alive || !sameInstance({ ID: msg.ID, StatesIndex: old.states, States: {} }, msg));
    const session = old ? (newSession ? old.session + 1 : old.session) : 1;
    const event: HubEvent = { seq, kind: "schema", machineId: msg.ID, session, msg };
    let m: Meta;
    if (!old || newSession) {
      if (old) {
        // the old session's entries go (after the commit); they never interleave with the new
        draft.op.set(this.k("old", msg.ID, old.g), { o: old.o });
        this.oldLeft = true;
        head.bytes -= old.bytes;
      } else head.machines++;
      m = {
        g: seq,
        session,
        alive: true,
        next: old ? old.next : 1,
        first: old ? old.next : 1,
        count: 0,
        bytes: 0,
        lastSeq: seq,
        schemaSeq: seq,
        goneSeq: 0,
        parent: "",
        tags: [],
        states: [],
        o: [],
      };
    } else m = old;
    this.write(draft, event, { g: m.g, cursor: 0 });
    m.parent = msg.Parent ?? "";
    m.tags = msg.Tags ?? [];
    m.states = msg.StatesIndex;
    m.schemaSeq = m.lastSeq = seq;
    m.o.push(seq);
    // schema versions kept per machine: re-sending a schema can't grow the log
    while (m.o.length > 8) draft.op.delete(this.k("log", m.o.shift()!));
    metas.set(msg.ID, m);
    head.seq = seq;
    return { event };
  }

  /**
   * Sets the log entry of an event at its generation and cursor; returns its
   * estimated encoded size. The event goes in as an object (KV's own
   * serialisation: no JSON on the way in or out); a big one as JSON in parts
   * of at most 60,000 bytes. Only transitions expire.
   */
  write(
    draft: Pick<CommitDraft, "op" | "expire">,
    event: HubEvent,
    at: { g: number; cursor: number },
  ): number {
    const { op } = draft;
    const expire = event.kind === "tx" ? draft.expire : undefined;
    let size = event.kind === "tx" ? txJsonSize(event.msg) : jsonSize(event);
    const max = Math.min(this.l.maxMessageBytes, MAX_KV_MESSAGE_BYTES);
    if (size > max) {
      throw new DbgHubError(`message of ${event.machineId} is ${size} bytes encoded, over ${max}`);
    }
    const value: LogValue = { i: event.machineId, g: at.g, c: at.cursor };
    if (size <= INLINE_BYTES) value.e = event;
    else {
      const bytes = encoder.encode(JSON.stringify(event));
      if (bytes.length > max) {
        throw new DbgHubError(
          `message of ${event.machineId} is ${bytes.length} bytes encoded, over ${max}`,
        );
      }
      size = bytes.length;
      value.p = Math.ceil(bytes.length / PART_BYTES);
      for (let n = 0; n < value.p; n++) {
        op.set(
          this.k("part", event.seq, n),
          bytes.subarray(n * PART_BYTES, (n + 1) * PART_BYTES),
          expire,
        );
      }
    }
    op.set(this.k("log", event.seq), value, expire);
    return size;
  }
}
