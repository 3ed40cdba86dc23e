import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import type middy from "@middy/core";
import { logger } from "../adapters/logger";

/**
 * Each log line carries this invocation's function name and request id (and no key a previous
 * invocation appended). What every function wraps its handler in (observability.ts adds the metrics);
 * the authorizer, which emits no metrics, uses this alone.
 *
 * Never the event, whatever POWERTOOLS_LOGGER_LOG_EVENT says (the option wins over the variable): it
 * holds the bearer token, and the bodies hold passwords and access codes. Nothing logs a response
 * either, so no `documentUrl` (a presigned link carries the role's session token) reaches a log.
 */
export function logContext(): middy.MiddlewareObj {
  return injectLambdaContext(logger, { resetKeys: true, logEvent: false });
}
