import { Validations } from "aws-cdk-lib";
import * as apigw from "aws-cdk-lib/aws-apigateway";
import type { ApiFunctionName, RouteDefinition } from "../../lambdas/definitions/routes";
import { resourcePaths } from "./route-tree";

export interface AddRoutesProps {
  readonly api: apigw.RestApi;
  readonly routes: readonly RouteDefinition[];
  readonly integrations: Readonly<Record<ApiFunctionName, apigw.Integration>>;
  /** Unknown paths (404), wrong methods (405) and CORS preflights (OPTIONS). */
  readonly fallback: apigw.Integration;
  /** Called once, and only if a route needs a signed-in customer (the Lambda authorizer). */
  readonly authorizer: () => apigw.IAuthorizer;
}

const FALLBACK_REASON =
  "Catch-all for unknown paths, wrong methods and CORS preflights (which browsers send without " +
  "credentials): the fallback function answers 404, 405 or 204 from the route table and reads no data.";

const SIGNED_IN_REASON =
  "The signed-in routes are behind a Lambda authorizer that verifies the user pool's Cognito JWTs " +
  "(aws-jwt-verify: signature, expiry, issuer, web client, token use) and maps them to the customer " +
  "number, which the route's function requires before anything else (it answers the 401 and 403); a " +
  "Cognito user pools authorizer cannot accept both id and access tokens nor do that mapping.";

function acknowledgePublic(method: apigw.Method, reason: string): void {
  Validations.of(method).acknowledge(
    { id: "AwsSolutions-APIG4", reason },
    { id: "AwsSolutions-COG4", reason },
  );
}

/**
 * Builds the REST API's resources and methods from the route table. Each route gets its method with a
 * Lambda proxy integration; every resource also gets an ANY method to the fallback function
 * (explicit methods take precedence over ANY, and ANY includes OPTIONS, so preflights reach the
 * fallback), and a `{proxy+}` child doing the same for deeper unknown paths, whatever API Gateway's
 * matching would otherwise do with a path under a known resource. The root gets both too.
 */
export function addRoutes(props: AddRoutesProps): apigw.Method[] {
  const { api } = props;
  const methods: apigw.Method[] = [];
  let authorizer: apigw.IAuthorizer | undefined;

  for (const node of resourcePaths(props.routes)) {
    const resource = node.path === "/" ? api.root : api.root.resourceForPath(node.path);

    for (const route of props.routes.filter((r) => r.path === node.path)) {
      if (route.auth) authorizer ??= props.authorizer();
      const method = resource.addMethod(
        route.method,
        props.integrations[route.function],
        route.auth && authorizer
          ? { authorizer, authorizationType: authorizer.authorizationType ?? apigw.AuthorizationType.CUSTOM }
          : { authorizationType: apigw.AuthorizationType.NONE },
      );
      if (route.auth)
        Validations.of(method).acknowledge({ id: "AwsSolutions-COG4", reason: SIGNED_IN_REASON });
      if (!route.auth) {
        acknowledgePublic(
          method,
          `${route.method} ${route.path} is public by the contract (auth: false in routes.ts): health ` +
            "checks and enrollment happen before the customer has a profile to sign in with.",
        );
      }
      methods.push(method);
    }

    acknowledgePublic(resource.addMethod("ANY", props.fallback), FALLBACK_REASON);
    if (!node.hasVariableChild) {
      acknowledgePublic(resource.addResource("{proxy+}").addMethod("ANY", props.fallback), FALLBACK_REASON);
    }
  }
  return methods;
}
