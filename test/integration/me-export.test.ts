import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { accountEvents } from "../../lambdas/adapters/account-events";
import { createDocumentClient } from "../../lambdas/adapters/dynamodb";
import { noticeStates } from "../../lambdas/adapters/notice-store";
import {
  accountEventsTable,
  accountsTable,
  billsTable,
  contractsTable,
  noticesTable,
  profilesTable,
  type TableDefinition,
  tableName,
} from "../../lambdas/definitions/tables";
import type { CustomerExport } from "../../lambdas/domain/customer/export";
import { addDays, dateInTimeZone } from "../../lambdas/domain/dates";
import { formatCents } from "../../lambdas/domain/money";
import { billKey, type NoticeBill } from "../../lambdas/domain/notices/ports";
import { LOCAL_CREDENTIALS, LOCAL_PREFIX, LOCAL_REGION } from "../../local/settings";
import { apiWorld } from "../support/api-client";
import { startLocalApi } from "../support/local-api";
import { tempFiles } from "../support/temp-files";

/**
 * GET /v1/me/export on the emulators: a customer seeded through the import path (account, bills,
 * contract), enrolled and signed in on cognito-local, with a notice sent and verification and support
 * events; another customer seeded alongside with the same kinds of data. The export is compared
 * field by field with what the tables hold for the first, and holds nothing of the second.
 */

const { endpoints } = inject("localStack");
let api: { url: string; close(): Promise<void> };
const world = apiWorld(() => api.url);
const files = tempFiles("me-export");
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
const PASSWORD = "un mot de passe sûr";
const table = (definition: TableDefinition) => tableName(LOCAL_PREFIX, definition);

/** Customer numbers of this file: 981xxxx. */
const me = "9810010";
const other = "9810020";
const myEmail = `client.${me}@example.com`;
const today = dateInTimeZone(new Date());
/** Billed today: not available online for a few days, but held all the same. */
const recent = today;

async function signIn(email: string): Promise<string> {
  const out = await cognito.send(
    new InitiateAuthCommand({
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: endpoints.cognito.clientId,
      AuthParameters: { USERNAME: email, PASSWORD },
    }),
  );
  const token = out.AuthenticationResult?.IdToken;
  if (!token) throw new Error(`no token for ${email}`);
  return token;
}

async function getItem(definition: TableDefinition, key: Record<string, string>) {
  const out = await ddb.send(
    new GetCommand({ TableName: table(definition), Key: key, ConsistentRead: true }),
  );
  return out.Item as Record<string, unknown> | undefined;
}

async function queryAll(definition: TableDefinition, customerNumber: string) {
  const out = await ddb.send(
    new QueryCommand({
      TableName: table(definition),
      KeyConditionExpression: "customerNumber = :c",
      ExpressionAttributeValues: { ":c": customerNumber },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []) as Record<string, unknown>[];
}

/** A notice sent through the notice pipeline's own state machine (claim, send, sent). */
async function sendNotice(customerNumber: string, billId: string, messageId: string) {
  const states = noticeStates(ddb, table(noticesTable));
  const bill = (await getItem(billsTable, { customerNumber, billId })) as unknown as NoticeBill;
  const now = new Date();
  expect(await states.claim(bill, "export-test-run", now)).toBe("claimed");
  const begun = await states.beginSending(customerNumber, billId, now);
  if (begun.status !== "begun") throw new Error(`notice of ${billId}: ${begun.status}`);
  await states.markSent(customerNumber, billId, begun.owner, messageId, now);
}

const events = accountEvents(ddb, table(accountEventsTable));
let token: string;
let res: { status: number; headers: Headers; text: string; json: CustomerExport };

beforeAll(async () => {
  api = await startLocalApi();
  const accountHeader =
    "customerNumber,accessCode,phone,postalCode,lastDebitAmount,language,balance,fullName,contactEmail";
  await world.importRows("accounts", accountHeader, [
    `${me},24680,4505551234,J4K1A1,84.37,fr,-12.50,Jeanne Export,jeanne.contact@example.com`,
    `${other},13579,5145550000,H2X1Y4,10.00,en,99.99,Other Person,other.contact@example.com`,
  ]);
  await world.importRows("bills", "billId,customerNumber,billingDate,dueDate,amountDue,balance,documentKey", [
    `B-2026-09-${me},${me},2026-09-20,2026-10-11,80.00,0.00,`,
    `B-2026-10-${me},${me},2026-10-20,2026-11-10,84.37,84.37,sample.pdf`,
    `B-NEW-${me},${me},${recent},${addDays(recent, 21)},73.15,157.52,`,
    `B-2026-10-${other},${other},2026-10-20,2026-11-10,99.99,99.99,other.pdf`,
  ]);
  await world.importRows("contracts", "contractId,customerNumber,startDate,endDate,services,documentKey", [
    `C-${me},${me},2024-03-01,,Internet 120:55.00|Télé de base:32.50,contract.pdf`,
    `C-${other},${other},2023-09-15,2026-09-14,Internet 60:45,`,
  ]);
  // One wrong attempt then the right one: two verification events, recorded by the API itself.
  expect((await world.verifyBill(me, "11111")).status).toBe(403);
  const verified = await world.verifyBill(me);
  expect(verified.status).toBe(200);
  expect((await world.enroll(verified.json.verificationToken as string, myEmail, PASSWORD)).status).toBe(201);
  const [link] = await world.confirmationTokensSentTo(myEmail);
  expect((await world.confirm(link as string)).status).toBe(200);
  token = await signIn(myEmail);
  // The other customer's own history.
  expect((await world.verifyBill(other, "00000")).status).toBe(403);
  await events.record(other, {
    kind: "support",
    at: new Date().toISOString(),
    action: "unlock",
    actor: "support-other",
    outcome: "done",
  });
  await events.record(me, {
    kind: "support",
    at: new Date().toISOString(),
    action: "status",
    actor: "arn:aws:sts::123456789012:assumed-role/Support/agent",
    outcome: "done",
  });
  await sendNotice(me, `B-2026-10-${me}`, "ses-message-of-me");
  await sendNotice(other, `B-2026-10-${other}`, "ses-message-of-other");

  const response = await fetch(`${api.url}/v1/me/export`, { headers: { Authorization: `Bearer ${token}` } });
  const text = await response.text();
  res = { status: response.status, headers: response.headers, text, json: JSON.parse(text) };
}, 120_000);

afterAll(async () => {
  await api.close();
  world.close();
  files.cleanup();
  cognito.destroy();
  rawDynamo.destroy();
});

describe("GET /v1/me/export", () => {
  it("is one JSON attachment named after the customer and the day", () => {
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="export-${me}-${today}.json"`);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.json.customerNumber).toBe(me);
    expect(Date.parse(res.json.exportedAt)).not.toBeNaN();
  });

  it("holds the account as the accounts table does, without its hashes", async () => {
    const item = (await getItem(accountsTable, { customerNumber: me })) as Record<string, unknown>;
    expect(item.accessCodeHash).toBeDefined();
    expect(res.json.account).toEqual({
      fullName: item.fullName,
      language: item.language,
      contactEmail: item.contactEmail,
      status: item.status,
      balance: formatCents(item.balanceCents as number),
      importedAt: item.importedAt,
    });
    expect(res.json.account).toMatchObject({ fullName: "Jeanne Export", balance: "-12.50" });
  });

  it("holds the profile as the profiles table does, without its lock, token hash or enrollment ids", async () => {
    const item = (await getItem(profilesTable, { customerNumber: me })) as Record<string, unknown>;
    expect(res.json.profile).toEqual({
      status: item.status,
      email: item.email,
      language: item.language,
      billing: item.billing,
      activatedAt: item.activatedAt,
      electronicSince: item.electronicSince,
      emailVerified: item.emailVerified === true,
      emailUndeliverable: item.emailUndeliverable === true,
      supportFlag: item.supportFlag ?? null,
      flaggedAt: item.flaggedAt ?? null,
      tokensRevokedAt: item.tokensRevokedAt ?? null,
      updatedAt: item.updatedAt ?? null,
      pendingEmail: item.pendingEmail ?? null,
      enrollmentEmails: [...(item.cognitoEmails as Set<string>)].sort(),
    });
    expect(res.json.profile).toMatchObject({ status: "ACTIVE", email: myEmail, billing: "electronic" });
  });

  it("holds every bill of the bills table, the one not yet available too, newest first", async () => {
    const items = (await queryAll(billsTable, me)).sort((a, b) =>
      String(b.billingDate).localeCompare(String(a.billingDate)),
    );
    expect(items).toHaveLength(3);
    expect(res.json.bills).toEqual(
      items.map((item) => ({
        billId: item.billId,
        billingDate: item.billingDate,
        dueDate: item.dueDate,
        amountDue: formatCents(item.amountDueCents as number),
        balance: formatCents(item.balanceCents as number),
        availableOn: item.availableOn,
        documentKey: item.documentKey ?? null,
      })),
    );
    expect(res.json.bills[0]).toMatchObject({ billId: `B-NEW-${me}`, amountDue: "73.15", documentKey: null });
    expect((res.json.bills[0]?.availableOn ?? "") > today).toBe(true);
    expect(res.json.bills[1]?.documentKey).toBe("sample.pdf");
  });

  it("holds the contract as the contracts table does", async () => {
    const item = (await getItem(contractsTable, { customerNumber: me })) as Record<string, unknown>;
    expect(res.json.contract).toEqual({
      contractId: item.contractId,
      startDate: item.startDate,
      endDate: item.endDate ?? null,
      services: (item.services as { name: string; monthlyPriceCents: number }[]).map((s) => ({
        name: s.name,
        monthlyPrice: formatCents(s.monthlyPriceCents),
      })),
      documentKey: item.documentKey ?? null,
    });
    expect(res.json.contract?.services).toEqual([
      { name: "Internet 120", monthlyPrice: "55.00" },
      { name: "Télé de base", monthlyPrice: "32.50" },
    ]);
  });

  it("holds the notice sent, as the notices table does, without its owner, lease or run", async () => {
    const billId = `B-2026-10-${me}`;
    const item = (await getItem(noticesTable, { billKey: billKey(me, billId) })) as Record<string, unknown>;
    expect(item.sendOwner).toBeDefined();
    expect(res.json.notices).toEqual([
      {
        billId,
        state: "SENT",
        claimedAt: item.claimedAt,
        sentAt: item.sentAt,
        skippedAt: null,
        skippedReason: null,
        messageId: "ses-message-of-me",
      },
    ]);
  });

  it("holds every event of the account events table, newest first, without the support actor", async () => {
    const items = (await queryAll(accountEventsTable, me)).reverse();
    expect(items.map((i) => i.kind).sort()).toEqual(["support", "verification", "verification"]);
    expect(res.json.events).toEqual(
      items.map((item) =>
        item.kind === "support"
          ? { kind: "support", at: item.at, action: item.action, outcome: item.outcome }
          : {
              kind: "verification",
              at: item.at,
              outcome: item.outcome,
              method: item.method,
              sourceIp: item.sourceIp ?? null,
            },
      ),
    );
    expect(res.json.events.map((e) => e.outcome)).toContain("failed");
  });

  it("holds nothing of another customer, and no secret", () => {
    for (const text of [
      other,
      "Other Person",
      "other.contact@example.com",
      "other.pdf",
      "ses-message-of-other",
      "support-other",
    ]) {
      expect(res.text, text).not.toContain(text);
    }
    for (const name of [
      "accessCodeHash",
      "phoneHash",
      "postalCodeHash",
      "lastDebitHash",
      "lockOwner",
      "confirmationTokenHash",
      "enrollmentId",
      "sendOwner",
      "runId",
      "leaseUntil",
      "actor",
      "expiresAtEpoch",
    ]) {
      expect(res.text, name).not.toContain(`"${name}"`);
    }
    expect(res.text).not.toContain("arn:aws");
  });

  it("403 for a valid token of an account whose enrollment is not confirmed", async () => {
    const pending = "9810030";
    const email = `client.${pending}@example.com`;
    await world.seedAccount(pending);
    const verified = await world.verifyBill(pending);
    expect((await world.enroll(verified.json.verificationToken as string, email, PASSWORD)).status).toBe(201);
    const response = await fetch(`${api.url}/v1/me/export`, {
      headers: { Authorization: `Bearer ${await signIn(email)}` },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get("content-disposition")).toBeNull();
  });

  it("401 without a token", async () => {
    const response = await fetch(`${api.url}/v1/me/export`);
    expect(response.status).toBe(401);
    expect(response.headers.get("content-disposition")).toBeNull();
  });
});
