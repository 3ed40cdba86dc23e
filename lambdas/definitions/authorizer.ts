/**
 * The Lambda authorizer of the signed-in routes (`auth: true` in routes.ts). The CDK stateless stack
 * deploys it as a REQUEST authorizer in front of those routes, the local HTTP adapter runs the same
 * module in front of the same routes, and the benchmark builds it with the route handlers.
 *
 * It judges the request and never refuses it: API Gateway invokes it for every request (no identity
 * source, no API Gateway cache, so that API Gateway never answers 401 itself, not even without an
 * `Authorization` header), and it Allows with its judgement in the context. The route's function
 * answers the 401 or 403, in the request's language and with CORS for the web origin only, which a
 * gateway response cannot do: its headers are literals and its template does no `#if`.
 */
export const authorizerFunction = {
  name: "authorizer",
  entry: "authorizer",
  description:
    "Lambda REQUEST authorizer of the signed-in routes: Cognito id or access token to customer number",
} as const;

/** The request header that carries the token (`Authorization: Bearer <token>`). */
export const AUTHORIZER_HEADER = "Authorization";

/**
 * How long an authorizer instance reuses an `allow` for the same header value (never past the
 * token's expiry). Refusals are not kept: a customer who has just confirmed is let in on the next
 * request. A profile that loses its access (revoked, closed) loses it within this long.
 */
export const AUTHORIZER_CACHE_TTL_SECONDS = 300;

/** The keys of `requestContext.authorizer` that the route handlers read (signed-in.ts). */
export const AUTHORIZER_OUTCOME_KEY = "outcome";
export const AUTHORIZER_CUSTOMER_KEY = "customerNumber";
export const AUTHORIZER_RETRY_AFTER_KEY = "retryAfter";

/**
 * The authorizer's judgements. `allow` comes with the customer number, and only that one reaches an
 * account; the others are answered by the route: 401, 403, or 503 when a dependency of the check
 * (the pool's keys, Cognito, the profiles table) failed.
 */
export const authorizerOutcomes = ["allow", "unauthorized", "forbidden", "unavailable"] as const;
export type AuthorizerOutcome = (typeof authorizerOutcomes)[number];
