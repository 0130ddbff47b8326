/**
 * Go's encoding/gob in TypeScript: a streaming decoder for any gob stream
 * and an encoder driven by Go types declared once in TypeScript.
 *
 * @example
 * ```ts
 * import { decodeGob, go, GobEncoder } from "@asyncmachine/telemetry/dbg";
 * const Point = go.struct("Point", { X: go.int, Y: go.int });
 * decodeGob(new GobEncoder().encode(Point, { X: 1, Y: -2 })); // [{ X: 1, Y: -2 }]
 * ```
 *
 * @module
 */

export * from "./wire.ts";
export * from "./types.ts";
export * from "./encoder.ts";
export * from "./decoder.ts";
