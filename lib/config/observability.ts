/**
 * Powertools settings the functions receive as environment variables. The same defaults are in
 * lambdas/adapters/observability.ts, so that a function logs and counts under one name everywhere.
 */
export const powertools = {
  serviceName: "enrollment",
  metricsNamespace: "OnlineServicesEnrollment",
} as const;
