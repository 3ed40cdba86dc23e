import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { localEnv } from "../../../lambdas/definitions/environment";
import { tables } from "../../../lambdas/definitions/tables";

/**
 * The verifications function starts reading the pepper at init (module load). A failed read there
 * must not crash the init, nor stick: the first request reads it again, and answers the contract's
 * 503 (with Retry-After) while Secrets Manager is down, never a 500 or a crashed function.
 */

const KEY = "0123456789abcdef0123456789abcdef";
const environment: Record<string, string> = {
  PEPPER_SECRET_NAME: "enrollment-test/access-code-pepper",
  AWS_REGION: "ca-central-1",
  ...Object.fromEntries(tables.map((table) => [table.envVar, `test-${table.id}`])),
};
const context = { awsRequestId: "test", getRemainingTimeInMillis: () => 5000 } as unknown as Context;

function verification(): APIGatewayProxyEvent {
  return {
    resource: "/v1/enrollment/verifications",
    path: "/v1/enrollment/verifications",
    httpMethod: "POST",
    headers: { "Content-Type": "application/json", "Accept-Language": "en" },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: JSON.stringify({ method: "bill", customerNumber: "1234567", accessCode: "12345" }),
    isBase64Encoded: false,
    requestContext: {} as APIGatewayProxyEvent["requestContext"],
  };
}

const throttled = Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });

describe("the pepper read at init", () => {
  let secrets: ReturnType<typeof mockClient>;
  beforeEach(() => {
    vi.resetModules();
    for (const [name, value] of Object.entries(environment)) vi.stubEnv(name, value);
    // A local key file wins over Secrets Manager: the integration tier's global setup sets these in
    // the shared test process, where they would make these tests read a file instead.
    vi.stubEnv(localEnv.pepperFile, undefined);
    vi.stubEnv(localEnv.confirmationKeyFile, undefined);
    secrets = mockClient(SecretsManagerClient);
  });
  afterEach(() => {
    secrets.restore();
    vi.unstubAllEnvs();
  });

  async function loadHandler() {
    const module = (await import("../../../lambdas/handlers/verifications")) as {
      handler: (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
    };
    // Let the init's read settle, as it would before Lambda hands the function its first request.
    await new Promise((resolve) => setTimeout(resolve, 10));
    return module.handler;
  }

  it("is started by loading the function, before any request", async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: KEY });
    await loadHandler();
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it("failing, leaves the function up; a request while Secrets Manager is down answers 503 in the contract's shape", async () => {
    secrets.on(GetSecretValueCommand).rejects(throttled);
    const handler = await loadHandler();
    const response = await handler(verification(), context);
    expect(response.statusCode).toBe(503);
    expect(response.headers?.["Retry-After"]).toBe("2");
    expect(JSON.parse(response.body)).toEqual({
      error: { code: "SERVICE_UNAVAILABLE", message: expect.any(String) },
    });
    // Read again by the request: the init's failure was not kept.
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it("failing once, is read again by the first request that needs it", async () => {
    secrets.on(GetSecretValueCommand).rejectsOnce(throttled).resolves({ SecretString: KEY });
    await loadHandler();
    const { loadPepper } = await import("../../../lambdas/adapters/pepper");
    expect((await loadPepper()).current).toBe("1");
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });
});
