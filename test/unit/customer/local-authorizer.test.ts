import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayRequestAuthorizerEvent,
  Context,
} from "aws-lambda";
import { describe, expect, it } from "vitest";
import { routes } from "../../../lambdas/definitions/routes";
import { authorizerResult, signedInResources } from "../../../lambdas/middleware/authorizer-policy";
import { createLocalAuthorizer, gatewayError } from "../../../local/signed-in";

const request = (authorization: string | undefined, method = "GET", path = "/v1/me/bills") =>
  ({
    httpMethod: method,
    path,
    resource: path,
    headers: authorization === undefined ? {} : { authorization, "accept-language": "en" },
    requestContext: { requestId: "api-request" },
  }) as unknown as APIGatewayProxyEvent;

const TOKEN = "Bearer aaa.bbb.ccc";

function fakeAuthorizer(decide: (event: APIGatewayRequestAuthorizerEvent) => APIGatewayAuthorizerResult) {
  const calls: { event: APIGatewayRequestAuthorizerEvent; context: Context }[] = [];
  return {
    calls,
    authorizer: async (event: APIGatewayRequestAuthorizerEvent, context: Context) => {
      calls.push({ event, context });
      return decide(event);
    },
  };
}

describe("signedInResources", () => {
  it("names every signed-in route of the API's stage, path parameters as wildcards, and no other", () => {
    const resources = signedInResources("arn:aws:execute-api:ca-central-1:1:api/prod/GET/v1/me");
    expect(resources).toHaveLength(routes.filter((r) => r.auth).length);
    expect(resources).toContain("arn:aws:execute-api:ca-central-1:1:api/prod/GET/v1/me/bills/*");
    expect(resources).toContain("arn:aws:execute-api:ca-central-1:1:api/prod/PATCH/v1/me");
    expect(resources.some((r) => r.includes("enrollment"))).toBe(false);
  });
});

describe("the local adapter's authorizer (API Gateway's behaviour with the stack's REQUEST authorizer)", () => {
  it("invokes the function for every request, header or not, with the request as a REQUEST event", async () => {
    const fake = fakeAuthorizer((event) =>
      authorizerResult(
        { outcome: "allow", principalId: "sub-a", customerNumber: "9600010" },
        event.methodArn,
      ),
    );
    const local = createLocalAuthorizer({ authorizer: fake.authorizer });
    const first = await local.authorize(request(TOKEN));
    expect(first).toEqual({
      allowed: true,
      authorizer: {
        outcome: "allow",
        customerNumber: "9600010",
        principalId: "sub-a",
        integrationLatency: 0,
      },
    });
    await local.authorize(request(TOKEN, "PATCH", "/v1/me"));
    await local.authorize(request(undefined));
    // No cache in front of it (the function keeps its own allows): three requests, three invocations.
    expect(local.invocations()).toBe(3);
    const [one, two, three] = fake.calls;
    expect(one?.event).toMatchObject({
      type: "REQUEST",
      methodArn: "arn:aws:execute-api:ca-central-1:000000000000:local/local/GET/v1/me/bills",
      httpMethod: "GET",
      path: "/v1/me/bills",
      headers: { authorization: TOKEN, "accept-language": "en" },
      requestContext: { requestId: "api-request" },
    });
    expect(two?.event.methodArn).toMatch(/\/PATCH\/v1\/me$/);
    expect(three?.event.headers).toEqual({});
    // Each invocation is its own: the authorizer's function name, a request id of its own.
    expect(one?.context.functionName).toBe("local-authorizer");
    const ids = fake.calls.map((call) => call.context.awsRequestId);
    expect(new Set([...ids, "api-request"]).size).toBe(4);
  });

  it("hands a refusal the function judged to the route, which answers it", async () => {
    const fake = fakeAuthorizer((event) =>
      authorizerResult(
        { outcome: "forbidden", principalId: "sub-p", reason: "profile not active" },
        event.methodArn,
      ),
    );
    const local = createLocalAuthorizer({ authorizer: fake.authorizer });
    expect(await local.authorize(request(TOKEN))).toEqual({
      allowed: true,
      authorizer: { outcome: "forbidden", principalId: "sub-p", integrationLatency: 0 },
    });
  });

  it("403 when the policy does not cover the method asked, 500 when the function fails (gateway responses)", async () => {
    const narrow = fakeAuthorizer((event) => ({
      principalId: "sub-a",
      policyDocument: {
        Version: "2012-10-17",
        Statement: [
          { Action: "execute-api:Invoke", Effect: "Allow", Resource: event.methodArn.replace("bills", "x") },
        ],
      },
    }));
    expect(
      await createLocalAuthorizer({ authorizer: narrow.authorizer }).authorize(request(TOKEN)),
    ).toMatchObject({
      allowed: false,
      result: { statusCode: 403 },
    });
    const failing = createLocalAuthorizer({
      authorizer: async () => {
        throw new Error("crashed");
      },
    });
    const stderr = process.stderr.write;
    process.stderr.write = () => true;
    try {
      expect(await failing.authorize(request(TOKEN))).toMatchObject({
        allowed: false,
        result: { statusCode: 500 },
      });
    } finally {
      process.stderr.write = stderr;
    }
  });

  it("gateway responses carry the stack's headers: the web origin, Retry-After readable", () => {
    const result = gatewayError("INTERNAL_ERROR");
    expect(result.headers).toMatchObject({
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      "Access-Control-Allow-Origin": "http://localhost:5173",
      "Access-Control-Expose-Headers": "Retry-After",
    });
  });
});
