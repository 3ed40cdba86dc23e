import { readFileSync } from "node:fs";
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { cognitoIdentity } from "../../lambdas/adapters/cognito-identity";
import { createDocumentClient } from "../../lambdas/adapters/dynamodb";
import { enrollmentEmailQuota } from "../../lambdas/adapters/enrollment-quota";
import { profileStore } from "../../lambdas/adapters/profile-store";
import { confirmationTokens, verificationTokens } from "../../lambdas/adapters/security-store";
import { sesClient, sesMailer } from "../../lambdas/adapters/ses-mailer";
import { profilesTable, securityTable } from "../../lambdas/definitions/tables";
import {
  CONFIRMATION_TTL_SECONDS,
  ENROLLMENT_EMAIL_QUOTA,
  enroll,
} from "../../lambdas/domain/enrollment/enroll";
import { currentKey, decodeKeyRing } from "../../lambdas/domain/key-ring";
import { sweepLocalEnrollments } from "../../local/enrollment-sweep";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../local/settings";
import { apiWorld } from "../support/api-client";
import { startLocalApi } from "../support/local-api";

/**
 * Issue 11 item 2 on the emulators: an unconfirmed enrollment expires 24 hours after it began. The
 * squatter's enrollment is written 25 hours in the past (an injected clock), so that the sweep and
 * the API, on the real clock, see it expired, and nothing else of the shared emulators is.
 */

let api: { url: string; close(): Promise<void> };
const world = apiWorld(() => api.url);
const { endpoints, environment } = inject("localStack");
const raw = new DynamoDBClient({
  endpoint: endpoints.dynamodb,
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
});
const cognito = new CognitoIdentityProviderClient({
  endpoint: endpoints.cognito.endpoint,
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
});
const client = createDocumentClient(raw);
const security = environment[securityTable.envVar] as string;
const profiles = profileStore(client, environment[profilesTable.envVar] as string);

beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(async () => {
  await api.close();
  world.close();
  raw.destroy();
  cognito.destroy();
});

let block = 0;
function customer(): string {
  block++;
  return String(9300000 + block * 10);
}

/** The real use case and adapters, on a clock `hoursAgo` in the past. */
async function enrollInThePast(customerNumber: string, email: string, hoursAgo: number) {
  const token = (await world.verifyBill(customerNumber)).json.verificationToken as string;
  const then = () => new Date(Date.now() - hoursAgo * 3600 * 1000);
  const outcome = await enroll(
    { verificationToken: token, email, password: "un mot de passe sûr", language: "fr" },
    {
      verificationTokens: verificationTokens(client, security),
      confirmationTokens: confirmationTokens(client, security),
      profiles,
      identity: cognitoIdentity(cognito, endpoints.cognito.userPoolId),
      mailer: sesMailer(sesClient(), { from: "test@example.com", supportPhone: "1 800 567-6353" }),
      emailQuota: enrollmentEmailQuota(client, security, ENROLLMENT_EMAIL_QUOTA),
      confirmationKey: currentKey(
        decodeKeyRing(readFileSync(environment.CONFIRMATION_KEY_FILE as string, "utf8")),
      ),
      webBaseUrl: "http://localhost:5173",
      now: then,
    },
  );
  expect(outcome.outcome).toBe("created");
}

async function expectNotEnrolled(customerNumber: string) {
  const profile = await profiles.get(customerNumber);
  expect(profile?.status).toBeUndefined();
  expect(profile?.email).toBeUndefined();
  expect(profile?.confirmationTokenHash).toBeUndefined();
  expect(profile?.pendingSince).toBeUndefined();
  expect(await world.usersOf(customerNumber)).toEqual([]);
}

describe("an unconfirmed enrollment expires after 24 hours", () => {
  it("the real owner of a squatted address enrolls with it: the squatter's enrollment expires on the spot", async () => {
    const squatter = customer();
    const owner = customer();
    await world.seedAccount(squatter);
    await world.seedAccount(owner);
    const address = `owner.${owner}@example.com`;
    await enrollInThePast(squatter, address, 25);
    expect(await world.usersOf(squatter)).toEqual([address]);

    const res = await world.enroll((await world.verifyBill(owner)).json.verificationToken as string, address);

    expect([res.status, res.json]).toEqual([
      201,
      { customerNumber: owner, email: address, status: "PENDING_CONFIRMATION" },
    ]);
    expect(await world.usersOf(owner)).toEqual([address]);
    await expectNotEnrolled(squatter);
    // The owner got a link (not "already has a profile"), and it works.
    const links = await world.confirmationTokensSentTo(address);
    expect((await world.confirm(links.at(-1) as string)).status).toBe(200);
    // The squatter's old link does not.
    expect((await world.confirm(links[0] as string)).status).toBe(401);
  });

  it("younger than 24 hours it keeps its address: the usual 201, nothing created for the other account", async () => {
    const holder = customer();
    const other = customer();
    await world.seedAccount(holder);
    await world.seedAccount(other);
    const address = `holder.${holder}@example.com`;
    await enrollInThePast(holder, address, 23);

    const res = await world.enroll((await world.verifyBill(other)).json.verificationToken as string, address);

    expect(res.status).toBe(201);
    expect(await world.usersOf(holder)).toEqual([address]);
    expect(await world.usersOf(other)).toEqual([]);
    expect((await profiles.get(holder))?.status).toBe("PENDING_CONFIRMATION");
  });

  it("the sweep (npm start's timer, the scheduled function) expires it and frees the address", async () => {
    const stale = customer();
    const fresh = customer();
    const next = customer();
    for (const n of [stale, fresh, next]) await world.seedAccount(n);
    const staleAddress = `stale.${stale}@example.com`;
    await enrollInThePast(stale, staleAddress, CONFIRMATION_TTL_SECONDS / 3600 + 1);
    expect(
      (
        await world.enroll(
          (
            await world.verifyBill(fresh)
          ).json.verificationToken as string,
          `fresh.${fresh}@example.com`,
        )
      ).status,
    ).toBe(201);

    const summary = await sweepLocalEnrollments(endpoints);

    expect(summary.failed).toBe(0);
    expect(summary.expired).toBeGreaterThanOrEqual(1);
    await expectNotEnrolled(stale);
    // A fresh enrollment is untouched.
    expect(await world.usersOf(fresh)).toEqual([`fresh.${fresh}@example.com`]);
    expect((await profiles.get(fresh))?.status).toBe("PENDING_CONFIRMATION");
    // The address is free for anyone, and the expired account may enroll again.
    expect(
      (await world.enroll((await world.verifyBill(next)).json.verificationToken as string, staleAddress))
        .status,
    ).toBe(201);
    expect(await world.usersOf(next)).toEqual([staleAddress]);
    const again = await world.enroll(
      (await world.verifyBill(stale)).json.verificationToken as string,
      `again.${stale}@example.com`,
    );
    expect(again.status).toBe(201);
    expect(await world.usersOf(stale)).toEqual([`again.${stale}@example.com`]);
  });
});
