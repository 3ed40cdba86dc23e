import * as codes from "../definitions/error-codes";
import { methodsForPath, resourceForPath } from "../definitions/routes";
import { ApiError } from "../domain/api-error";
import { corsHeaders, httpApi, httpConfigFromEnv, preflightHeaders } from "../middleware/http-api";

const config = httpConfigFromEnv();

/**
 * Everything the route table does not serve: CORS preflights (204 with the route's methods for the
 * stage's web origin), wrong methods on a known path (405 with Allow), unknown paths (404). API
 * Gateway sends here its catch-all `{proxy+}` resource and the ANY method of every route resource;
 * the local adapter does the same.
 */
export const handler = httpApi({ config }, async ({ event }) => {
  const resource = resourceForPath(event.path);
  if (resource === null) throw new ApiError(codes.NOT_FOUND);
  const methods = methodsForPath(resource);
  if (event.httpMethod === "OPTIONS") {
    const allowed = Object.keys(corsHeaders(event, config)).length > 0;
    return { statusCode: 204, headers: allowed ? preflightHeaders(methods) : {} };
  }
  throw new ApiError(codes.METHOD_NOT_ALLOWED, { headers: { Allow: methods.join(", ") } });
});
