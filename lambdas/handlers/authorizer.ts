import middy from "@middy/core";
import type {
  APIGatewayAuthorizerResult,
  APIGatewayRequestAuthorizerEvent,
  APIGatewayTokenAuthorizerEvent,
  Context,
} from "aws-lambda";
import { customerAuthorizer } from "../adapters/customer-authorizer";
import { logger, maskCustomerNumber } from "../adapters/logger";
import { AUTHORIZER_HEADER } from "../definitions/authorizer";
import { DependencyUnavailableError } from "../domain/enrollment/ports";
import { type AuthorizerDecision, authorizerResult } from "../middleware/authorizer-policy";
import { logContext } from "../middleware/log-context";

// The pool's keys are fetched at init, before the first token needs them; a failure only logs.
const decisions = customerAuthorizer({
  prefetchKeys: (error) =>
    logger.warn("JWKS not fetched at init; the first token fetches it again", {
      error: (error as Error)?.name,
    }),
});

type AuthorizerEvent = APIGatewayRequestAuthorizerEvent | APIGatewayTokenAuthorizerEvent;

/** The Authorization header of a REQUEST event (whatever its case), or of a TOKEN event. */
function headerOf(event: AuthorizerEvent): string | undefined {
  if (event.type === "TOKEN") return event.authorizationToken;
  const wanted = AUTHORIZER_HEADER.toLowerCase();
  const entry = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === wanted);
  return entry?.[1] ?? undefined;
}

/** The judgement; a dependency that failed (the pool's keys, Cognito, DynamoDB) is `unavailable`. */
async function decide(event: AuthorizerEvent): Promise<AuthorizerDecision> {
  try {
    return await decisions.authorize(headerOf(event));
  } catch (error) {
    logger.error("authorizer dependency failed", error as Error);
    const retryAfterSeconds = error instanceof DependencyUnavailableError ? error.retryAfterSeconds : 2;
    return { outcome: "unavailable", retryAfterSeconds };
  }
}

/**
 * The Lambda authorizer of the signed-in routes: a Cognito id or access token of the stage's pool
 * for the web client → the customer number, handed to the routes in the request context. It never
 * refuses: a missing, bad or expired token (`unauthorized`), a valid token of an account without an
 * ACTIVE profile (`forbidden`) and a failed check (`unavailable`) are Allows that say so in the
 * context, and the route answers 401, 403 or 503 itself (signed-in.ts). Only allows are remembered
 * (cachedAuthorize, and the user pool's answers in the directory); API Gateway caches nothing. A
 * change that takes access away is seen within ACCESS_LOSS_BOUND_SECONDS (definitions/authorizer.ts).
 */
export const handler = middy<AuthorizerEvent, APIGatewayAuthorizerResult, Error, Context>()
  .use(logContext())
  .handler(async (event) => {
    const decision = await decide(event);
    logger.info("authorizer decision", {
      audit: "authorizer",
      outcome: decision.outcome,
      ...(decision.outcome === "allow" ? { customer: maskCustomerNumber(decision.customerNumber) } : {}),
      ...("reason" in decision ? { reason: decision.reason } : {}),
      // The API request it judged (the function's own request id is the log line's).
      ...(event.type === "REQUEST" ? { apiRequestId: event.requestContext?.requestId } : {}),
    });
    return authorizerResult(decision, event.methodArn);
  });
