/**
 * otel exporter for asyncmachine telemetry (work in progress: exports
 * arrive with the otel issue).
 *
 * @module
 */

/** The name of this exporter. */
export const EXPORTER = "otel";
