/**
 * MCP tools about machines: the list (a tree, alive or gone), a schema with
 * its relations, and the active states and clocks at a position.
 *
 * @module
 */

import { msgActiveStates } from "./messages.ts";
import { boundText, int, type McpTool, schemaOf, str, txAt } from "./mcp_tool.ts";

const idArg = { type: "string", description: "machine id" };
const cursorArg = { type: "integer", minimum: 0, description: "transition cursor" };

/** The read-only tools about machines: the list, schemas, states at a position. */
export const MACHINE_TOOLS: readonly McpTool[] = [
  {
    name: "list_machines",
    description:
      "Machines known to the debugger hub as a tree (parent → children), with alive/gone, " +
      "state and transition counts and cursor ranges. Filter by id substring.",
    inputSchema: {
      type: "object",
      properties: {
        query: { type: "string", description: "id substring" },
        offset: { type: "integer", minimum: 0 },
        limit: { type: "integer", minimum: 1, maximum: 500 },
      },
    },
    async run(ctx, a) {
      const query = str(a, "query") ?? "";
      const offset = int(a, "offset", 0, 1e9) ?? 0;
      const limit = int(a, "limit", 1, 500) ?? 100;
      const all = (await ctx.hub.machines()).filter((m) => m.id.includes(query));
      const page = all.slice(offset, offset + limit);
      const known = new Set(page.map((m) => m.id));
      const depth = new Map<string, number>();
      const byId = new Map(all.map((m) => [m.id, m]));
      const depthOf = (id: string, seen = 0): number => {
        const p = byId.get(id)?.parent;
        return p && byId.has(p) && seen < 64 ? 1 + depthOf(p, seen + 1) : 0;
      };
      for (const m of page) depth.set(m.id, depthOf(m.id));
      const lines = page.map((m) =>
        `${"  ".repeat(depth.get(m.id) ?? 0)}${m.id} [${m.alive === false ? "gone" : "alive"}] ` +
        `states=${m.states} txs=${m.txs} cursors=${m.firstCursor}..${m.lastCursor}` +
        (m.parent && !known.has(m.parent) ? ` parent=${m.parent}` : "")
      );
      const more = offset + page.length < all.length;
      const head = `${all.length} machine(s)${query ? ` matching ${JSON.stringify(query)}` : ""}`;
      const tail = more ? `\nmore: offset=${offset + page.length}` : "";
      return {
        text: boundText([head, ...lines].join("\n") + tail, ctx.maxChars ?? 16_000),
        data: { total: all.length, machines: page, more, offset: offset + page.length },
      };
    },
  },
  {
    name: "machine_schema",
    description:
      "A machine's states with their flags (auto, multi) and relations (require, add, remove, after).",
    inputSchema: { type: "object", properties: { id: idArg }, required: ["id"] },
    async run(ctx, a) {
      const schema = await schemaOf(ctx.hub, str(a, "id", true)!);
      const lines = schema.StatesIndex.map((name) => {
        const s = schema.States[name] ?? {};
        const flags = [s.Auto && "auto", s.Multi && "multi"].filter(Boolean).join(",");
        const rels = (["Require", "Add", "Remove", "After"] as const)
          .filter((k) => s[k]?.length)
          .map((k) => `${k.toLowerCase()}: ${s[k]!.join(" ")}`);
        return `${name}${flags ? ` (${flags})` : ""}${rels.length ? ` — ${rels.join("; ")}` : ""}`;
      });
      const parent = schema.Parent ? ` parent=${schema.Parent}` : "";
      return {
        text: boundText(
          [`machine ${schema.ID}${parent}, ${lines.length} states:`, ...lines].join("\n"),
          ctx.maxChars ?? 16_000,
        ),
        data: { schema },
      };
    },
  },
  {
    name: "states_at",
    description:
      "Active states and every state's clock (tick) after a transition (the newest without a cursor).",
    inputSchema: { type: "object", properties: { id: idArg, cursor: cursorArg }, required: ["id"] },
    async run(ctx, a) {
      const id = str(a, "id", true)!;
      const schema = await schemaOf(ctx.hub, id);
      const at = await txAt(ctx.hub, id, int(a, "cursor", 0, Number.MAX_SAFE_INTEGER));
      const active = msgActiveStates(at.msg, schema.StatesIndex);
      const clocks = Object.fromEntries(
        schema.StatesIndex.map((s, i) => [s, at.msg.Clocks[i] ?? 0]),
      );
      const text = `after transition ${at.cursor} (${at.msg.ID}) of ${id}:\nactive: ${
        active.join(" ") || "(none)"
      }\nclocks: ${Object.entries(clocks).map(([s, t]) => `${s}=${t}`).join(" ")}`;
      return {
        text: boundText(text, ctx.maxChars ?? 16_000),
        data: { cursor: at.cursor, txId: at.msg.ID, active, clocks },
      };
    },
  },
];
