/**
 * Optional environment access: reads a variable only when the env
 * permission is already granted, so it never prompts and works without
 * --allow-env (then every variable reads as unset). Only
 * `internal/config.ts` calls it.
 *
 * @module
 */

/**
 * The variable's value, or undefined when unset or not permitted.
 *
 * @example Usage
 * ```ts
 * import { getEnv } from "./env.ts";
 * getEnv("AM_SERVICE"); // undefined without --allow-env
 * ```
 */
export function getEnv(name: string): string | undefined {
  try {
    const perm = Deno.permissions?.querySync?.({ name: "env", variable: name });
    if (perm && perm.state !== "granted") return undefined;
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}
