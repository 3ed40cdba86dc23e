import { corsExposedHeaders } from "./routes";

/**
 * The headers of the answers that API Gateway and the WAF send by themselves, without a function
 * (gateway responses, the WAF's 429; locally, what the adapter sends in their place). Their values
 * are literals: neither can test the request's Origin, so the CORS headers name the stage's web
 * origin whatever the request (a header naming another origin grants nothing to the one that
 * asked). What a client can cause on a route is answered by the functions instead, with CORS for
 * the web origin only: the signed-in routes' 401 and 403 included (their authorizer never refuses).
 * What is left here: throttling, the WAF, and API Gateway's own failures.
 */
export function gatewayHeaders(webOrigin: string): Readonly<Record<string, string>> {
  return {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Access-Control-Allow-Origin": webOrigin,
    "Access-Control-Expose-Headers": corsExposedHeaders.join(", "),
    Vary: "Origin",
  };
}
