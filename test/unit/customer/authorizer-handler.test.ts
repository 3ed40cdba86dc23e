import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
} from "@aws-sdk/client-cognito-identity-provider";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent, Context } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { routes } from "../../../lambdas/definitions/routes";
import { policyAllows } from "../../../lambdas/middleware/authorizer-policy";

/**
 * The authorizer's handler as API Gateway invokes it in AWS: aws-jwt-verify's CognitoJwtVerifier
 * (mocked: its own behaviour is tested against real keys in token-verifier.test.ts), DynamoDB and
 * Cognito through mocked clients.
 */
const verify = vi.fn();
/** The JWKS fetch the handler starts at init: it fails here, which must change nothing below. */
const hydrate = vi.fn(async () => {
  throw new Error("JWKS unreachable at init");
});
const create = vi.fn(() => ({ verify, hydrate }));
vi.mock("aws-jwt-verify", async (original) => ({
  ...(await original<typeof import("aws-jwt-verify")>()),
  CognitoJwtVerifier: { create },
}));

const ddb = mockClient(DynamoDBDocumentClient);
const cognito = mockClient(CognitoIdentityProviderClient);
const methodArn = "arn:aws:execute-api:ca-central-1:123456789012:abc123/prod/GET/v1/me/bills";
/** The REQUEST event API Gateway sends (no identity source: every request, header or not). */
const event = (authorization?: string): APIGatewayRequestAuthorizerEvent =>
  ({
    type: "REQUEST",
    methodArn,
    resource: "/v1/me/bills",
    path: "/v1/me/bills",
    httpMethod: "GET",
    headers: authorization === undefined ? {} : { authorization },
    requestContext: { requestId: "api-request-1" },
  }) as unknown as APIGatewayRequestAuthorizerEvent;
const lambda = (awsRequestId: string, functionName = "prod-authorizer") =>
  ({ functionName, awsRequestId, getRemainingTimeInMillis: () => 5000 }) as unknown as Context;
const context = lambda("authorizer-invocation-1");
const idClaims = (sub: string, customerNumber: string, email: string) => ({
  token_use: "id",
  sub,
  "cognito:username": `user-${sub}`,
  exp: 2_000_000_000,
  email,
  "custom:customerNumber": customerNumber,
});
/** The pool's users of the id tokens above (user-<sub>), enabled. */
const poolUsers: Record<string, { customerNumber: string; email: string }> = {
  "user-sub-a": { customerNumber: "9600010", email: "alice@example.com" },
  "user-sub-p": { customerNumber: "9600030", email: "p@example.com" },
  "user-sub-n": { customerNumber: "9600050", email: "n@example.com" },
};

let handler: typeof import("../../../lambdas/handlers/authorizer").handler;
beforeAll(async () => {
  Object.assign(process.env, {
    AWS_REGION: "ca-central-1",
    USER_POOL_ID: "ca-central-1_Pool1",
    USER_POOL_CLIENT_ID: "web-client",
    PROFILES_TABLE: "test-Profiles",
    // Its log lines are read below (and kept off the terminal).
    POWERTOOLS_LOG_LEVEL: "INFO",
  });
  delete process.env.LOCAL_TOKEN_ISSUER;
  ({ handler } = await import("../../../lambdas/handlers/authorizer"));
});

it("fetches the pool's keys at init, before any token (its failure only logged)", () => {
  expect(hydrate).toHaveBeenCalledTimes(1);
});

let logLines: Record<string, unknown>[] = [];
beforeEach(() => {
  logLines = [];
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, "write").mockImplementation((chunk: string | Uint8Array) => {
      for (const line of String(chunk).split("\n").filter(Boolean)) logLines.push(JSON.parse(line));
      return true;
    });
  }
});
afterEach(() => vi.restoreAllMocks());

const profile = (customerNumber: string, status: string, email: string) =>
  ddb.on(GetCommand, { Key: { customerNumber } }).resolves({ Item: { customerNumber, status, email } });

beforeEach(() => {
  verify.mockReset();
  ddb.reset();
  cognito.reset();
  profile("9600010", "ACTIVE", "alice@example.com");
  profile("9600030", "PENDING_CONFIRMATION", "p@example.com");
  cognito.on(AdminGetUserCommand).callsFake(async (input: { Username: string }) => {
    const user = poolUsers[input.Username];
    if (!user) throw Object.assign(new Error("User does not exist."), { name: "UserNotFoundException" });
    return {
      Username: input.Username,
      Enabled: true,
      UserAttributes: [
        { Name: "email", Value: user.email },
        { Name: "custom:customerNumber", Value: user.customerNumber },
      ],
    };
  });
});

/** Every signed-in route is allowed by the policy, and nothing else. */
function expectSignedInPolicy(result: APIGatewayAuthorizerResult) {
  for (const route of routes.filter((r) => r.auth)) {
    const arn = `arn:aws:execute-api:ca-central-1:123456789012:abc123/prod/${route.method}${route.path.replace("{billId}", "B-1")}`;
    expect(policyAllows(result, arn), arn).toBe(true);
  }
  for (const route of routes.filter((r) => !r.auth)) {
    expect(
      policyAllows(
        result,
        `arn:aws:execute-api:ca-central-1:123456789012:abc123/prod/${route.method}${route.path}`,
      ),
    ).toBe(false);
  }
  expect(policyAllows(result, "arn:aws:execute-api:ca-central-1:123456789012:other/prod/GET/v1/me")).toBe(
    false,
  );
}

describe("the authorizer handler (AWS configuration)", () => {
  it("verifies with CognitoJwtVerifier for the stage's pool and web client, id and access tokens alike", () => {
    expect(create).toHaveBeenCalledWith({
      userPoolId: "ca-central-1_Pool1",
      tokenUse: null,
      clientId: "web-client",
    });
  });

  it("allows an id token: the customer number in the context, a policy for every signed-in route", async () => {
    verify.mockResolvedValue(idClaims("sub-a", "9600010", "alice@example.com"));
    const result = await handler(event("Bearer header.payload.signature"), context);
    expect(verify).toHaveBeenCalledWith("header.payload.signature");
    expect(result.principalId).toBe("sub-a");
    expect(result.context).toEqual({ outcome: "allow", customerNumber: "9600010" });
    expectSignedInPolicy(result);
    // Its user asked about once: a user disabled or deleted in the pool loses access with its id tokens too.
    const calls = cognito.commandCalls(AdminGetUserCommand);
    expect(calls.map((call) => call.args[0].input)).toEqual([
      { UserPoolId: "ca-central-1_Pool1", Username: "user-sub-a" },
    ]);
  });

  it("an id token of a user the pool disabled is an Allow that says unauthorized", async () => {
    verify.mockResolvedValue({ ...idClaims("sub-d", "9600010", "alice@example.com") });
    cognito.on(AdminGetUserCommand, { Username: "user-sub-d" }).resolves({
      Username: "user-sub-d",
      Enabled: false,
      UserAttributes: [
        { Name: "email", Value: "alice@example.com" },
        { Name: "custom:customerNumber", Value: "9600010" },
      ],
    });
    const result = await handler(event("Bearer d.d.d"), context);
    expect(result.context).toEqual({ outcome: "unauthorized" });
    expectSignedInPolicy(result);
  });

  it("maps an access token through AdminGetUser once per user, then from its cache", async () => {
    verify.mockImplementation(async (token: string) => ({
      token_use: "access",
      sub: "sub-a",
      username: "user-a",
      exp: 2_000_000_000,
      jti: token,
    }));
    cognito.on(AdminGetUserCommand).resolves({
      Username: "user-a",
      Enabled: true,
      UserAttributes: [
        { Name: "email", Value: "alice@example.com" },
        { Name: "custom:customerNumber", Value: "9600010" },
      ],
    });
    for (const token of ["a.b.c", "a.b.d", "a.b.e"]) {
      expect((await handler(event(`Bearer ${token}`), context)).context).toEqual({
        outcome: "allow",
        customerNumber: "9600010",
      });
    }
    const calls = cognito.commandCalls(AdminGetUserCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({ UserPoolId: "ca-central-1_Pool1", Username: "user-a" });
  });

  it("never refuses: no header, another scheme or a refused token are Allows that say unauthorized", async () => {
    const { JwtExpiredError } = await import("aws-jwt-verify/error");
    verify.mockRejectedValue(new JwtExpiredError("expired", 1));
    for (const authorization of [undefined, "", "Basic abc", "Bearer expired.b.c"]) {
      const result = await handler(event(authorization), context);
      expect(result.context).toEqual({ outcome: "unauthorized" });
      // The route's function answers the 401 (a gateway response cannot localize it, nor test Origin).
      expectSignedInPolicy(result);
    }
    expect(verify).toHaveBeenCalledTimes(1);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });

  it("a valid token of an account whose profile is not ACTIVE is an Allow that says forbidden, without the customer number", async () => {
    verify.mockResolvedValue(idClaims("sub-p", "9600030", "p@example.com"));
    const result = await handler(event("Bearer p.p.p"), context);
    expect(result.context).toEqual({ outcome: "forbidden" });
    expect(result.principalId).toBe("sub-p");
    expectSignedInPolicy(result);
  });

  it("remembers an allow, never a refusal: the token of a customer who has just confirmed gets in at once", async () => {
    verify.mockResolvedValue(idClaims("sub-n", "9600050", "n@example.com"));
    profile("9600050", "PENDING_CONFIRMATION", "n@example.com");
    expect((await handler(event("Bearer n.n.n"), context)).context).toEqual({ outcome: "forbidden" });
    expect((await handler(event("Bearer n.n.n"), context)).context).toEqual({ outcome: "forbidden" });
    // The customer confirms: the same token, the very next request.
    profile("9600050", "ACTIVE", "n@example.com");
    expect((await handler(event("Bearer n.n.n"), context)).context).toEqual({
      outcome: "allow",
      customerNumber: "9600050",
    });
    const reads = ddb.commandCalls(GetCommand).length;
    expect(reads).toBe(3);
    // Allowed: remembered (no verification, no profile read), on any signed-in route.
    await handler(event("Bearer n.n.n"), context);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(reads);
    expect(verify).toHaveBeenCalledTimes(3);
  });

  it("a JWKS outage is an Allow that says unavailable (the route's 503), not a 401 nor API Gateway's 500", async () => {
    const { FetchError } = await import("aws-jwt-verify/error");
    verify.mockRejectedValue(new FetchError("https://cognito-idp/jwks", "timeout"));
    const result = await handler(event("Bearer x.y.z"), context);
    expect(result.context).toEqual({ outcome: "unavailable", retryAfter: 2 });
    expectSignedInPolicy(result);
  });

  it("writes its decision with its own function name and request id, whatever ran before it, and no token", async () => {
    // Imported here: the logger is made once per process, at the level set in beforeAll.
    const { logger } = await import("../../../lambdas/adapters/observability");
    const { httpApi } = await import("../../../lambdas/middleware/http-api");
    const other = httpApi({}, async () => {
      logger.info("a route's line");
      return { statusCode: 200, body: {} };
    });
    await other({ headers: {}, requestContext: {} } as never, lambda("route-invocation", "prod-me"));
    verify.mockResolvedValue(idClaims("sub-a", "9600010", "alice@example.com"));
    await handler(event("Bearer logged.token.value"), lambda("authorizer-invocation-2"));
    const decision = logLines.find((line) => line.message === "authorizer decision");
    expect(decision).toMatchObject({
      function_name: "prod-authorizer",
      function_request_id: "authorizer-invocation-2",
      apiRequestId: "api-request-1",
      outcome: "allow",
      customer: "96****0",
    });
    expect(JSON.stringify(logLines)).not.toContain("logged.token.value");
  });
});
