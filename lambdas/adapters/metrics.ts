import { Metrics } from "@aws-lambda-powertools/metrics";
import { serviceName } from "./logger";

/** One metrics instance per function process; its namespace from POWERTOOLS_METRICS_NAMESPACE. */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? "OnlineServicesEnrollment",
  serviceName,
});
