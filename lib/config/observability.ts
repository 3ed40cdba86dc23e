/**
 * Powertools settings the functions receive as environment variables. The same defaults are in
 * lambdas/adapters/observability.ts, so that a function logs and counts under one name everywhere.
 */
export const powertools = {
  serviceName: "enrollment",
  metricsNamespace: "OnlineServicesEnrollment",
  /**
   * Powertools Metrics puts every metric under this one dimension, valued with the service name
   * (its default dimensions; the handlers add none). A CloudWatch alarm must name it to find them.
   */
  serviceDimension: "service",
} as const;
