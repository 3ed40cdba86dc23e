import {
  AdminDisableUserCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { customerAuthorizer } from "../../lambdas/adapters/customer-authorizer";
import { customerProfiles } from "../../lambdas/adapters/customer-profiles";
import { createDocumentClient } from "../../lambdas/adapters/dynamodb";
import {
  ACCESS_LOSS_BOUND_SECONDS,
  AUTHORIZER_CACHE_TTL_SECONDS,
} from "../../lambdas/definitions/authorizer";
import { profilesTable, tableName } from "../../lambdas/definitions/tables";
import { LOCAL_CREDENTIALS, LOCAL_PREFIX, LOCAL_REGION } from "../../local/settings";
import { apiWorld } from "../support/api-client";
import { claimsOf } from "../support/jwt";
import { startLocalApi } from "../support/local-api";

/**
 * The contract's "loses API access within 5 minutes, whatever tokens it still holds", on the
 * emulators with real cognito-local tokens: the authorizer's decisions exactly as the handler makes
 * them (customerAuthorizer: the verifier, AdminGetUser on the emulator, the profiles table on
 * DynamoDB Local, both cache layers), on a clock the test moves. And the sign-out route through the
 * local API. cognito-local 5.3 has AdminDisableUser and RevokeToken, but neither AdminUserGlobalSignOut
 * nor GlobalSignOut: there the route's mark is what refuses the tokens.
 */

const { endpoints } = inject("localStack");
let api: { url: string; close(): Promise<void> };
const world = apiWorld(() => api.url);
const cognito = new CognitoIdentityProviderClient({
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
  endpoint: endpoints.cognito.endpoint,
});
const rawDynamo = new DynamoDBClient({
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
  endpoint: endpoints.dynamodb,
});
const ddb = createDocumentClient(rawDynamo);
const PROFILES = tableName(LOCAL_PREFIX, profilesTable);
const PASSWORD = "un mot de passe sûr";
const BOUND_MS = ACCESS_LOSS_BOUND_SECONDS * 1000;
const DECISION_MS = AUTHORIZER_CACHE_TTL_SECONDS * 1000;

interface Tokens {
  readonly id: string;
  readonly access: string;
}

async function signIn(email: string): Promise<Tokens> {
  const out = await cognito.send(
    new InitiateAuthCommand({
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: endpoints.cognito.clientId,
      AuthParameters: { USERNAME: email, PASSWORD },
    }),
  );
  const id = out.AuthenticationResult?.IdToken;
  const access = out.AuthenticationResult?.AccessToken;
  if (!id || !access) throw new Error(`no tokens for ${email}`);
  return { id, access };
}

/** Seeds, verifies, enrolls and confirms through the API; returns the e-mail (the user's name). */
async function enrolled(customerNumber: string): Promise<string> {
  const email = `revoke.${customerNumber}@example.com`;
  await world.seedAccount(customerNumber);
  const verified = await world.verifyBill(customerNumber);
  expect(verified.status).toBe(200);
  expect((await world.enroll(verified.json.verificationToken as string, email, PASSWORD)).status).toBe(201);
  const [link] = await world.confirmationTokensSentTo(email);
  expect((await world.confirm(link as string)).status).toBe(200);
  return email;
}

/** One authorizer instance, as the handler builds it, on a clock that starts now and that the test moves. */
function authorizerAt(startMs: number) {
  let clock = startMs;
  const decisions = customerAuthorizer({ now: () => clock });
  return {
    at(ms: number) {
      clock = ms;
    },
    decide: (token: string) => decisions.authorize(`Bearer ${token}`),
  };
}

async function call(method: string, path: string, token: string) {
  const res = await fetch(`${api.url}${path}`, { method, headers: { Authorization: `Bearer ${token}` } });
  const text = await res.text();
  return { status: res.status, text, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function storedProfile(customerNumber: string) {
  const out = await ddb.send(
    new GetCommand({ TableName: PROFILES, Key: { customerNumber }, ConsistentRead: true }),
  );
  return out.Item as Record<string, unknown> | undefined;
}

/** Customer numbers of this file: 98xxxxx. */
const revoked = "9800010";
const removed = "9800020";
const disabled = "9800030";
const signingOut = "9800040";
const afterMark = "9800050";
const emails: Record<string, string> = {};

beforeAll(async () => {
  api = await startLocalApi();
  for (const customerNumber of [revoked, removed, disabled, signingOut, afterMark]) {
    emails[customerNumber] = await enrolled(customerNumber);
  }
}, 120_000);

afterAll(async () => {
  await api.close();
  world.close();
  cognito.destroy();
  rawDynamo.destroy();
});

/**
 * Both tokens allowed at T0 (and so remembered), the change, then: still allowed just before the
 * decision cache's TTL (the layers are real), refused once ACCESS_LOSS_BOUND_SECONDS have passed.
 */
async function expectRefusedAfterTheBound(
  customerNumber: string,
  change: () => Promise<void>,
  refusal: "unauthorized" | "forbidden",
) {
  const tokens = await signIn(emails[customerNumber] as string);
  const t0 = Date.now();
  const authorizer = authorizerAt(t0);
  for (const token of [tokens.id, tokens.access]) {
    expect(await authorizer.decide(token)).toMatchObject({ outcome: "allow", customerNumber });
  }
  await change();
  authorizer.at(t0 + DECISION_MS - 1);
  for (const token of [tokens.id, tokens.access]) {
    expect((await authorizer.decide(token)).outcome).toBe("allow");
  }
  authorizer.at(t0 + BOUND_MS);
  for (const token of [tokens.id, tokens.access]) {
    expect(await authorizer.decide(token), claimsOf(token).token_use as string).toMatchObject({
      outcome: refusal,
    });
  }
  // And a fresh authorizer instance (nothing remembered) refuses them at once.
  const fresh = authorizerAt(t0);
  for (const token of [tokens.id, tokens.access]) {
    expect((await fresh.decide(token)).outcome).toBe(refusal);
  }
}

describe("a profile that loses its access loses it within ACCESS_LOSS_BOUND_SECONDS, id and access tokens alike", () => {
  it("the profile no longer ACTIVE (revoked by support, closed): 403", async () => {
    await expectRefusedAfterTheBound(
      revoked,
      async () => {
        await ddb.send(
          new UpdateCommand({
            TableName: PROFILES,
            Key: { customerNumber: revoked },
            UpdateExpression: "SET #status = :pending",
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: { ":pending": "PENDING_CONFIRMATION" },
          }),
        );
      },
      "forbidden",
    );
  });

  it("the profile gone: 403", async () => {
    await expectRefusedAfterTheBound(
      removed,
      async () => {
        await ddb.send(new DeleteCommand({ TableName: PROFILES, Key: { customerNumber: removed } }));
      },
      "forbidden",
    );
  });

  it("the Cognito user disabled (AdminDisableUser on cognito-local): 401", async () => {
    await expectRefusedAfterTheBound(
      disabled,
      async () => {
        await cognito.send(
          new AdminDisableUserCommand({
            UserPoolId: endpoints.cognito.userPoolId,
            Username: emails[disabled] as string,
          }),
        );
      },
      "unauthorized",
    );
  });
});

describe("POST /v1/me/sign-out", () => {
  it("204 and the profile marked; every token of an earlier sign-in is refused (401) within the bound", async () => {
    const first = await signIn(emails[signingOut] as string);
    const second = await signIn(emails[signingOut] as string);
    const t0 = Date.now();
    const authorizer = authorizerAt(t0);
    for (const token of [first.id, first.access]) {
      expect((await authorizer.decide(token)).outcome).toBe("allow");
    }

    const before = new Date().toISOString();
    const res = await call("POST", "/v1/me/sign-out", first.id);
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    const mark = (await storedProfile(signingOut))?.tokensRevokedAt as string;
    expect(mark >= before).toBe(true);

    // Through the local API: the tokens it has not seen yet are refused on their first request.
    for (const token of [second.id, second.access, first.access]) {
      const refused = await call("GET", "/v1/me", token);
      expect(refused.status).toBe(401);
      expect((refused.json.error as { code: string }).code).toBe("UNAUTHORIZED");
    }
    // On the moved clock: remembered until the decision cache's TTL, refused from the bound on.
    authorizer.at(t0 + DECISION_MS - 1);
    expect((await authorizer.decide(first.access)).outcome).toBe("allow");
    authorizer.at(t0 + BOUND_MS);
    for (const token of [first.id, first.access, second.id, second.access]) {
      expect(await authorizer.decide(token)).toEqual({ outcome: "unauthorized", reason: "token revoked" });
    }

    // Repeating it changes nothing: the mark only moves forward.
    const again = await call("POST", "/v1/me/sign-out", first.id);
    expect([204, 401]).toContain(again.status);
    expect(((await storedProfile(signingOut))?.tokensRevokedAt as string) >= mark).toBe(true);
  });

  it("a sign-in after the mark gets in", async () => {
    const profiles = customerProfiles(ddb, PROFILES);
    // The mark a few seconds ago (the claims are whole seconds; see authorize.ts).
    expect(await profiles.revokeTokens(afterMark, new Date(Date.now() - 3_000))).toBe(true);
    const tokens = await signIn(emails[afterMark] as string);
    for (const token of [tokens.id, tokens.access]) {
      expect((await call("GET", "/v1/me", token)).status).toBe(200);
    }
  });

  it("401 without a token, as every signed-in route", async () => {
    const res = await fetch(`${api.url}/v1/me/sign-out`, { method: "POST" });
    expect(res.status).toBe(401);
  });
});

describe("customerProfiles.revokeTokens (the mark's conditional write)", () => {
  it("never moves a mark back, and never creates a profile", async () => {
    const profiles = customerProfiles(ddb, PROFILES);
    const later = new Date(Date.now() + 60_000);
    expect(await profiles.revokeTokens(afterMark, later)).toBe(true);
    expect(await profiles.revokeTokens(afterMark, new Date(later.getTime() - 1))).toBe(true);
    expect((await storedProfile(afterMark))?.tokensRevokedAt).toBe(later.toISOString());
    expect(await profiles.revokeTokens("9800099", later)).toBe(false);
    expect(await storedProfile("9800099")).toBeUndefined();
    expect((await profiles.get(afterMark))?.tokensRevokedAt).toBe(later.toISOString());
  });
});
