import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import type middy from "@middy/core";
import { logger, metrics } from "../adapters/observability";

/**
 * Publishes the metrics an invocation recorded, once it ends (returned or threw). An invocation that
 * recorded none publishes nothing: Powertools' own `logMetrics` would write an empty EMF flush and
 * warn "No application metrics to publish" on every health check, preflight, 404 and refusal.
 */
export function publishMetrics(): middy.MiddlewareObj {
  const publish = () => {
    if (metrics.hasStoredMetrics()) {
      metrics.publishStoredMetrics();
      return;
    }
    // What publishStoredMetrics would have cleared, so that nothing leaks into the next invocation.
    metrics.clearDimensions();
    metrics.clearMetadata();
  };
  return { after: publish, onError: publish };
}

/**
 * What every function wraps its handler in: each log line carries this invocation's function name
 * and request id (and no key a previous invocation appended), and its metrics are published.
 *
 * Never the event, whatever POWERTOOLS_LOGGER_LOG_EVENT says (the option wins over the variable): it
 * holds the bearer token, and the bodies hold passwords and access codes. Nothing logs a response
 * either, so no `documentUrl` (a presigned link carries the role's session token) reaches a log.
 */
export function observability(): middy.MiddlewareObj[] {
  return [injectLambdaContext(logger, { resetKeys: true, logEvent: false }), publishMetrics()];
}
