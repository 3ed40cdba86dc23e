/**
 * The Lambda authorizer of the signed-in routes (`auth: true` in routes.ts). The CDK stateless stack
 * deploys it as a TOKEN authorizer in front of those routes, the local HTTP adapter runs the same
 * module in front of the same routes, and the benchmark builds it with the route handlers.
 */
export const authorizerFunction = {
  name: "authorizer",
  entry: "authorizer",
  description:
    "Lambda TOKEN authorizer of the signed-in routes: Cognito id or access token to customer number",
} as const;

/** The request header that carries the token (`Authorization: Bearer <token>`): the cache key too. */
export const AUTHORIZER_HEADER = "Authorization";

/**
 * How long API Gateway (and the local adapter) reuse the authorizer's decision for the same header
 * value. A decision may thus outlive the token's expiry by at most this long.
 */
export const AUTHORIZER_CACHE_TTL_SECONDS = 300;

/**
 * API Gateway answers 401 itself, without invoking the function, when the header does not match:
 * the scheme `Bearer` and three base64url parts (the last empty for an unsigned token, which the
 * function then refuses).
 */
export const AUTHORIZER_HEADER_PATTERN = "^[Bb]earer [A-Za-z0-9_=-]+\\.[A-Za-z0-9_=-]+\\.[A-Za-z0-9_=-]*$";

/** The key of `requestContext.authorizer` under which the route handlers find the customer number. */
export const AUTHORIZER_CUSTOMER_KEY = "customerNumber";
