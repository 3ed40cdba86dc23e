import middy from "@middy/core";
import type {
  APIGatewayAuthorizerResult,
  APIGatewayRequestAuthorizerEvent,
  APIGatewayTokenAuthorizerEvent,
  Context,
} from "aws-lambda";
import { cognitoClient } from "../adapters/cognito-identity";
import { customerProfiles } from "../adapters/customer-profiles";
import { documentClient } from "../adapters/dynamodb";
import { logger, maskCustomerNumber } from "../adapters/observability";
import { runtimeConfig } from "../adapters/runtime-config";
import { cognitoTokenVerifier, tokenVerifierConfigFromEnv } from "../adapters/token-verifier";
import { cognitoUserDirectory } from "../adapters/user-directory";
import { AUTHORIZER_CACHE_TTL_SECONDS, AUTHORIZER_HEADER } from "../definitions/authorizer";
import { cachedAuthorize } from "../domain/customer/authorize";
import { DependencyUnavailableError } from "../domain/enrollment/ports";
import { type AuthorizerDecision, authorizerResult } from "../middleware/authorizer-policy";
import { observability } from "../middleware/observability";

const config = runtimeConfig();
const verifierConfig = tokenVerifierConfigFromEnv();
const decisions = cachedAuthorize(
  {
    verifier: cognitoTokenVerifier(verifierConfig),
    directory: cognitoUserDirectory(cognitoClient(), verifierConfig.userPoolId),
    profiles: customerProfiles(documentClient(), config.tables.profiles),
  },
  { ttlSeconds: AUTHORIZER_CACHE_TTL_SECONDS },
);

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
 * (cachedAuthorize); API Gateway caches nothing.
 */
export const handler = middy<AuthorizerEvent, APIGatewayAuthorizerResult, Error, Context>()
  .use(observability())
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
