import type { APIGatewayAuthorizerResult } from "aws-lambda";
import { AUTHORIZER_CUSTOMER_KEY } from "../definitions/authorizer";
import { routes as definedRoutes, type RouteDefinition } from "../definitions/routes";
import type { AuthorizeOutcome } from "../domain/customer/authorize";

/**
 * The IAM policy of an authorizer decision. API Gateway caches it per token and reuses it for every
 * signed-in route, so it names all of them, not only the method of the request that asked:
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

export function authorizerResult(
  decision: Exclude<AuthorizeOutcome, { outcome: "unauthorized" }>,
  methodArn: string,
): APIGatewayAuthorizerResult {
  const allow = decision.outcome === "allow";
  return {
    principalId: decision.principalId,
    policyDocument: {
      Version: "2012-10-17",
      Statement: [
        {
          Action: "execute-api:Invoke",
          Effect: allow ? "Allow" : "Deny",
          Resource: signedInResources(methodArn),
        },
      ],
    },
    ...(allow ? { context: { [AUTHORIZER_CUSTOMER_KEY]: decision.customerNumber } } : {}),
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
