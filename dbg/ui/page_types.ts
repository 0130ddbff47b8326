/**
 * Types of the debugger page's script (browser side). Type-only: the page
 * modules import these with `import type`, which the served script drops.
 *
 * @module
 */

import type { DbgMsgSchema, DbgMsgTx } from "../messages.ts";
import type { MachineInfo } from "../hub_types.ts";

/** A transition as the page holds it: the hub's seq and cursor with the message. */
export interface PageTx {
  /** Hub-wide sequence number. */
  seq: number;
  /** Per-machine cursor. */
  cursor: number;
  /** The message. */
  msg: DbgMsgTx;
}

/** A machine in the tree: the hub's MachineInfo (without children) plus what the stream added. */
export interface PageMachine extends Omit<MachineInfo, "children"> {
  /** The hub retains at most this many (seen once history was dropped), else 0. */
  cap: number;
  /**
   * The lowest cursor seen in this session (1 for a first session), 0 while
   * unknown: cursors go on across sessions, so a later session's first
   * cursor above 1 is no sign of dropped history, one above this is.
   */
  base: number;
  /**
   * Seqs of the transitions the stream counted that the last machine list
   * merged had not (bounded): a list the stream is ahead of gives the count
   * as its own plus these, so a gap the list covers is counted too.
   */
  recent: number[];
  /** Seq of the stream frame that started this instance (0: it came from a list). */
  start: number;
}

/** The selected machine's bounded window of transitions. */
export interface PageWindow {
  /** Machine id. */
  id: string;
  /** Transitions, ascending cursor, consecutive pages. */
  txs: PageTx[];
  /** The hub has older ones. */
  moreOlder: boolean;
  /** The hub has newer ones than the window's end. */
  moreNewer: boolean;
  /** A page request is in flight. */
  loading: boolean;
}

/** The log filters (am-dbg's). */
export interface PageFilters {
  /** Hide canceled transitions. */
  canceled: boolean;
  /** Hide auto transitions. */
  auto: boolean;
  /** Hide transitions that changed no state. */
  empty: boolean;
  /** Hide queued mutations. */
  queued: boolean;
  /** Called state substring. */
  state: string;
  /** Log entries shown up to this level (0-5). */
  level: number;
  /** Machine id substring for the tree. */
  search: string;
}

/** One lane of the sequence view. */
export interface SeqLane {
  /** Machine id. */
  id: string;
  /** Transitions, ascending seq. */
  txs: PageTx[];
  /** The hub has older ones. */
  moreOlder: boolean;
}

/** Pan and zoom of the diagram. */
export interface DiagramView {
  /** Zoom factor. */
  k: number;
  /** Pan x. */
  x: number;
  /** Pan y. */
  y: number;
  /** Machine whose layout is drawn. */
  drawn: string;
  /** Node centres by state name. */
  pos: Record<string, { x: number; y: number; w: number }>;
  /** Milliseconds the last full draw took. */
  lastDrawMs: number;
  /** Called states the view was last brought to. */
  focus: string;
}

/** Timings and counters for tests, benches and the console (`__amdbg.stats`). */
export interface PageStats {
  /** Render batches. */
  batches: number;
  /** Last batch, ms. */
  lastBatchMs: number;
  /** Worst batch, ms. */
  maxBatchMs: number;
  /** Log rows in the DOM. */
  rows: number;
  /** Stream frames received. */
  frames: number;
  /** Page requests (txs) made. */
  pages: number;
  /** Stream (re)connects. */
  connects: number;
  /** Times the status showed a reconnect. */
  reconnects: number;
  /** Gap frames received. */
  gaps: number;
  /** Duplicate events dropped by seq. */
  dups: number;
  /** Milliseconds from navigation to the first render with history (0 before). */
  firstPaintMs: number;
  /** The last 1,000 batch times, ms (for percentiles). */
  batchMs: number[];
}

/** Everything the page knows. */
export interface PageState {
  /** The endpoint's base URL. */
  base: URL;
  /** Bearer token from `?token=`, or "". */
  token: string;
  /** Machines by id. */
  machines: Map<string, PageMachine>;
  /** Schemas by machine id. */
  schemas: Map<string, DbgMsgSchema>;
  /** Selected machine id. */
  selected: string;
  /** The selected machine's window. */
  win: PageWindow;
  /** Cursor of the selected transition; -1 follows the newest. */
  pos: number;
  /** Live updates paused (the view holds still; counts keep counting). */
  paused: boolean;
  /** Filters. */
  filters: PageFilters;
  /** Shown view. */
  view: "log" | "diagram" | "sequence";
  /** Sequence view lanes. */
  lanes: SeqLane[];
  /** Machines pinned into the sequence view. */
  pinned: string[];
  /** Diagram pan/zoom and layout. */
  diagram: DiagramView;
  /** Newest hub seq the page has seen. */
  seq: number;
  /** Newest hub seq a merged machine list held (lists can arrive out of order). */
  listSeq: number;
  /**
   * Transitions (seq, cursor) and ends (cursor -1) of machines no list had yet when they came
   * (between the stream's hello and the first list): the list that brings
   * the machine counts those after its own point. Bounded.
   */
  pending: Map<string, [number, number][]>;
  /** JSON-RPC request ids. */
  rpcId: number;
  /** A render is scheduled. */
  scheduled: boolean;
  /** Counters. */
  stats: PageStats;
  /** Pending promise of the current page load, for tests. */
  busy: Promise<void> | undefined;
  /** Schedules a render on the next animation frame. */
  schedule: () => void;
  /** The gone machines' group is open in the tree. */
  goneOpen: boolean;
  /** Sequence view rows, merged by seq (rebuilt when the lanes change). */
  seqRows: SeqRows | undefined;
  /** The sequence view follows the newest rows. */
  seqFollow: boolean;
  /** Machines of the loaded lanes, joined. */
  seqKey: string;
  /** The sequence view's scroll offset, as of the last render or scroll event. */
  seqTop: number;
  /** The sequence view's size (0: measure again). */
  seqSize: { w: number; h: number };
  /** When the tree was last drawn (it's throttled). */
  treeAt: number;
  /** The URL last written to the address bar. */
  url: string;
  /** The first machine list and page are in. */
  ready: boolean;
  /** Scroll the selected row into view on the next render (after a step or a jump). */
  reveal: boolean;
  /** The log's viewport height (0: measure again). */
  logH: number;
  /** The log's scroll offset, as of the last render or scroll event. */
  logTop: number;
  /** The tree's nodes as drawn (ids, parents, gone, selection), to update counts only. */
  treeKey: string;
  /** The tree's count elements by machine, with the number shown. */
  treeCounts: Map<string, { el: HTMLElement; n: number }>;
  /** Machine, position and view last written to the URL. */
  urlKey: string;
  /** What `vis` was computed for (window, size, filters). */
  visKey: string;
  /** Window indexes the filters let through (cached). */
  vis: number[];
}

/** The sequence view's merged rows. */
export interface SeqRows {
  /** Cache key (lane ids and sizes). */
  key: string;
  /** Rows in seq order: lane index and transition. */
  rows: { lane: number; tx: PageTx }[];
  /** Row index by "machine/txId". */
  byTx: Map<string, number>;
}
