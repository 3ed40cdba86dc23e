import { bundling, handlerEntry } from "../lambdas/definitions/bundling";
import { type ApiFunctionName, apiFunctions, routes } from "../lambdas/definitions/routes";
import type { SdkClientPackage } from "./floors";
import { apiGatewayEvent } from "./lib/api-event";

/** One Lambda function as the benchmarks see it. */
export interface BenchFunction {
  readonly name: string;
  /** Entry module under lambdas/handlers/, without extension (as in routes.ts). */
  readonly entry: string;
  /** The AWS SDK client packages the function uses: they make its floor (see floors.ts). */
  readonly sdkClients: readonly SdkClientPackage[];
  /** The event of the measured first invocation; JSON, since it is handed to a child process. */
  readonly firstEvent: unknown;
  /** A human label of that event, e.g. "GET /v1/health". */
  readonly firstEventLabel: string;
}

/**
 * SDK clients of each API function. Partial on purpose: a function added to routes.ts without an
 * entry here still builds and runs (with the empty floor), and the cold-start section warns when
 * the bundle holds SDK packages that its floor lacks; it does not break the type check of whoever
 * adds the function.
 */
const ddb: readonly SdkClientPackage[] = ["@aws-sdk/lib-dynamodb"];
const apiSdkClients: Partial<Record<ApiFunctionName, readonly SdkClientPackage[]>> = {
  health: [],
  fallback: [],
  openapi: [],
  verifications: [...ddb, "@aws-sdk/client-secrets-manager", "@aws-sdk/client-sqs"],
  enrollments: [
    ...ddb,
    "@aws-sdk/client-secrets-manager",
    "@aws-sdk/client-cognito-identity-provider",
    "@aws-sdk/client-sesv2",
  ],
  // Confirmation e-mails the new profile (SES); me removes a profile (Cognito) and e-mails it (SES).
  confirmation: [...ddb, "@aws-sdk/client-cognito-identity-provider", "@aws-sdk/client-sesv2"],
  me: [...ddb, "@aws-sdk/client-cognito-identity-provider", "@aws-sdk/client-sesv2"],
  meExport: ddb,
  meBills: [...ddb, "@aws-sdk/client-s3"],
  meContract: [...ddb, "@aws-sdk/client-s3"],
};

/** A path no route serves: what the catch-all function (fallback) answers with a 404. */
const unroutedPath = "/v1/bench/unrouted";

/** GET of the function's route path (its GET route if it has one); the catch-all gets an unrouted path. */
function apiFirstEvent(name: ApiFunctionName): { event: unknown; label: string } {
  const own = routes.filter((route) => route.function === name);
  const route = own.find((r) => r.method === "GET") ?? own[0];
  if (route === undefined) {
    const event = apiGatewayEvent({
      method: "GET",
      path: unroutedPath,
      resource: "/{proxy+}",
      pathParameters: { proxy: unroutedPath.slice(1) },
      auth: false,
    });
    return { event, label: `GET ${unroutedPath}` };
  }
  // Path parameters get a placeholder value; the route's own handler decides what that answers.
  const parameterNames = [...route.path.matchAll(/\{([^}+]+)\+?\}/g)].map((m) => m[1] as string);
  const path = route.path.replace(/\{[^}]+\}/g, "bench");
  const event = apiGatewayEvent({
    method: route.method,
    path,
    resource: route.path,
    pathParameters:
      parameterNames.length > 0 ? Object.fromEntries(parameterNames.map((n) => [n, "bench"])) : null,
    auth: route.auth,
  });
  return { event, label: `${route.method} ${path}` };
}

const apiBenchFunctions: BenchFunction[] = (Object.keys(apiFunctions) as ApiFunctionName[]).map((name) => {
  const { event, label } = apiFirstEvent(name);
  return {
    name,
    entry: apiFunctions[name].entry,
    sdkClients: apiSdkClients[name] ?? [],
    firstEvent: event,
    firstEventLabel: label,
  };
});

/**
 * Functions outside the HTTP API (queue consumers, schedules, custom resources): list them here
 * with the event their first invocation gets. Not listed: the notice dispatcher and the enrollment
 * sweeper, scheduled functions whose every invocation calls AWS at once (SendMessageBatch, Query),
 * which their SDK-only floor never does, so their cold-start ratio would measure the SDK's first call
 * (BENCHMARKS.md, "What these figures are not"), and nobody waits on their cold start. E.g.
 *   { name: "notice-sender", entry: "notice-sender", sdkClients: ["@aws-sdk/client-sesv2"],
 *     firstEvent: { Records: [] }, firstEventLabel: "SQS, empty batch" }
 */
const otherFunctions: BenchFunction[] = [
  {
    name: "authorizer",
    entry: "authorizer",
    sdkClients: [...ddb, "@aws-sdk/client-cognito-identity-provider"],
    firstEvent: {
      type: "REQUEST",
      methodArn: "arn:aws:execute-api:ca-central-1:000000000000:api/v1/GET/v1/me",
      resource: "/v1/me",
      path: "/v1/me",
      httpMethod: "GET",
      headers: { Authorization: "Bearer not-a-jwt" },
      requestContext: { requestId: "bench" },
    },
    firstEventLabel: "REQUEST, malformed token",
  },
  {
    name: "notice-sender",
    entry: "notice-sender",
    sdkClients: [...ddb, "@aws-sdk/client-sesv2", "@aws-sdk/client-sqs"],
    firstEvent: { Records: [] },
    firstEventLabel: "SQS, empty batch",
  },
  {
    name: "step-up-codes",
    entry: "step-up-codes",
    sdkClients: [...ddb, "@aws-sdk/client-sesv2", "@aws-sdk/client-secrets-manager"],
    firstEvent: { Records: [] },
    firstEventLabel: "SQS, empty batch",
  },
  {
    name: "notice-dispatch-worker",
    entry: "notice-dispatch-worker",
    sdkClients: [...ddb, "@aws-sdk/client-sqs"],
    firstEvent: { Records: [] },
    firstEventLabel: "SQS, empty batch",
  },
  {
    name: "ses-events",
    entry: "ses-events",
    sdkClients: ddb,
    firstEvent: { detail: { eventType: "Delivery" } },
    firstEventLabel: "EventBridge, a delivery (ignored)",
  },
];

export const benchFunctions: readonly BenchFunction[] = [...apiBenchFunctions, ...otherFunctions];

/** The entry file of a function, relative to the repository root (the bundling module's rule). */
export function entryPath(fn: BenchFunction): string {
  return handlerEntry(fn.entry);
}

/** Everything the functions run on, as deployed; the child process mimics it where it matters. */
export const runtime = { name: bundling.runtime, architecture: bundling.architecture } as const;
