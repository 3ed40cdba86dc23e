import type { RouteDefinition } from "../../lambdas/definitions/routes";

/**
 * The WAF rate rule covers every request path starting with this prefix: the contract's
 * /v1/enrollment/verifications and /v1/enrollments… (section 4), including paths not served yet, so
 * that an enumeration attempt is slowed down wherever it aims.
 */
export const ENROLLMENT_PATH_PREFIX = "/v1/enrollment";

/** Fails the synth when a route marked for enrollment throttling falls outside the WAF rule. */
export function checkEnrollmentRoutes(routes: readonly RouteDefinition[]): void {
  for (const route of routes) {
    if (route.throttled === "enrollment" && !route.path.startsWith(ENROLLMENT_PATH_PREFIX)) {
      throw new Error(
        `${route.method} ${route.path} is throttled as enrollment but outside ${ENROLLMENT_PATH_PREFIX}*, ` +
          "which the WAF rate rule covers.",
      );
    }
  }
}

/**
 * The path of the verification itself (POST, no path parameter): what WAF's account takeover
 * prevention treats as the login. Taken from the route table, so that it cannot drift from it.
 */
export function verificationPath(routes: readonly RouteDefinition[]): string {
  const route = routes.find(
    (r) => r.function === "verifications" && r.method === "POST" && !r.path.includes("{"),
  );
  if (!route) throw new Error("The route table has no POST verification route without a path parameter.");
  return route.path;
}
