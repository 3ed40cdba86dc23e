import type { APIGatewayAuthorizerResult, APIGatewayProxyEvent } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { AUTHORIZER_CACHE_TTL_SECONDS } from "../../../lambdas/definitions/authorizer";
import { routes } from "../../../lambdas/definitions/routes";
import { authorizerResult, signedInResources } from "../../../lambdas/middleware/authorizer-policy";
import { createLocalAuthorizer } from "../../../local/signed-in";

const request = (authorization: string | undefined, method = "GET", path = "/v1/me/bills") =>
  ({
    httpMethod: method,
    path,
    headers: authorization === undefined ? {} : { authorization },
  }) as unknown as APIGatewayProxyEvent;

const TOKEN = "Bearer aaa.bbb.ccc";

function fakeAuthorizer(decide: (token: string, methodArn: string) => APIGatewayAuthorizerResult) {
  const calls: string[] = [];
  return {
    calls,
    authorizer: async (event: { authorizationToken: string; methodArn: string }) => {
      calls.push(event.authorizationToken);
      return decide(event.authorizationToken, event.methodArn);
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

describe("the local adapter's authorizer (API Gateway's behaviour)", () => {
  it(`caches a decision per header for ${AUTHORIZER_CACHE_TTL_SECONDS} s, across the signed-in routes`, async () => {
    let clock = 1_000_000;
    const fake = fakeAuthorizer((_, arn) =>
      authorizerResult({ outcome: "allow", principalId: "sub-a", customerNumber: "9600010" }, arn),
    );
    const local = createLocalAuthorizer({ authorizer: fake.authorizer, now: () => clock });
    const first = await local.authorize(request(TOKEN));
    expect(first).toEqual({
      allowed: true,
      authorizer: { customerNumber: "9600010", principalId: "sub-a", integrationLatency: 0 },
    });
    expect(await local.authorize(request(TOKEN, "PATCH", "/v1/me"))).toMatchObject({ allowed: true });
    expect(await local.authorize(request(TOKEN, "GET", "/v1/me/bills/B-1"))).toMatchObject({ allowed: true });
    clock += AUTHORIZER_CACHE_TTL_SECONDS * 1000 - 1;
    await local.authorize(request(TOKEN));
    expect(fake.calls).toHaveLength(1);
    clock += 1;
    await local.authorize(request(TOKEN));
    expect(fake.calls).toHaveLength(2);
    expect(local.invocations()).toBe(2);
  });

  it("401 without invoking the function for no header or one that is not a bearer JWT", async () => {
    const fake = fakeAuthorizer(() => {
      throw new Error("must not be called");
    });
    const local = createLocalAuthorizer({ authorizer: fake.authorizer });
    for (const header of [undefined, "", "Basic abc", "Bearer", "Bearer abc", "Bearer a.b"]) {
      const result = await local.authorize(request(header));
      expect(result.allowed).toBe(false);
      if (!result.allowed) {
        expect(result.result.statusCode).toBe(401);
        expect(JSON.parse(result.result.body)).toEqual({
          error: { code: "UNAUTHORIZED", message: "Authentification requise." },
        });
        expect(result.result.headers).toMatchObject({
          "Cache-Control": "no-store",
          "X-Content-Type-Options": "nosniff",
        });
      }
    }
    expect(fake.calls).toEqual([]);
  });

  it("401 for Unauthorized (not cached), 403 for a Deny (cached), 500 when the function fails", async () => {
    const unauthorized = createLocalAuthorizer({
      authorizer: async () => {
        throw new Error("Unauthorized");
      },
    });
    expect(await unauthorized.authorize(request(TOKEN))).toMatchObject({
      allowed: false,
      result: { statusCode: 401 },
    });
    expect(await unauthorized.authorize(request(TOKEN))).toMatchObject({
      allowed: false,
      result: { statusCode: 401 },
    });
    expect(unauthorized.invocations()).toBe(2);

    const deny = fakeAuthorizer((_, arn) =>
      authorizerResult({ outcome: "forbidden", principalId: "sub-p", reason: "profile not active" }, arn),
    );
    const denying = createLocalAuthorizer({ authorizer: deny.authorizer });
    const denied = await denying.authorize(request(TOKEN));
    expect(denied).toMatchObject({ allowed: false, result: { statusCode: 403 } });
    if (!denied.allowed) expect(JSON.parse(denied.result.body).error.code).toBe("FORBIDDEN");
    await denying.authorize(request(TOKEN, "GET", "/v1/me"));
    expect(deny.calls).toHaveLength(1);

    const failing = createLocalAuthorizer({
      authorizer: async () => {
        throw new Error("JWKS unreachable");
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

  it("403 when a cached policy does not cover the method asked", async () => {
    const narrow = fakeAuthorizer((_, arn) => ({
      principalId: "sub-a",
      policyDocument: {
        Version: "2012-10-17",
        Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: arn }],
      },
      context: { customerNumber: "9600010" },
    }));
    const local = createLocalAuthorizer({ authorizer: narrow.authorizer });
    expect(await local.authorize(request(TOKEN, "GET", "/v1/me"))).toMatchObject({ allowed: true });
    expect(await local.authorize(request(TOKEN, "GET", "/v1/me/bills"))).toMatchObject({
      allowed: false,
      result: { statusCode: 403 },
    });
  });
});
