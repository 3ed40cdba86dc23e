import type { APIGatewayAuthorizerResult } from "aws-lambda";
import {
  AUTHORIZER_CUSTOMER_KEY,
  AUTHORIZER_OUTCOME_KEY,
  AUTHORIZER_RETRY_AFTER_KEY,
} from "../definitions/authorizer";
import { routes as definedRoutes, type RouteDefinition } from "../definitions/routes";
import type { AuthorizeOutcome } from "../domain/customer/authorize";

/**
 * The resources of the authorizer's policy: all the signed-in routes, not only the method of the
 * request that asked, so that the policy stays right if API Gateway ever caches it per token:
 * `arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/GET/v1/me/bills/*` for each route with `auth: true`.
 */
export function signedInResources(
  methodArn: string,
  routeTable: readonly RouteDefinition[] = definedRoutes,
): string[] {
  // arn:aws:execute-api:ca-central-1:123456789012:abcdef1234/prod/GET/v1/me → the API and its stage.
  const [api, stage] = methodArn.split("/");
  if (!api?.startsWith("arn:") || !stage) throw new Error(`Unexpected method ARN ${methodArn}`);
  return routeTable
    .filter((route) => route.auth)
    .map((route) => `${api}/${stage}/${route.method}${route.path.replace(/\{[^}]+\}/g, "*")}`);
}

/** What the authorizer judged: `authorize`'s outcome, or a dependency of the check that failed. */
export type AuthorizerDecision =
  | AuthorizeOutcome
  | { readonly outcome: "unavailable"; readonly retryAfterSeconds: number };

/**
 * The authorizer's answer to API Gateway: always an Allow of the signed-in routes, with the judgement
 * in the context (`outcome`, and `customerNumber` only for `allow`). The route's function refuses
 * every outcome but `allow` itself (signed-in.ts), in the request's language and with CORS for the
 * web origin only: a Deny, or "Unauthorized", would make API Gateway answer with a gateway response,
 * which can do neither.
 */
export function authorizerResult(
  decision: AuthorizerDecision,
  methodArn: string,
): APIGatewayAuthorizerResult {
  const context: Record<string, string | number> = { [AUTHORIZER_OUTCOME_KEY]: decision.outcome };
  if (decision.outcome === "allow") context[AUTHORIZER_CUSTOMER_KEY] = decision.customerNumber;
  if (decision.outcome === "unavailable") context[AUTHORIZER_RETRY_AFTER_KEY] = decision.retryAfterSeconds;
  return {
    principalId: "principalId" in decision ? decision.principalId : "anonymous",
    policyDocument: {
      Version: "2012-10-17",
      Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: signedInResources(methodArn) }],
    },
    context,
  };
}

/** Whether a policy allows invoking a method ARN (`*` matches any characters, as in IAM). */
export function policyAllows(result: APIGatewayAuthorizerResult, methodArn: string): boolean {
  const matches = (pattern: string) =>
    new RegExp(
      `^${pattern
        .split("*")
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*")}$`,
    ).test(methodArn);
  let allowed = false;
  for (const statement of result.policyDocument.Statement) {
    const resources = (statement as { Resource?: string | string[] }).Resource ?? [];
    const hit = (Array.isArray(resources) ? resources : [resources]).some(matches);
    if (!hit) continue;
    if (statement.Effect === "Deny") return false;
    if (statement.Effect === "Allow") allowed = true;
  }
  return allowed;
}
