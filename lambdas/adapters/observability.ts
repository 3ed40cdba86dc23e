import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";

/**
 * One logger and one metrics instance per function process. Service name, log level and metrics
 * namespace come from the Powertools environment variables that the function construct sets
 * (POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL, POWERTOOLS_METRICS_NAMESPACE).
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "enrollment" });

export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? "OnlineServicesEnrollment",
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "enrollment",
});
