import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { Tracer } from "@aws-lambda-powertools/tracer";

/**
 * One logger, one metrics and one tracer instance per function process. Service name, log level and
 * metrics namespace come from the Powertools environment variables that the function construct sets
 * (POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL, POWERTOOLS_METRICS_NAMESPACE). The tracer is off
 * outside Lambda.
 */
const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? "enrollment";

export const logger = new Logger({ serviceName });

export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? "OnlineServicesEnrollment",
  serviceName,
});

export const tracer = new Tracer({ serviceName });

/** "9900001" → "99****1": enough for support to correlate, not enough to enumerate. */
export function maskCustomerNumber(customerNumber: string): string {
  if (customerNumber.length < 4) return "*".repeat(customerNumber.length);
  return `${customerNumber.slice(0, 2)}${"*".repeat(customerNumber.length - 3)}${customerNumber.slice(-1)}`;
}
