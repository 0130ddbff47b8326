/**
 * What an MCP tool is (name, schema, code), its context and result, and the
 * argument and paging helpers the tools share.
 *
 * @module
 */

import type { DbgHub } from "./hub.ts";
import type { DbgMsgSchema, DbgMsgTx } from "./messages.ts";
import type { Api } from "../machine/api.ts";

/** A machine the mutating tools may drive: the part of {@linkcode Api} they call. */
export type McpMutable = Pick<Api, "add" | "remove">;

/** What the tools read and may drive. */
export interface McpToolContext {
  /** The hub the read-only tools query. */
  hub: DbgHub;
  /** Live machines by id, for the mutating tools; absent = no mutating tools. */
  machine?: (id: string) => McpMutable | undefined;
  /** Text characters per tool answer at most; default 16,000. */
  maxChars?: number;
  /** Transitions a filtered page or search may scan per call; default 5,000. */
  scanBudget?: number;
}

/** A tool's answer: text for the agent, structured data for programs. */
export interface McpToolResult {
  /** The text. */
  text: string;
  /** The same facts as data. */
  data: Record<string, unknown>;
  /** The tool failed (bad arguments, unknown machine). */
  isError?: boolean;
}

/** A tool: name, description, JSON schema of its arguments and its code. */
export interface McpTool {
  /** Tool name. */
  name: string;
  /** What it answers, for the agent choosing a tool. */
  description: string;
  /** JSON Schema of the arguments object. */
  inputSchema: Record<string, unknown>;
  /** Changes a machine (only listed when mutations are enabled). */
  mutates?: boolean;
  /** Runs it. */
  run(ctx: McpToolContext, args: Record<string, unknown>): Promise<McpToolResult>;
}

/** Bad tool arguments or an unknown machine: a tool error, not a protocol error. */
export class McpToolError extends Error {
  /**
   * A tool error.
   *
   * @param message What's wrong, for the agent.
   */
  constructor(message: string) {
    super(message);
    this.name = "McpToolError";
  }
}

export const str = (
  a: Record<string, unknown>,
  k: string,
  required = false,
): string | undefined => {
  const v = a[k];
  if (v === undefined || v === null) {
    if (required) throw new McpToolError(`${k} is required`);
    return undefined;
  }
  if (typeof v !== "string" || v.length > 1000) {
    throw new McpToolError(`${k} must be a string of at most 1000 characters`);
  }
  return v;
};

export const int = (a: Record<string, unknown>, k: string, min: number, max: number) => {
  const v = a[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw new McpToolError(`${k} must be an integer from ${min} to ${max}`);
  }
  return v;
};

export const bool = (a: Record<string, unknown>, k: string): boolean | undefined => {
  const v = a[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw new McpToolError(`${k} must be a boolean`);
  return v;
};

export async function schemaOf(hub: DbgHub, id: string): Promise<DbgMsgSchema> {
  const schema = await hub.schema(id);
  if (!schema) throw new McpToolError(`unknown machine ${JSON.stringify(id)}`);
  return schema;
}

/** The transition at `cursor` (the newest without one) and the one before it. */
export async function txAt(
  hub: DbgHub,
  id: string,
  cursor?: number,
): Promise<{ cursor: number; msg: DbgMsgTx; prev?: DbgMsgTx }> {
  const page = await hub.txs(id, {
    cursor: cursor === undefined ? undefined : cursor + 1,
    limit: 2,
    dir: "older",
  });
  const last = page.txs[page.txs.length - 1];
  if (!last || (cursor !== undefined && last.cursor !== cursor)) {
    throw new McpToolError(
      `no transition ${cursor ?? "yet"} for ${id} (retained: ${page.first}..${page.last})`,
    );
  }
  const prev = page.txs.length > 1 ? page.txs[0].msg : undefined;
  return { cursor: last.cursor, msg: last.msg, prev };
}

/** Truncates text past the bound, saying so. */
export function boundText(text: string, max: number, more = ""): string {
  if (text.length <= max) return text;
  return text.slice(0, max) + `\n… truncated at ${max} characters${more ? `; ${more}` : ""}`;
}
