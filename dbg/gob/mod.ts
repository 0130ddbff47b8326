/**
 * Go's encoding/gob in TypeScript: a streaming decoder for any gob stream
 * and an encoder driven by Go types declared once in TypeScript (the codec
 * under am-dbg's net/rpc wire).
 *
 * @example
 * ```ts
 * import { decodeGob, go, GobEncoder } from "@asyncmachine/telemetry/dbg/gob";
 * const Point = go.struct("Point", { X: go.int, Y: go.int });
 * decodeGob(new GobEncoder().encode(Point, { X: 1, Y: -2 })); // [{ X: 1, Y: -2 }]
 * ```
 *
 * @module
 */

export { GobError, GobLimitError } from "./wire.ts";
export { go, type GoField, goTime, type GoType, type GoTypeBuilders } from "./types.ts";
export { GobEncoder, type GobInterfaceValue } from "./encoder.ts";
export { decodeGob, GobDecoder, type GobDecoderOptions } from "./decoder.ts";
