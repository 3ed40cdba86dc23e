import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";

/**
 * One logger and one metrics instance per function process. Service name, log level and metrics
 * namespace come from the Powertools environment variables that the function construct sets
 * (POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL, POWERTOOLS_METRICS_NAMESPACE).
 *
 * No Powertools Tracer: Lambda's active tracing (set by the function construct) records every
 * invocation, and the Tracer's X-Ray SDK cost ~100 KiB of bundle and a process-wide async hook that
 * made every request 0.35-0.45 ms slower (BENCHMARKS.md, enrollment) for subsegments we did not use.
 */
const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? "enrollment";

export const logger = new Logger({ serviceName });

export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? "OnlineServicesEnrollment",
  serviceName,
});

/** "9900001" → "99****1": enough for support to correlate, not enough to enumerate. */
export function maskCustomerNumber(customerNumber: string): string {
  if (customerNumber.length < 4) return "*".repeat(customerNumber.length);
  return `${customerNumber.slice(0, 2)}${"*".repeat(customerNumber.length - 3)}${customerNumber.slice(-1)}`;
}
