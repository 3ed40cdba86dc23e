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
 * request. The profile (status, e-mail, sign-out mark) is read afresh, consistently, on every
 * decision that is not reused, so a change to it is seen within this long.
 */
export const AUTHORIZER_CACHE_TTL_SECONDS = 180;

/**
 * How long an authorizer instance reuses what the user pool said of a user (AdminGetUser: enabled,
 * customer number, e-mail), for id and access tokens alike. A user disabled or deleted in Cognito is
 * seen within this long by the next decision, which may then be reused AUTHORIZER_CACHE_TTL_SECONDS.
 */
export const USER_DIRECTORY_CACHE_TTL_SECONDS = 90;

/**
 * API Gateway's own cache of the authorizer's result (`resultsCacheTtl`). Zero, and it stays zero:
 * a cached authorizer needs an identity source (see authorizerFunction), and it would add to the
 * bound below.
 */
export const API_GATEWAY_AUTHORIZER_CACHE_TTL_SECONDS = 0;

/**
 * The worst case, in seconds, between a change that takes access away and the first refusal of a
 * token that was allowed before it, whatever the timing of the requests: every cache layer added up.
 *
 * - Cognito disabled or deleted the user: the directory may answer from an identity read up to
 *   USER_DIRECTORY_CACHE_TTL_SECONDS before; a decision made from it is reused for up to
 *   AUTHORIZER_CACHE_TTL_SECONDS; API Gateway would reuse that for its own TTL on top.
 * - The profile is closed, revoked, removed, or marked signed-out: read on every fresh decision, so
 *   only the last two layers count, a subset of this sum.
 *
 * The token's own life (60 minutes) is no layer: a valid token is refused once one of these is seen.
 */
export const ACCESS_LOSS_BOUND_SECONDS =
  USER_DIRECTORY_CACHE_TTL_SECONDS + AUTHORIZER_CACHE_TTL_SECONDS + API_GATEWAY_AUTHORIZER_CACHE_TTL_SECONDS;

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
