/**
 * prometheus exporter for asyncmachine telemetry (work in progress: exports
 * arrive with the prometheus issue).
 *
 * @module
 */

/** The name of this exporter. */
export const EXPORTER = "prometheus";
