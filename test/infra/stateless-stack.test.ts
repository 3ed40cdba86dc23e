import type { CfnResource } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import type { CfnFunction } from "aws-cdk-lib/aws-lambda";
import { afterAll, describe, expect, it } from "vitest";
import { API_GATEWAY_AUTHORIZER_CACHE_TTL_SECONDS } from "../../lambdas/definitions/authorizer";
import { bundling } from "../../lambdas/definitions/bundling";
import { DOCUMENTS_BUCKET_ENV } from "../../lambdas/definitions/documents";
import { env } from "../../lambdas/definitions/environment";
import { errors } from "../../lambdas/definitions/error-codes";
import { DISPATCH_WORKER_MEMORY_MB } from "../../lambdas/definitions/notices";
import { apiFunctions, type RouteDefinition, routes } from "../../lambdas/definitions/routes";
import { accountsTable, billsTable, contractsTable, profilesTable } from "../../lambdas/definitions/tables";
import { userPoolEnv } from "../../lambdas/definitions/user-pool";
import { ENROLLMENT_PATH_PREFIX } from "../../lib/api/enrollment-paths";
import { gatewayErrors } from "../../lib/api/gateway-responses";
import { resourcePaths } from "../../lib/api/route-tree";
import { buildApp } from "../../lib/app";
import { getStage, stageNames } from "../../lib/config/stages";
import { noticeFunctions } from "../../lib/constructs/notice-pipeline";
import { functionGrants } from "../../lib/stacks/function-grants";
import { StatefulStack } from "../../lib/stacks/stateful-stack";
import { StatelessStack } from "../../lib/stacks/stateless-stack";
import { testApp } from "./infra-app";

type Json = Record<string, unknown>;
type Resource = { Type: string; Properties: Json };

/** "GET /v1/health"-style keys of every method of the template, with its properties. */
function methodsByRoute(template: Template): Map<string, Json> {
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const paths = new Map<string, string>();
  const pathOf = (ref: unknown): string => {
    const id = (ref as { Ref?: string }).Ref;
    if (id === undefined) return ""; // Fn::GetAtt RootResourceId: the root
    const known = paths.get(id);
    if (known !== undefined) return known;
    const resource = resources[id] as Resource;
    const path = `${pathOf(resource.Properties.ParentId)}/${String(resource.Properties.PathPart)}`;
    paths.set(id, path);
    return path;
  };
  const methods = new Map<string, Json>();
  for (const resource of Object.values(resources)) {
    if (resource.Type !== "AWS::ApiGateway::Method") continue;
    const path = pathOf(resource.Properties.ResourceId) || "/";
    methods.set(`${String(resource.Properties.HttpMethod)} ${path}`, resource.Properties);
  }
  return methods;
}

function routePaths(routeTable: readonly RouteDefinition[]): Set<string> {
  const paths = new Set<string>(["/"]);
  for (const route of routeTable) {
    const segments = route.path.split("/").filter(Boolean);
    for (let i = 1; i <= segments.length; i++) paths.add(`/${segments.slice(0, i).join("/")}`);
  }
  return paths;
}

describe.each(stageNames)("stateless stack, stage %s", (stageName) => {
  const { app, dispose } = testApp();
  const { stateless, stateful } = buildApp(stageName, app);
  const stage = getStage(stageName);
  const template = Template.fromStack(stateless);
  const methods = methodsByRoute(template);
  afterAll(dispose);

  it("has one function per apiFunctions entry and the authorizer, on the defined runtime and architecture", () => {
    const functions = template.findResources("AWS::Lambda::Function");
    // The API functions, the authorizer of the signed-in routes, the notice pipeline's functions,
    // the step-up code sender and the enrollment sweeper.
    expect(Object.keys(functions)).toHaveLength(
      Object.keys(apiFunctions).length + 1 + Object.keys(noticeFunctions).length + 1 + 1,
    );
    for (const fn of Object.values(functions)) {
      expect(fn.Properties.Runtime).toBe("nodejs24.x");
      expect(fn.Properties.Runtime).toBe(bundling.runtime);
      expect(fn.Properties.Architectures).toEqual(["arm64"]);
      expect(fn.Properties.TracingConfig).toEqual({ Mode: "Active" });
      // 512 MB, except the dispatch worker, whose CPU-bound walk is sized by the notices-scale bench.
      expect(fn.Properties.MemorySize).toBe(
        String(fn.Properties.FunctionName).endsWith("-notice-dispatch-worker")
          ? DISPATCH_WORKER_MEMORY_MB
          : 512,
      );
      expect(fn.Properties.Handler).toBe("index.handler");
      expect(fn.Properties.LoggingConfig).toEqual({ LogFormat: "JSON", LogGroup: expect.anything() });
    }
  });

  it("gives every function every variable of environment.ts, Powertools settings and source maps", () => {
    for (const fn of Object.values(template.findResources("AWS::Lambda::Function"))) {
      const variables = fn.Properties.Environment.Variables as Json;
      for (const name of [...Object.values(env), ...Object.values(userPoolEnv)]) {
        expect(variables, name).toHaveProperty(name);
      }
      expect(variables[env.stage]).toBe(stage.name);
      expect(variables[env.webOrigin]).toBe(stage.webOrigin);
      expect(variables[env.verifyMaxFailures]).toBe(String(stage.verification.maxFailures));
      expect(variables.NODE_OPTIONS).toBe("--enable-source-maps");
      expect(variables.POWERTOOLS_SERVICE_NAME).toEqual(expect.any(String));
      expect(variables.POWERTOOLS_METRICS_NAMESPACE).toEqual(expect.any(String));
      expect(variables.POWERTOOLS_LOG_LEVEL).toBe(stage.logLevel);
    }
  });

  /** The statements of the policies attached to one function's role. */
  function statementsOf(
    name: keyof typeof stateless.functions | "authorizer",
  ): { Action: string | string[]; Resource: unknown }[] {
    const fn = name === "authorizer" ? stateless.authorizerFunction : stateless.functions[name];
    const fnId = stateless.getLogicalId(fn.function.node.defaultChild as CfnFunction);
    const roleId = (template.toJSON().Resources[fnId].Properties.Role as { "Fn::GetAtt": [string, string] })[
      "Fn::GetAtt"
    ][0];
    return Object.values(template.findResources("AWS::IAM::Policy"))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
  }

  /** The actions the policies attached to one function's role allow. */
  function actionsOf(name: keyof typeof stateless.functions | "authorizer"): string[] {
    return statementsOf(name).flatMap((st) => st.Action);
  }

  it("grants health and fallback nothing beyond their own log group and X-Ray", () => {
    template.resourceCountIs("AWS::IAM::ManagedPolicy", 0);
    for (const name of ["health", "fallback"] as const) {
      for (const action of actionsOf(name))
        expect(action).toMatch(/^(logs:(CreateLogStream|PutLogEvents)|xray:Put\w+)$/);
    }
  });

  it("lets only the enrollment function create users; only it, the confirmation and me send e-mail", () => {
    const enrollment = actionsOf("enrollments");
    expect(enrollment).toEqual(expect.arrayContaining(["cognito-idp:AdminCreateUser", "ses:SendEmail"]));
    for (const name of ["verifications", "confirmation", "health", "fallback"] as const) {
      expect(actionsOf(name)).not.toContain("cognito-idp:AdminCreateUser");
    }
    for (const name of ["verifications", "health", "fallback"] as const) {
      expect(actionsOf(name)).not.toContain("ses:SendEmail");
    }
    // "Was this you?": the confirmation reads the account's contact address and e-mails it.
    expect(actionsOf("confirmation")).toEqual(expect.arrayContaining(["ses:SendEmail", "dynamodb:GetItem"]));
    expect(actionsOf("confirmation")).toContain("cognito-idp:AdminUpdateUserAttributes");
    expect(actionsOf("verifications")).not.toContain("cognito-idp:AdminGetUser");
  });

  /** The Secrets Manager statements of one function's role, with their resources as JSON text. */
  function secretReadsOf(name: keyof typeof stateless.functions): string[] {
    const fn = stateless.functions[name];
    const fnId = stateless.getLogicalId(fn.function.node.defaultChild as CfnFunction);
    const roleId = (template.toJSON().Resources[fnId].Properties.Role as { "Fn::GetAtt": [string, string] })[
      "Fn::GetAtt"
    ][0];
    return Object.values(template.findResources("AWS::IAM::Policy"))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
      .flatMap(
        (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
      )
      .filter((st) => [st.Action].flat().includes("secretsmanager:GetSecretValue"))
      .map((st) => JSON.stringify(st.Resource));
  }

  it("lets the enrollments function read the confirmation key and not the pepper; the verifications the reverse", () => {
    const idOf = (secret: typeof stateful.pepperSecret) =>
      stateful.getLogicalId(secret.node.defaultChild as CfnResource);
    const pepper = idOf(stateful.pepperSecret);
    const confirmationKey = idOf(stateful.confirmationKeySecret);
    const enrollments = secretReadsOf("enrollments");
    expect(enrollments).toHaveLength(1);
    expect(enrollments[0]).toContain(confirmationKey);
    expect(enrollments.join()).not.toContain(pepper);
    const verifications = secretReadsOf("verifications");
    expect(verifications.join()).toContain(pepper);
    expect(verifications.join()).not.toContain(confirmationKey);
    for (const name of ["confirmation", "me", "meBills", "meContract", "meExport", "health"] as const) {
      expect(secretReadsOf(name), name).toEqual([]);
    }
    expect(variablesOf("enrollments")[env.confirmationKeySecretName]).toBe(
      stateful.confirmationKeySecretName,
    );
  });

  it("caps the verification instances that run at once: the guessing bound counts them", () => {
    const fn = stateless.functions.verifications.function.node.defaultChild as CfnFunction;
    const props = template.toJSON().Resources[stateless.getLogicalId(fn)].Properties;
    expect(props.ReservedConcurrentExecutions).toBe(stage.verification.maxConcurrency);
    expect(stage.verification.maxConcurrency).toBeLessThanOrEqual(10);
  });

  /** The variables of one function. */
  function variablesOf(name: keyof typeof stateless.functions | "authorizer"): Json {
    const fn = name === "authorizer" ? stateless.authorizerFunction : stateless.functions[name];
    const fnId = stateless.getLogicalId(fn.function.node.defaultChild as CfnFunction);
    return template.toJSON().Resources[fnId].Properties.Environment.Variables as Json;
  }

  it("grants the signed-in routes and their authorizer only what each one needs", () => {
    const dynamoWrites = [
      "dynamodb:PutItem",
      "dynamodb:UpdateItem",
      "dynamodb:DeleteItem",
      "dynamodb:BatchWriteItem",
    ];
    const authorizer = actionsOf("authorizer");
    expect(authorizer).toContain("cognito-idp:AdminGetUser");
    expect(authorizer).toContain("dynamodb:GetItem");
    for (const action of dynamoWrites) expect(authorizer).not.toContain(action);
    expect(authorizer.filter((a) => a.startsWith("cognito-idp:"))).toEqual(["cognito-idp:AdminGetUser"]);
    expect(authorizer.some((a) => a.startsWith("s3:") || a.startsWith("ses:"))).toBe(false);
    expect(variablesOf("authorizer")).toHaveProperty(profilesTable.envVar);
    expect(variablesOf("authorizer")).not.toHaveProperty(billsTable.envVar);

    expect(actionsOf("me")).toContain("dynamodb:UpdateItem");
    expect(actionsOf("me").some((a) => a.startsWith("s3:"))).toBe(false);
    // The language becomes the Cognito user's locale; the sign-out revokes the user's refresh
    // tokens; closing the profile reads whose each user is, disables and deletes it (never creates
    // one): those actions, on the pool alone; and it e-mails the enrolled address.
    expect(
      actionsOf("me")
        .filter((a) => a.startsWith("cognito-idp:"))
        .sort(),
    ).toEqual([
      "cognito-idp:AdminDeleteUser",
      "cognito-idp:AdminDisableUser",
      "cognito-idp:AdminGetUser",
      "cognito-idp:AdminUpdateUserAttributes",
      "cognito-idp:AdminUserGlobalSignOut",
    ]);
    expect(actionsOf("me")).toContain("ses:SendEmail");
    const poolStatements = statementsOf("me").filter((st) =>
      [st.Action].flat().some((a) => String(a).startsWith("cognito-idp:")),
    );
    for (const statement of poolStatements) {
      expect(statement.Resource).not.toEqual("*");
      expect([statement.Resource].flat()).toHaveLength(1);
      expect(JSON.stringify(statement.Resource)).toContain("UserPool");
    }
    for (const name of ["meBills", "meContract"] as const) {
      const actions = actionsOf(name);
      expect(actions.filter((a) => a.startsWith("s3:"))).toEqual(["s3:GetObject"]);
      for (const action of dynamoWrites) expect(actions, name).not.toContain(action);
      expect(variablesOf(name)).toHaveProperty(DOCUMENTS_BUCKET_ENV);
    }
    expect(variablesOf("meBills")).toHaveProperty(billsTable.envVar);
    expect(variablesOf("meBills")).not.toHaveProperty(contractsTable.envVar);
    expect(variablesOf("meContract")).toHaveProperty(contractsTable.envVar);
    expect(variablesOf("meContract")).not.toHaveProperty(billsTable.envVar);
    expect(variablesOf("me")).not.toHaveProperty(DOCUMENTS_BUCKET_ENV);
    // The export only reads, and links to no document (its documentKey is a name, not a URL).
    const exportActions = actionsOf("meExport");
    for (const action of dynamoWrites) expect(exportActions, "meExport").not.toContain(action);
    expect(exportActions.filter((a) => !/^(dynamodb|logs|xray):/.test(a))).toEqual([]);
    expect(variablesOf("meExport")).not.toHaveProperty(DOCUMENTS_BUCKET_ENV);
  });

  it("puts the signed-in routes behind a Lambda authorizer that API Gateway invokes for every request", () => {
    template.resourceCountIs("AWS::ApiGateway::Authorizer", 1);
    const authorizerFnId = stateless.getLogicalId(
      stateless.authorizerFunction.function.node.defaultChild as CfnFunction,
    );
    // No identity source and no cache: API Gateway never answers 401 itself (a TOKEN or cached
    // authorizer does, without invoking it, when the header is missing), and never reuses a Deny.
    // The 401 and 403 are the route's, in the request's language, CORS for the web origin only.
    template.hasResourceProperties("AWS::ApiGateway::Authorizer", {
      Type: "REQUEST",
      IdentitySource: Match.absent(),
      IdentityValidationExpression: Match.absent(),
      AuthorizerResultTtlInSeconds: API_GATEWAY_AUTHORIZER_CACHE_TTL_SECONDS,
    });
    // It is a layer of the access-loss bound, and any cache here would need an identity source.
    expect(API_GATEWAY_AUTHORIZER_CACHE_TTL_SECONDS).toBe(0);
    expect(JSON.stringify(template.findResources("AWS::ApiGateway::Authorizer"))).toContain(authorizerFnId);
    // Only API Gateway may invoke the authorizer.
    template.hasResourceProperties("AWS::Lambda::Permission", {
      Action: "lambda:InvokeFunction",
      FunctionName: { "Fn::GetAtt": [authorizerFnId, "Arn"] },
      Principal: "apigateway.amazonaws.com",
    });
  });

  it("serves every route of the route table with its function", () => {
    for (const route of routes) {
      const method = methods.get(`${route.method} ${route.path}`);
      expect(method, `${route.method} ${route.path}`).toBeDefined();
      expect(method?.AuthorizationType).toBe(route.auth ? "CUSTOM" : "NONE");
      if (route.auth) expect(method?.AuthorizerId).toBeDefined();
      expect(method?.Integration).toMatchObject({ Type: "AWS_PROXY", IntegrationHttpMethod: "POST" });
    }
  });

  it("sends everything else to the fallback function, preflights included, without CORS methods", () => {
    const withVariableChild = new Set(
      resourcePaths(routes)
        .filter((n) => n.hasVariableChild)
        .map((n) => n.path),
    );
    for (const path of routePaths(routes)) {
      expect(methods.has(`ANY ${path}`), `ANY ${path}`).toBe(true);
      // A resource with a {param} child has no {proxy+} one: the {param} catches the deeper paths.
      expect(methods.has(`ANY ${path === "/" ? "" : path}/{proxy+}`), `ANY ${path}/{proxy+}`).toBe(
        !withVariableChild.has(path),
      );
    }
    expect([...methods.keys()].filter((key) => key.startsWith("OPTIONS "))).toEqual([]);
    const fallback = stateless.getLogicalId(
      stateless.functions.fallback.function.node.defaultChild as CfnFunction,
    );
    for (const [key, method] of methods) {
      if (key.startsWith("ANY ")) expect(JSON.stringify(method.Integration), key).toContain(fallback);
    }
  });

  it("answers API Gateway's own errors in the contract's shape and headers", () => {
    for (const { type, code, keepStatus } of gatewayErrors) {
      template.hasResourceProperties("AWS::ApiGateway::GatewayResponse", {
        ResponseType: type.responseType,
        StatusCode: keepStatus ? Match.absent() : String(errors[code].status),
        ResponseParameters: {
          "gatewayresponse.header.Cache-Control": "'no-store'",
          "gatewayresponse.header.X-Content-Type-Options": "'nosniff'",
          "gatewayresponse.header.Access-Control-Allow-Origin": `'${stage.webOrigin}'`,
          // So that the page can read Retry-After (a 429 of the stage's throttling included).
          "gatewayresponse.header.Access-Control-Expose-Headers": "'Retry-After'",
          "gatewayresponse.header.Vary": "'Origin'",
        },
        ResponseTemplates: {
          "application/json": JSON.stringify({ error: { code, message: errors[code].fr } }),
        },
      });
    }
    for (const type of ["DEFAULT_4XX", "DEFAULT_5XX", "UNAUTHORIZED", "ACCESS_DENIED", "THROTTLED"]) {
      expect(gatewayErrors.map((g) => g.type.responseType)).toContain(type);
    }
  });

  it("logs access in JSON, traces, and throttles the stage from the config", () => {
    template.hasResourceProperties("AWS::ApiGateway::Stage", {
      StageName: stage.name,
      TracingEnabled: true,
      AccessLogSetting: {
        DestinationArn: Match.anyValue(),
        Format: Match.stringLikeRegexp('^\\{"requestId"'),
      },
      MethodSettings: Match.arrayWith([
        Match.objectLike({
          HttpMethod: "*",
          ResourcePath: "/*",
          LoggingLevel: "ERROR",
          DataTraceEnabled: false,
          MetricsEnabled: true,
          ThrottlingRateLimit: stage.api.throttle.rateLimit,
          ThrottlingBurstLimit: stage.api.throttle.burstLimit,
        }),
      ]),
    });
  });

  it("logs no response body, query string or request path: nothing that could carry a documentUrl", () => {
    const stages = Object.values(template.findResources("AWS::ApiGateway::Stage"));
    expect(stages).toHaveLength(1);
    const props = (stages[0] as Resource).Properties as {
      AccessLogSetting: { Format: string };
      MethodSettings: { DataTraceEnabled?: boolean; LoggingLevel?: string }[];
    };
    // Each field one $context variable of the request's metadata, from this list and no other:
    // API Gateway has no variable for a response body, and $context.path would carry path parameters.
    const safe = new Set([
      "$context.requestId",
      "$context.extendedRequestId",
      "$context.requestTime",
      "$context.identity.sourceIp",
      "$context.identity.userAgent",
      "$context.httpMethod",
      "$context.resourcePath",
      "$context.protocol",
      "$context.status",
      "$context.responseLength",
      "$context.responseLatency",
      "$context.integrationStatus",
      "$context.integrationLatency",
      "$context.error.responseType",
      "$context.error.message",
      "$context.wafResponseCode",
      "$context.xrayTraceId",
    ]);
    const format = JSON.parse(props.AccessLogSetting.Format) as Record<string, string>;
    for (const [field, variable] of Object.entries(format)) {
      expect(safe.has(variable), `${field}: ${variable}`).toBe(true);
    }
    expect(props.AccessLogSetting.Format).not.toMatch(
      /\$input|\$context\.(path|requestOverride|responseOverride|authorizer)/,
    );
    // Execution logs: errors only, never the full request and response data.
    expect(props.MethodSettings.length).toBeGreaterThan(0);
    for (const setting of props.MethodSettings) {
      expect(setting.DataTraceEnabled).not.toBe(true);
      expect(setting.LoggingLevel ?? "ERROR").toMatch(/^(ERROR|OFF)$/);
    }
  });

  it("puts a WAF web ACL with the managed rules and the enrollment rate rule on the stage", () => {
    template.resourceCountIs("AWS::WAFv2::WebACLAssociation", 1);
    const acl = Object.values(template.findResources("AWS::WAFv2::WebACL"))[0] as Resource;
    expect(acl.Properties.Scope).toBe("REGIONAL");
    const rules = acl.Properties.Rules as Json[];
    const groups = rules.flatMap((r) => {
      const statement = r.Statement as { ManagedRuleGroupStatement?: { Name: string } };
      return statement.ManagedRuleGroupStatement ? [statement.ManagedRuleGroupStatement.Name] : [];
    });
    expect(groups.sort()).toEqual([
      "AWSManagedRulesAmazonIpReputationList",
      "AWSManagedRulesCommonRuleSet",
      "AWSManagedRulesKnownBadInputsRuleSet",
    ]);
    const rate = rules.find((r) => (r.Statement as Json).RateBasedStatement) as Json;
    expect(rate).toMatchObject({
      Action: { Block: { CustomResponse: { ResponseCode: 429 } } },
      Statement: {
        RateBasedStatement: {
          Limit: stage.waf.enrollmentRequestsPerIpPer5Minutes,
          AggregateKeyType: "IP",
          EvaluationWindowSec: 300,
        },
      },
    });
    const headers = (rate as { Action: { Block: { CustomResponse: { ResponseHeaders: Json[] } } } }).Action
      .Block.CustomResponse.ResponseHeaders;
    expect(headers).toEqual(
      expect.arrayContaining([
        { Name: "Retry-After", Value: "300" },
        { Name: "Access-Control-Allow-Origin", Value: stage.webOrigin },
        { Name: "Access-Control-Expose-Headers", Value: "Retry-After" },
      ]),
    );
    const searchStrings = JSON.stringify(rate).match(/"SearchString":"[^"]+"/g);
    expect(searchStrings).toEqual([
      `"SearchString":"/${stage.name}${ENROLLMENT_PATH_PREFIX}"`,
      `"SearchString":"${ENROLLMENT_PATH_PREFIX}"`,
    ]);
    expect(JSON.stringify(rate)).toContain('"PositionalConstraint":"STARTS_WITH"');
  });
});

describe("stateless stack with future routes and grants", () => {
  const { app, dispose } = testApp();
  const stage = getStage("dev");
  const stateful = new StatefulStack(app, "Test-Stateful", { stage, env: { region: stage.region } });
  const futureRoutes: RouteDefinition[] = [
    ...routes,
    { method: "GET", path: "/v1/me/future", function: "health", auth: true },
    { method: "GET", path: "/v1/me/future/{itemId}", function: "health", auth: true },
  ];
  const stateless = new StatelessStack(app, "Test-Stateless", {
    stage,
    stateful,
    env: { region: stage.region },
    routes: futureRoutes,
    grants: {
      ...functionGrants,
      health: {
        tables: { [accountsTable.id]: { actions: ["GetItem"] }, [billsTable.id]: { actions: ["PutItem"] } },
      },
    },
  });
  const template = Template.fromStack(stateless);
  const methods = methodsByRoute(template);
  afterAll(dispose);

  it("throttles enrollment routes tighter than the stage", () => {
    template.hasResourceProperties("AWS::ApiGateway::Stage", {
      MethodSettings: Match.arrayWith([
        Match.objectLike({
          HttpMethod: "POST",
          ResourcePath: "/~1v1~1enrollment~1verifications",
          ThrottlingRateLimit: stage.api.enrollmentThrottle.rateLimit,
          ThrottlingBurstLimit: stage.api.enrollmentThrottle.burstLimit,
        }),
      ]),
    });
  });

  it("checks new signed-in routes with the one Lambda authorizer; their fallback needs no sign-in", () => {
    template.resourceCountIs("AWS::ApiGateway::Authorizer", 1);
    template.hasResourceProperties("AWS::ApiGateway::Authorizer", { Type: "REQUEST" });
    expect(methods.get("GET /v1/me/future/{itemId}")?.AuthorizationType).toBe("CUSTOM");
    expect(methods.get("ANY /v1/me/future/{itemId}")?.AuthorizationType).toBe("NONE");
  });

  it("gives a resource with a {param} child no {proxy+} sibling, and the {param} its own", () => {
    expect(methods.has("ANY /v1/me/future/{proxy+}")).toBe(false);
    expect(methods.has("ANY /v1/me/future/{itemId}/{proxy+}")).toBe(true);
    expect(methods.has("ANY /v1/me/bills/{proxy+}")).toBe(false);
    expect(methods.has("ANY /v1/me/bills/{billId}/{proxy+}")).toBe(true);
  });

  it("grants tables by definition id and passes their names in their variables", () => {
    const logicalId = stateless.getLogicalId(
      stateless.functions.health.function.node.defaultChild as CfnFunction,
    );
    const variables = template.toJSON().Resources[logicalId].Properties.Environment.Variables as Json;
    expect(variables).toHaveProperty(accountsTable.envVar);
    expect(variables).toHaveProperty(billsTable.envVar);
    const fallbackId = stateless.getLogicalId(
      stateless.functions.fallback.function.node.defaultChild as CfnFunction,
    );
    const fallback = template.toJSON().Resources[fallbackId].Properties.Environment.Variables as Json;
    expect(fallback).not.toHaveProperty(accountsTable.envVar);
    const actions = JSON.stringify(template.findResources("AWS::IAM::Policy"));
    expect(actions).toContain("dynamodb:GetItem");
    expect(actions).toContain("dynamodb:PutItem");
  });
});
