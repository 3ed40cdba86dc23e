import type {
  APIGatewayAuthorizerResult,
  APIGatewayRequestAuthorizerEvent,
  APIGatewayTokenAuthorizerEvent,
} from "aws-lambda";
import { cognitoClient } from "../adapters/cognito-identity";
import { customerProfiles } from "../adapters/customer-profiles";
import { documentClient } from "../adapters/dynamodb";
import { logger, maskCustomerNumber } from "../adapters/observability";
import { runtimeConfig } from "../adapters/runtime-config";
import { cognitoTokenVerifier, tokenVerifierConfigFromEnv } from "../adapters/token-verifier";
import { cognitoUserDirectory } from "../adapters/user-directory";
import { AUTHORIZER_HEADER } from "../definitions/authorizer";
import { authorize } from "../domain/customer/authorize";
import { authorizerResult } from "../middleware/authorizer-policy";

const config = runtimeConfig();
const verifierConfig = tokenVerifierConfigFromEnv();
const deps = {
  verifier: cognitoTokenVerifier(verifierConfig),
  directory: cognitoUserDirectory(cognitoClient(), verifierConfig.userPoolId),
  profiles: customerProfiles(documentClient(), config.tables.profiles),
};

/** The Authorization header of a TOKEN event, or of a REQUEST event (whatever its case). */
function headerOf(
  event: APIGatewayTokenAuthorizerEvent | APIGatewayRequestAuthorizerEvent,
): string | undefined {
  if (event.type === "TOKEN") return event.authorizationToken;
  const wanted = AUTHORIZER_HEADER.toLowerCase();
  const entry = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === wanted);
  return entry?.[1] ?? undefined;
}

/**
 * The Lambda authorizer of the signed-in routes: a Cognito id or access token of the stage's pool
 * for the web client → the customer number, handed to the routes in the request context.
 * A bad or missing token: "Unauthorized" (API Gateway answers 401). A valid token of an account
 * without an ACTIVE profile: a Deny policy (403). API Gateway caches either policy per token.
 */
export async function handler(
  event: APIGatewayTokenAuthorizerEvent | APIGatewayRequestAuthorizerEvent,
): Promise<APIGatewayAuthorizerResult> {
  const decision = await authorize(headerOf(event), deps);
  logger.info("authorizer decision", {
    audit: "authorizer",
    outcome: decision.outcome,
    ...(decision.outcome === "allow" ? { customer: maskCustomerNumber(decision.customerNumber) } : {}),
    ...(decision.outcome !== "allow" ? { reason: decision.reason } : {}),
  });
  // API Gateway's convention: exactly this message gives its 401 (UNAUTHORIZED gateway response).
  if (decision.outcome === "unauthorized") throw new Error("Unauthorized");
  return authorizerResult(decision, event.methodArn);
}
