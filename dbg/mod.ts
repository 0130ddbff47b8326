/**
 * dbg exporter for asyncmachine telemetry (work in progress: exports
 * arrive with the dbg issue).
 *
 * @module
 */

/** The name of this exporter. */
export const EXPORTER = "dbg";
