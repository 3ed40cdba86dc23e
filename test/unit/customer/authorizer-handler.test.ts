import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
} from "@aws-sdk/client-cognito-identity-provider";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayTokenAuthorizerEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { routes } from "../../../lambdas/definitions/routes";
import { policyAllows } from "../../../lambdas/middleware/authorizer-policy";

/**
 * The authorizer's handler as API Gateway invokes it in AWS: aws-jwt-verify's CognitoJwtVerifier
 * (mocked: its own behaviour is tested against real keys in token-verifier.test.ts), DynamoDB and
 * Cognito through mocked clients.
 */
const verify = vi.fn();
const create = vi.fn(() => ({ verify }));
vi.mock("aws-jwt-verify", async (original) => ({
  ...(await original<typeof import("aws-jwt-verify")>()),
  CognitoJwtVerifier: { create },
}));

const ddb = mockClient(DynamoDBDocumentClient);
const cognito = mockClient(CognitoIdentityProviderClient);
const methodArn = "arn:aws:execute-api:ca-central-1:123456789012:abc123/prod/GET/v1/me/bills";
const event = (authorizationToken: string): APIGatewayTokenAuthorizerEvent => ({
  type: "TOKEN",
  authorizationToken,
  methodArn,
});

let handler: typeof import("../../../lambdas/handlers/authorizer").handler;
beforeAll(async () => {
  Object.assign(process.env, {
    AWS_REGION: "ca-central-1",
    USER_POOL_ID: "ca-central-1_Pool1",
    USER_POOL_CLIENT_ID: "web-client",
    PROFILES_TABLE: "test-Profiles",
  });
  delete process.env.LOCAL_TOKEN_ISSUER;
  ({ handler } = await import("../../../lambdas/handlers/authorizer"));
});

beforeEach(() => {
  verify.mockReset();
  ddb.reset();
  cognito.reset();
  ddb.on(GetCommand, { Key: { customerNumber: "9600010" } }).resolves({
    Item: { customerNumber: "9600010", status: "ACTIVE", email: "alice@example.com" },
  });
  ddb.on(GetCommand, { Key: { customerNumber: "9600030" } }).resolves({
    Item: { customerNumber: "9600030", status: "PENDING_CONFIRMATION", email: "p@example.com" },
  });
});

describe("the authorizer handler (AWS configuration)", () => {
  it("verifies with CognitoJwtVerifier for the stage's pool and web client, id and access tokens alike", () => {
    expect(create).toHaveBeenCalledWith({
      userPoolId: "ca-central-1_Pool1",
      tokenUse: null,
      clientId: "web-client",
    });
  });

  it("allows an id token: the customer number in the context, a policy for every signed-in route", async () => {
    verify.mockResolvedValue({
      token_use: "id",
      sub: "sub-a",
      exp: 2_000_000_000,
      email: "alice@example.com",
      "custom:customerNumber": "9600010",
    });
    const result = await handler(event("Bearer header.payload.signature"));
    expect(verify).toHaveBeenCalledWith("header.payload.signature");
    expect(result.principalId).toBe("sub-a");
    expect(result.context).toEqual({ customerNumber: "9600010" });
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
    expect(cognito.commandCalls(AdminGetUserCommand)).toHaveLength(0);
  });

  it("maps an access token through AdminGetUser once per user, then from its cache", async () => {
    verify.mockResolvedValue({ token_use: "access", sub: "sub-a", username: "user-a", exp: 2_000_000_000 });
    cognito.on(AdminGetUserCommand).resolves({
      Username: "user-a",
      Enabled: true,
      UserAttributes: [
        { Name: "email", Value: "alice@example.com" },
        { Name: "custom:customerNumber", Value: "9600010" },
      ],
    });
    for (let i = 0; i < 3; i++) {
      expect((await handler(event("Bearer a.b.c"))).context).toEqual({ customerNumber: "9600010" });
    }
    const calls = cognito.commandCalls(AdminGetUserCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({ UserPoolId: "ca-central-1_Pool1", Username: "user-a" });
  });

  it("throws Unauthorized (API Gateway's 401) for a token the verifier refuses, or no bearer at all", async () => {
    const { JwtExpiredError } = await import("aws-jwt-verify/error");
    verify.mockRejectedValue(new JwtExpiredError("expired", 1));
    await expect(handler(event("Bearer a.b.c"))).rejects.toThrow(/^Unauthorized$/);
    await expect(handler(event("Basic abc"))).rejects.toThrow(/^Unauthorized$/);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });

  it("denies (API Gateway's 403) a valid token of an account whose profile is not ACTIVE", async () => {
    verify.mockResolvedValue({
      token_use: "id",
      sub: "sub-p",
      exp: 2_000_000_000,
      email: "p@example.com",
      "custom:customerNumber": "9600030",
    });
    const result = await handler(event("Bearer a.b.c"));
    expect(result.policyDocument.Statement[0]?.Effect).toBe("Deny");
    expect(result.context).toBeUndefined();
    expect(policyAllows(result, methodArn)).toBe(false);
  });

  it("lets a JWKS outage surface as an error (a 500), not a 401", async () => {
    const { FetchError } = await import("aws-jwt-verify/error");
    verify.mockRejectedValue(new FetchError("https://cognito-idp/jwks", "timeout"));
    await expect(handler(event("Bearer a.b.c"))).rejects.toThrow(/timeout/);
  });
});
