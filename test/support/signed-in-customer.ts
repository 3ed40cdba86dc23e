import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { expect, inject } from "vitest";
import { createDocumentClient } from "../../lambdas/adapters/dynamodb";
import { profilesTable, tableName } from "../../lambdas/definitions/tables";
import { LOCAL_CREDENTIALS, LOCAL_PREFIX, LOCAL_REGION } from "../../local/settings";
import type { apiWorld } from "./api-client";

export const PASSWORD = "un mot de passe sûr";

/**
 * A customer enrolled and confirmed through the API, signed in on cognito-local, and what the tests
 * of a profile's removal look at: the profile as stored, the API called with a token.
 */
export function signedInCustomers(world: ReturnType<typeof apiWorld>, apiUrl: () => string) {
  const { endpoints } = inject("localStack");
  const cognito = new CognitoIdentityProviderClient({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint: endpoints.cognito.endpoint,
  });
  const raw = new DynamoDBClient({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint: endpoints.dynamodb,
  });
  const ddb = createDocumentClient(raw);

  /** Verifies (bill), enrolls and confirms; the account must be seeded. */
  async function enrollAndConfirm(customerNumber: string, email: string): Promise<void> {
    const verified = await world.verifyBill(customerNumber);
    expect(verified.status).toBe(200);
    expect((await world.enroll(verified.json.verificationToken as string, email, PASSWORD)).status).toBe(201);
    const links = await world.confirmationTokensSentTo(email);
    expect((await world.confirm(links.at(-1) as string)).status).toBe(200);
  }

  return {
    enrollAndConfirm,
    async signIn(email: string): Promise<{ id: string; access: string }> {
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
    },
    async call(method: string, path: string, token: string) {
      const res = await fetch(`${apiUrl()}${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}` },
      });
      const text = await res.text();
      return { status: res.status, text, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    },
    async profile(customerNumber: string): Promise<Record<string, unknown> | undefined> {
      const out = await ddb.send(
        new GetCommand({
          TableName: tableName(LOCAL_PREFIX, profilesTable),
          Key: { customerNumber },
          ConsistentRead: true,
        }),
      );
      return out.Item as Record<string, unknown> | undefined;
    },
    close() {
      cognito.destroy();
      raw.destroy();
    },
  };
}
