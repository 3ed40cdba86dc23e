/**
 * The logger (logger.ts) and the metrics (metrics.ts) of the function process, for the functions
 * that use both. A function that emits no metrics imports logger.ts directly: importing this module
 * constructs the Metrics instance.
 *
 * No Powertools Tracer: Lambda's active tracing (set by the function construct) records every
 * invocation, and the Tracer's X-Ray SDK cost ~100 KiB of bundle and a process-wide async hook that
 * made every request 0.35-0.45 ms slower (BENCHMARKS.md, enrollment) for subsegments we did not use.
 */
export { logger, maskCustomerNumber } from "./logger";
export { metrics } from "./metrics";
