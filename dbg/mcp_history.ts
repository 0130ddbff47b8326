/**
 * MCP tools over transition histories: filtered pages, one transition
 * explained in words, the difference between two positions, and a log
 * search. Each scans at most a budget of transitions per call and returns a
 * cursor to continue from.
 *
 * @module
 */

import type { DbgMsgTx } from "./messages.ts";
import { msgActiveStates, msgCalledStateNames } from "./messages.ts";
import { explainTx, explanationText } from "./explain.ts";
import {
  bool,
  boundText,
  int,
  type McpTool,
  type McpToolContext,
  McpToolError,
  schemaOf,
  str,
  txAt,
} from "./mcp_tool.ts";
import { mutationTypeName } from "../machine/utils.ts";
import { Result } from "../machine/types.ts";
import { StateException } from "../machine/states.ts";

const MAX_CURSOR = Number.MAX_SAFE_INTEGER;
const idArg = { type: "string", description: "machine id" };

type Dir = "older" | "newer";

function dirArg(a: Record<string, unknown>): Dir {
  const d = a.dir ?? "older";
  if (d !== "older" && d !== "newer") throw new McpToolError(`dir must be "older" or "newer"`);
  return d;
}

/**
 * Walks a machine's transitions from `cursor` in `dir` (newest first for
 * "older"), calling `visit` until it returns false or the budget is spent.
 * Returns where to continue, or undefined at the end of the history.
 */
async function scan(
  ctx: McpToolContext,
  id: string,
  cursor: number | undefined,
  dir: Dir,
  visit: (cursor: number, msg: DbgMsgTx) => boolean,
): Promise<{ next?: number; scanned: number }> {
  const budget = ctx.scanBudget ?? 5000;
  let scanned = 0;
  let at = cursor;
  for (;;) {
    const page = await ctx.hub.txs(id, { cursor: at, limit: Math.min(500, budget), dir });
    const txs = dir === "older" ? [...page.txs].reverse() : page.txs;
    for (const t of txs) {
      scanned++;
      // the cursor passed back continues after (or before) this transition
      const next = t.cursor;
      if (!visit(t.cursor, t.msg)) return { next, scanned };
      if (scanned >= budget) return { next, scanned };
    }
    if (!page.more || !page.txs.length) return { scanned };
    at = page.cursor;
  }
}

function hasError(msg: DbgMsgTx, index: readonly string[]): boolean {
  return msgCalledStateNames(msg, index).includes(StateException) ||
    (!!msg.Args?.err && msg.Accepted);
}

function txLine(cursor: number, msg: DbgMsgTx, index: readonly string[]): string {
  const time = msg.Time ? new Date(msg.Time).toISOString() : "";
  const flags = [
    msg.Accepted ? "accepted" : "canceled",
    msg.IsAuto && "auto",
    msg.IsQueued && "queued",
    hasError(msg, index) && "error",
  ].filter(Boolean).join(",");
  const err = msg.Args?.err ? ` err=${JSON.stringify(msg.Args.err.slice(0, 200))}` : "";
  return `#${cursor} ${mutationTypeName(msg.Type).toLowerCase()} [${
    msgCalledStateNames(msg, index).join(" ")
  }] ${flags} → ${msgActiveStates(msg, index).join(" ")}${time ? ` @${time}` : ""}${err}`;
}

/** Tools over histories. */
export const HISTORY_TOOLS: readonly McpTool[] = [
  {
    name: "list_transitions",
    description: "A page of a machine's transitions, newest first by default, filtered by " +
      "canceled, auto, a state they touch, or having an error. Continue with `cursor`.",
    inputSchema: {
      type: "object",
      properties: {
        id: idArg,
        cursor: { type: "integer", minimum: 0, description: "continue from (exclusive)" },
        dir: { enum: ["older", "newer"] },
        limit: { type: "integer", minimum: 1, maximum: 200 },
        canceled: { type: "boolean" },
        auto: { type: "boolean" },
        state: { type: "string", description: "called or changed by the transition" },
        error: { type: "boolean" },
      },
      required: ["id"],
    },
    async run(ctx, a) {
      const id = str(a, "id", true)!;
      const schema = await schemaOf(ctx.hub, id);
      const index = schema.StatesIndex;
      const limit = int(a, "limit", 1, 200) ?? 20;
      const canceled = bool(a, "canceled");
      const auto = bool(a, "auto");
      const error = bool(a, "error");
      const state = str(a, "state");
      const stateIdx = state === undefined ? -1 : index.indexOf(state);
      if (state !== undefined && stateIdx === -1) {
        throw new McpToolError(`machine ${id} has no state ${JSON.stringify(state)}`);
      }
      const found: { cursor: number; msg: DbgMsgTx }[] = [];
      let prevClock = -1;
      const { next, scanned } = await scan(
        ctx,
        id,
        int(a, "cursor", 0, MAX_CURSOR),
        dirArg(a),
        (cursor, msg) => {
          const clock = stateIdx >= 0 ? msg.Clocks[stateIdx] ?? 0 : 0;
          const touched = stateIdx < 0 ||
            msgCalledStateNames(msg, index).includes(state!) ||
            (prevClock >= 0 && clock !== prevClock);
          prevClock = clock;
          if (canceled !== undefined && canceled === msg.Accepted) return true;
          if (auto !== undefined && auto !== !!msg.IsAuto) return true;
          if (error !== undefined && error !== hasError(msg, index)) return true;
          if (!touched) return true;
          found.push({ cursor, msg });
          return found.length < limit;
        },
      );
      const more = next !== undefined ? `\nmore: cursor=${next} (scanned ${scanned})` : "";
      const text = found.map((t) => txLine(t.cursor, t.msg, index)).join("\n") ||
        `no matching transitions in ${scanned} scanned`;
      return {
        text: boundText(text + more, ctx.maxChars ?? 16_000, more.trim()),
        data: {
          transitions: found.map((t) => ({
            cursor: t.cursor,
            id: t.msg.ID,
            type: mutationTypeName(t.msg.Type),
            called: msgCalledStateNames(t.msg, index),
            accepted: t.msg.Accepted,
            auto: !!t.msg.IsAuto,
            active: msgActiveStates(t.msg, index),
            time: t.msg.Time ? new Date(t.msg.Time).toISOString() : undefined,
          })),
          cursor: next,
          scanned,
        },
      };
    },
  },
  {
    name: "explain_transition",
    description: "One transition in words: what was called, relations checked, handlers run, " +
      "states activated and deactivated, why it was canceled (citing the step), its log and args.",
    inputSchema: {
      type: "object",
      properties: { id: idArg, cursor: { type: "integer", minimum: 0 } },
      required: ["id"],
    },
    async run(ctx, a) {
      const id = str(a, "id", true)!;
      const schema = await schemaOf(ctx.hub, id);
      const at = await txAt(ctx.hub, id, int(a, "cursor", 0, MAX_CURSOR));
      const x = explainTx(at.msg, schema, at.prev);
      const text = `transition ${at.cursor} (${at.msg.ID}) of ${id}\n${explanationText(x)}`;
      return {
        text: boundText(text, ctx.maxChars ?? 16_000),
        data: { cursor: at.cursor, txId: at.msg.ID, ...x },
      };
    },
  },
  {
    name: "diff_positions",
    description:
      "What changed between two transitions of a machine: states activated, deactivated, " +
      "and each state's tick difference.",
    inputSchema: {
      type: "object",
      properties: {
        id: idArg,
        from: { type: "integer", minimum: 0 },
        to: { type: "integer", minimum: 0 },
      },
      required: ["id", "from", "to"],
    },
    async run(ctx, a) {
      const id = str(a, "id", true)!;
      const schema = await schemaOf(ctx.hub, id);
      const index = schema.StatesIndex;
      const fromC = int(a, "from", 0, MAX_CURSOR);
      const toC = int(a, "to", 0, MAX_CURSOR);
      if (fromC === undefined || toC === undefined) {
        throw new McpToolError("from and to are required");
      }
      const [from, to] = [await txAt(ctx.hub, id, fromC), await txAt(ctx.hub, id, toC)];
      const before = new Set(msgActiveStates(from.msg, index));
      const after = new Set(msgActiveStates(to.msg, index));
      const activated = [...after].filter((s) => !before.has(s));
      const deactivated = [...before].filter((s) => !after.has(s));
      const ticks: Record<string, number> = {};
      index.forEach((s, i) => {
        const d = (to.msg.Clocks[i] ?? 0) - (from.msg.Clocks[i] ?? 0);
        if (d) ticks[s] = d;
      });
      const text = [
        `${id}: transition ${fromC} → ${toC}`,
        `activated: ${activated.join(" ") || "(none)"}`,
        `deactivated: ${deactivated.join(" ") || "(none)"}`,
        `ticks: ${
          Object.entries(ticks).map(([s, d]) => `${s}${d > 0 ? "+" : ""}${d}`).join(" ") ||
          "(no change)"
        }`,
      ].join("\n");
      return {
        text: boundText(text, ctx.maxChars ?? 16_000),
        data: { from: fromC, to: toC, activated, deactivated, ticks },
      };
    },
  },
  {
    name: "search_log",
    description: "Log lines of a machine's transitions containing a text (case-insensitive), " +
      "newest first by default. Continue with `cursor`.",
    inputSchema: {
      type: "object",
      properties: {
        id: idArg,
        query: { type: "string" },
        cursor: { type: "integer", minimum: 0 },
        dir: { enum: ["older", "newer"] },
        limit: { type: "integer", minimum: 1, maximum: 500 },
      },
      required: ["id", "query"],
    },
    async run(ctx, a) {
      const id = str(a, "id", true)!;
      await schemaOf(ctx.hub, id);
      const query = str(a, "query", true)!.toLowerCase();
      if (!query) throw new McpToolError("query must not be empty");
      const limit = int(a, "limit", 1, 500) ?? 50;
      const hits: { cursor: number; txId: string; text: string }[] = [];
      const { next, scanned } = await scan(
        ctx,
        id,
        int(a, "cursor", 0, MAX_CURSOR),
        dirArg(a),
        (cursor, msg) => {
          for (const e of [...(msg.PreLogEntries ?? []), ...(msg.LogEntries ?? [])]) {
            if (e.Text.toLowerCase().includes(query)) {
              hits.push({ cursor, txId: msg.ID, text: e.Text });
            }
          }
          return hits.length < limit;
        },
      );
      const more = next !== undefined ? `\nmore: cursor=${next} (scanned ${scanned})` : "";
      const text = hits.map((h) => `#${h.cursor} ${h.text}`).join("\n") ||
        `no log line matches in ${scanned} transitions`;
      return {
        text: boundText(text + more, ctx.maxChars ?? 16_000, more.trim()),
        data: { hits: hits.slice(0, limit), cursor: next, scanned },
      };
    },
  },
];

/** Tools that change live machines (listed only when enabled). */
export const MUTATING_TOOLS: readonly McpTool[] = (["add", "remove"] as const).map((op) => ({
  name: `${op}_states`,
  description: `${op === "add" ? "Activates" : "Deactivates"} states of a live machine in this ` +
    "process (a test driver's tool), returning the mutation's result.",
  mutates: true,
  inputSchema: {
    type: "object",
    properties: {
      id: idArg,
      states: { type: "array", items: { type: "string" }, minItems: 1, maxItems: 100 },
    },
    required: ["id", "states"],
  },
  run(ctx, a) {
    const id = str(a, "id", true)!;
    const mach = ctx.machine?.(id);
    if (!mach) return Promise.reject(new McpToolError(`no live machine ${JSON.stringify(id)}`));
    const states = a.states;
    if (
      !Array.isArray(states) || !states.length || states.length > 100 ||
      !states.every((s) => typeof s === "string")
    ) {
      return Promise.reject(new McpToolError("states must be 1-100 state names"));
    }
    const res = mach[op](states as string[]);
    // values past Queued are queue ticks
    const name = res >= Result.Queued ? "Queued" : Result[res];
    return Promise.resolve({
      text: `${op} [${states.join(" ")}]: ${name}`,
      data: { result: name },
    });
  },
}));
