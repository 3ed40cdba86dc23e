/**
 * The one route table of the HTTP API. The CDK stateless stack builds the REST API resources and
 * methods from it; the local HTTP adapter dispatches to the same handler modules with it; the
 * fallback handler answers 404 or 405 from it.
 */

export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/**
 * Each function: its entry module under lambdas/handlers/ (kebab-case, exporting `handler`).
 * A function may serve several routes.
 */
export const apiFunctions = {
  health: { entry: "health", description: "GET /v1/health" },
  openapi: { entry: "openapi", description: "GET /v1/openapi.json" },
  fallback: { entry: "fallback", description: "Unknown routes (404) and wrong methods (405)" },
  verifications: {
    entry: "verifications",
    description: "POST /v1/enrollment/verifications and /v1/enrollment/verifications/{challengeId}/code",
  },
  enrollments: { entry: "enrollments", description: "POST /v1/enrollments" },
  confirmation: { entry: "confirmation", description: "POST /v1/enrollments/confirmation" },
  me: {
    entry: "me",
    description:
      "GET, PATCH and DELETE /v1/me: the signed-in customer's profile (DELETE closes it); POST /v1/me/sign-out",
  },
  meBills: { entry: "me-bills", description: "GET /v1/me/bills and /v1/me/bills/{billId}" },
  meContract: { entry: "me-contract", description: "GET /v1/me/contract" },
  meExport: { entry: "me-export", description: "GET /v1/me/export: everything held about the customer" },
} as const;

export type ApiFunctionName = keyof typeof apiFunctions;

export interface RouteDefinition {
  readonly method: HttpMethod;
  /** API Gateway resource path; `{name}` marks a path parameter. */
  readonly path: string;
  readonly function: ApiFunctionName;
  /** Whether the route needs a signed-in customer (Cognito token checked by the Lambda authorizer). */
  readonly auth: boolean;
  /** Enrollment routes get tighter throttling and the WAF rate rule. */
  readonly throttled?: "enrollment";
}

/**
 * Signs the customer out everywhere (not in the contract: an addition of issue 11). The API verifies
 * tokens itself and cannot see a sign-out done in the browser against Cognito, so this route does it
 * and marks the profile; served by the `me` function, which tells it apart by this resource path.
 */
export const SIGN_OUT_PATH = "/v1/me/sign-out";

export const routes: readonly RouteDefinition[] = [
  { method: "GET", path: "/v1/health", function: "health", auth: false },
  { method: "GET", path: "/v1/openapi.json", function: "openapi", auth: false },
  {
    method: "POST",
    path: "/v1/enrollment/verifications",
    function: "verifications",
    auth: false,
    throttled: "enrollment",
  },
  {
    method: "POST",
    path: "/v1/enrollment/verifications/{challengeId}/code",
    function: "verifications",
    auth: false,
    throttled: "enrollment",
  },
  { method: "POST", path: "/v1/enrollments", function: "enrollments", auth: false, throttled: "enrollment" },
  {
    method: "POST",
    path: "/v1/enrollments/confirmation",
    function: "confirmation",
    auth: false,
    throttled: "enrollment",
  },
  { method: "GET", path: "/v1/me", function: "me", auth: true },
  { method: "PATCH", path: "/v1/me", function: "me", auth: true },
  { method: "DELETE", path: "/v1/me", function: "me", auth: true },
  { method: "POST", path: SIGN_OUT_PATH, function: "me", auth: true },
  { method: "GET", path: "/v1/me/bills", function: "meBills", auth: true },
  { method: "GET", path: "/v1/me/bills/{billId}", function: "meBills", auth: true },
  { method: "GET", path: "/v1/me/contract", function: "meContract", auth: true },
  { method: "GET", path: "/v1/me/export", function: "meExport", auth: true },
];

/** Headers a browser may send on a cross-origin request (the contract's CORS rule). */
export const corsAllowedHeaders = ["Authorization", "Content-Type", "Accept-Language"] as const;

/**
 * Response headers a page of the web origin may read beyond the CORS-safelisted ones: without
 * `Access-Control-Expose-Headers`, `response.headers.get("Retry-After")` is null in the browser, and
 * the page cannot honour a lockout (429) or a lock wait (409 ENROLLMENT_IN_PROGRESS).
 */
export const corsExposedHeaders = ["Retry-After"] as const;

/** Methods served on one resource path, for the preflight answer and the 405 `Allow` header. */
export function methodsForPath(path: string): HttpMethod[] {
  return routes.filter((r) => r.path === path).map((r) => r.method);
}

export interface RouteMatch {
  readonly route: RouteDefinition;
  readonly pathParameters: Record<string, string>;
}

/**
 * Splits a resource path into segments, once per route. Marked pure: a function that imports this
 * module for its CORS headers alone leaves the route table out of its bundle.
 */
const compiled = /* @__PURE__ */ routes.map((route) => ({
  route,
  segments: route.path.split("/").filter(Boolean),
}));

/** Matches a concrete request path against a resource path; returns its parameters or null. */
function matchSegments(
  templateSegments: readonly string[],
  requestPath: string,
): Record<string, string> | null {
  const parts = requestPath.split("/").filter(Boolean);
  if (parts.length !== templateSegments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const template = templateSegments[i] as string;
    const part = parts[i] as string;
    if (template.startsWith("{") && template.endsWith("}")) {
      let value: string;
      try {
        value = decodeURIComponent(part);
      } catch {
        return null;
      }
      params[template.slice(1, -1)] = value;
    } else if (template !== part) {
      return null;
    }
  }
  return params;
}

/** The resource path a request path falls under (whatever the method), or null for an unknown route. */
export function resourceForPath(requestPath: string): string | null {
  for (const { route, segments } of compiled) {
    if (matchSegments(segments, requestPath) !== null) return route.path;
  }
  return null;
}

/** Finds the route for a method and a concrete path, with its path parameters. */
export function matchRoute(method: string, requestPath: string): RouteMatch | null {
  for (const { route, segments } of compiled) {
    if (route.method !== method) continue;
    const pathParameters = matchSegments(segments, requestPath);
    if (pathParameters !== null) return { route, pathParameters };
  }
  return null;
}
