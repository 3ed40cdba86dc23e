import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { beforeAll, describe, expect, it } from "vitest";
import { errors } from "../../../lambdas/definitions/error-codes";
import { apiFunctions, routes } from "../../../lambdas/definitions/routes";
import { billsTable, contractsTable, profilesTable } from "../../../lambdas/definitions/tables";

/**
 * The authorizer never refuses (it Allows and says what it judged): every signed-in route's handler
 * answers the refusal itself, before reading anything, in the request's language and with CORS for
 * the web origin only. This is what makes the 401 and 403 right on AWS, where a gateway response
 * could do neither.
 */
type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
const webOrigin = "http://localhost:5173";
const context = { functionName: "test", awsRequestId: "test" } as unknown as Context;
const signedIn = routes.filter((route) => route.auth);
const handlers = new Map<string, ProxyHandler>();

beforeAll(async () => {
  Object.assign(process.env, {
    AWS_REGION: "ca-central-1",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    [profilesTable.envVar]: "test-Profiles",
    [billsTable.envVar]: "test-Bills",
    [contractsTable.envVar]: "test-Contracts",
    // An endpoint nothing listens on: a handler that read before refusing would fail the test.
    AWS_ENDPOINT_URL: "http://127.0.0.1:9",
  });
  for (const route of signedIn) {
    const entry = apiFunctions[route.function].entry;
    const module = (await import(`../../../lambdas/handlers/${entry}.ts`)) as { handler: ProxyHandler };
    handlers.set(entry, module.handler);
  }
});

function event(
  route: (typeof signedIn)[number],
  authorizer: Record<string, unknown> | null,
  headers: Record<string, string>,
): APIGatewayProxyEvent {
  const path = route.path.replace("{billId}", "B-1");
  return {
    resource: route.path,
    path,
    httpMethod: route.method,
    headers: { ...headers, ...(route.method === "PATCH" ? { "Content-Type": "application/json" } : {}) },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: route.path.includes("{billId}") ? { billId: "B-1" } : null,
    stageVariables: null,
    body: route.method === "PATCH" ? '{"billing":"paper"}' : null,
    isBase64Encoded: false,
    requestContext: { requestId: "r", authorizer } as unknown as APIGatewayProxyEvent["requestContext"],
  };
}

const judgements: [string, Record<string, unknown> | null, keyof typeof errors, number][] = [
  ["no authorizer context at all", null, "UNAUTHORIZED", 401],
  ["unauthorized", { outcome: "unauthorized", principalId: "anonymous" }, "UNAUTHORIZED", 401],
  ["allow without a customer number", { outcome: "allow" }, "UNAUTHORIZED", 401],
  ["a customer number but no allow", { customerNumber: "9600010" }, "UNAUTHORIZED", 401],
  ["forbidden", { outcome: "forbidden", principalId: "sub-p" }, "FORBIDDEN", 403],
  ["unavailable", { outcome: "unavailable", retryAfter: "3" }, "SERVICE_UNAVAILABLE", 503],
];

describe("every signed-in route answers the authorizer's refusals itself", () => {
  for (const route of signedIn) {
    for (const [label, authorizer, code, status] of judgements) {
      it(`${route.method} ${route.path}, ${label}: ${status} ${code}, localized, CORS for the web origin only`, async () => {
        const handler = handlers.get(apiFunctions[route.function].entry) as ProxyHandler;
        const en = await handler(
          event(route, authorizer, { "Accept-Language": "en", Origin: webOrigin }),
          context,
        );
        expect(en.statusCode).toBe(status);
        expect(JSON.parse(en.body)).toEqual({ error: { code, message: errors[code].en } });
        expect(en.headers).toMatchObject({
          "Access-Control-Allow-Origin": webOrigin,
          "Access-Control-Expose-Headers": "Retry-After",
          "Cache-Control": "no-store",
        });
        if (code === "SERVICE_UNAVAILABLE") expect(en.headers?.["Retry-After"]).toBe("3");

        const fr = await handler(event(route, authorizer, { Origin: "https://evil.example" }), context);
        expect(JSON.parse(fr.body).error.message).toBe(errors[code].fr);
        const none = await handler(event(route, authorizer, { "Accept-Language": "fr-CA" }), context);
        for (const result of [fr, none]) {
          expect(result.statusCode).toBe(status);
          expect(
            Object.keys(result.headers ?? {}).filter((name) => name.startsWith("Access-Control-")),
          ).toEqual([]);
        }
      });
    }
  }
});
