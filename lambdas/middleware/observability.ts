import type middy from "@middy/core";
import { metrics } from "../adapters/metrics";
import { logContext } from "./log-context";

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
 * What every function that emits metrics wraps its handler in: the log context (log-context.ts),
 * and its metrics published once it ends.
 */
export function observability(): middy.MiddlewareObj[] {
  return [logContext(), publishMetrics()];
}
