import { Logger } from "@aws-lambda-powertools/logger";

/**
 * One logger per function process. Service name and log level come from the Powertools environment
 * variables that the function construct sets (POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL).
 *
 * Apart from the metrics (metrics.ts): a function that emits none (the authorizer) imports this
 * module alone, and neither bundles nor constructs a Metrics instance at its cold start.
 */
export const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? "enrollment";

export const logger = new Logger({ serviceName });

/** "9900001" → "99****1": enough for support to correlate, not enough to enumerate. */
export function maskCustomerNumber(customerNumber: string): string {
  if (customerNumber.length < 4) return "*".repeat(customerNumber.length);
  return `${customerNumber.slice(0, 2)}${"*".repeat(customerNumber.length - 3)}${customerNumber.slice(-1)}`;
}
