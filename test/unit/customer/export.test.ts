import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  ScanCommand,
} from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { customerDataSource } from "../../../lambdas/adapters/customer-export";
import { createDocumentClient } from "../../../lambdas/adapters/dynamodb";
import { retentionRules } from "../../../lambdas/definitions/retention";
import { exportResponse } from "../../../lambdas/definitions/schemas";
import {
  type CustomerDataSource,
  exportCustomerData,
  exportFileName,
} from "../../../lambdas/domain/customer/export";

/**
 * The export's shaping (amounts, dates, order, what is left out) on an in-memory source, and its
 * DynamoDB reads on a mock that answers as DynamoDB does: the items hold every secret attribute the
 * real tables hold, and only the attributes a read's projection names come back.
 */

const ME = "9810010";
const OTHER = "9810020";
const NOW = new Date("2026-12-01T15:00:00.000Z");

/** Every attribute of the tables that is a secret or an internal mechanism, never to be exported. */
const SECRET_ATTRIBUTES = [
  "accessCodeHash",
  "phoneHash",
  "postalCodeHash",
  "lastDebitHash",
  "lockOwner",
  "lockedUntil",
  "confirmationTokenHash",
  "enrollmentId",
  "completedEnrollmentId",
  "completedEnrollments",
  "emailSentFor",
  "pendingSince",
  "sendOwner",
  "leaseUntil",
  "runId",
  "sendAttempts",
  "noticeShard",
  "expiresAtEpoch",
  "eventKey",
  "actor",
];
const SECRET_VALUES = ["v2:HASH-OF-THE-ACCESS-CODE", "lock-owner-uuid", "token-hash", "enrollment-uuid"];

const tables = {
  accounts: "t-Accounts",
  profiles: "t-Profiles",
  bills: "t-Bills",
  contracts: "t-Contracts",
  notices: "t-Notices",
  accountEvents: "t-AccountEvents",
};

/** The tables as they are stored, with two customers in each. */
function storedItems(customerNumber: string) {
  return {
    account: {
      customerNumber,
      accessCodeHash: SECRET_VALUES[0],
      phoneHash: "v2:phone",
      postalCodeHash: "v2:postal",
      lastDebitHash: "v2:debit",
      language: "fr",
      balanceCents: -1250,
      fullName: `Client ${customerNumber}`,
      contactEmail: `contact.${customerNumber}@example.com`,
      status: "active",
      importedAt: "2026-11-01T10:00:00.000Z",
    },
    profile: {
      customerNumber,
      status: "ACTIVE",
      email: `client.${customerNumber}@example.com`,
      language: "en",
      billing: "electronic",
      activatedAt: "2026-11-02T10:00:00.000Z",
      electronicSince: "2026-11-02T10:00:00.000Z",
      emailVerified: true,
      updatedAt: "2026-11-02T09:00:00.000Z",
      cognitoEmails: new Set([`client.${customerNumber}@example.com`, `typo.${customerNumber}@example.com`]),
      lockOwner: SECRET_VALUES[1],
      lockedUntil: 0,
      confirmationTokenHash: SECRET_VALUES[2],
      enrollmentId: SECRET_VALUES[3],
      completedEnrollmentId: SECRET_VALUES[3],
      completedEnrollments: new Set([SECRET_VALUES[3]]),
      emailSentFor: SECRET_VALUES[3],
      pendingSince: 1,
    },
    bills: [
      {
        customerNumber,
        billId: `B-2026-10-${customerNumber}`,
        billingDate: "2026-10-20",
        dueDate: "2026-11-10",
        amountDueCents: 8437,
        balanceCents: 0,
        availableOn: "2026-10-23",
        importedAt: "2026-11-01T10:00:00.000Z",
      },
      {
        customerNumber,
        billId: `B-2026-12-${customerNumber}`,
        billingDate: "2026-12-01",
        dueDate: "2026-12-22",
        amountDueCents: 7315,
        balanceCents: 7315,
        availableOn: "2026-12-04",
        documentKey: "bills/2026-12.pdf",
        noticeShard: "3",
        importedAt: "2026-12-01T10:00:00.000Z",
      },
    ],
    contract: {
      customerNumber,
      contractId: `C-${customerNumber}`,
      startDate: "2024-03-01",
      endDate: null,
      services: [{ name: "Internet 120", monthlyPriceCents: 5500 }],
      documentKey: "contracts/c.pdf",
      importedAt: "2026-11-01T10:00:00.000Z",
    },
    notices: [
      {
        billKey: `${customerNumber}#B-2026-10-${customerNumber}`,
        customerNumber,
        billId: `B-2026-10-${customerNumber}`,
        state: "SENT",
        runId: "run-1",
        claimedAt: "2026-10-23T11:00:00.000Z",
        sendOwner: "owner-uuid",
        sendAttempts: 1,
        sesMessageId: "ses-message-1",
        sentAt: "2026-10-23T11:00:05.000Z",
        expiresAtEpoch: 1_900_000_000,
      },
    ],
    events: [
      {
        customerNumber,
        eventKey: "2026-11-02T09:00:00.000Z#ab12cd34",
        expiresAtEpoch: 1_900_000_000,
        kind: "verification",
        at: "2026-11-02T09:00:00.000Z",
        outcome: "verified",
        method: "bill",
        sourceIp: "203.0.113.x",
      },
      {
        customerNumber,
        eventKey: "2026-11-05T09:00:00.000Z#ab12cd35",
        expiresAtEpoch: 1_900_000_000,
        kind: "support",
        at: "2026-11-05T09:00:00.000Z",
        action: "unlock",
        actor: "arn:aws:sts::123456789012:assumed-role/Support/jane",
        outcome: "done",
      },
    ],
  };
}

/** What DynamoDB returns for a projection: only the attributes it names. */
function project(
  item: Record<string, unknown>,
  input: { ExpressionAttributeNames?: Record<string, string> },
) {
  const names = Object.values(input.ExpressionAttributeNames ?? {});
  if (names.length === 0) return item;
  return Object.fromEntries(Object.entries(item).filter(([name]) => names.includes(name)));
}

const ddb = mockClient(DynamoDBDocumentClient);
afterEach(() => ddb.reset());

function mockTables() {
  const data = [storedItems(ME), storedItems(OTHER)];
  ddb.on(GetCommand).callsFake((input) => {
    const customerNumber = input.Key.customerNumber;
    const stored = data.find((d) => d.account.customerNumber === customerNumber);
    const item =
      input.TableName === tables.accounts
        ? stored?.account
        : input.TableName === tables.profiles
          ? stored?.profile
          : input.TableName === tables.contracts
            ? stored?.contract
            : undefined;
    return { Item: item ? project(item, input) : undefined };
  });
  ddb.on(QueryCommand).callsFake((input) => {
    const customerNumber = input.ExpressionAttributeValues[":c"];
    const stored = data.find((d) => d.account.customerNumber === customerNumber);
    const items = input.TableName === tables.bills ? stored?.bills : stored?.events;
    return { Items: (items ?? []).map((item) => project(item, input)) };
  });
  ddb.on(BatchGetCommand).callsFake((input) => {
    const read = input.RequestItems[tables.notices];
    const keys = new Set(read.Keys.map((k: { billKey: string }) => k.billKey));
    const items = data.flatMap((d) => d.notices).filter((n) => keys.has(n.billKey));
    return { Responses: { [tables.notices]: items.map((item) => project(item, read)) } };
  });
}

const client = createDocumentClient(new DynamoDBClient({ region: "ca-central-1" }));

describe("the export's reads", () => {
  it("return the customer's data and none of the secrets the items hold, with no Scan", async () => {
    mockTables();
    const document = await exportCustomerData(ME, "en", {
      source: customerDataSource(client, tables),
      now: () => NOW,
    });
    const json = JSON.stringify(document);
    for (const name of SECRET_ATTRIBUTES) expect(json, name).not.toContain(`"${name}"`);
    for (const value of SECRET_VALUES) expect(json, value).not.toContain(value);
    expect(json).not.toContain("arn:aws");
    expect(json).not.toContain(OTHER);
    expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
    // Every read is under the customer's own key.
    for (const call of ddb.commandCalls(GetCommand))
      expect(call.args[0].input.Key).toEqual({ customerNumber: ME });
    for (const call of ddb.commandCalls(QueryCommand)) {
      expect(call.args[0].input.ExpressionAttributeValues).toEqual({ ":c": ME });
      expect(call.args[0].input.IndexName).toBeUndefined();
    }
    const [batch] = ddb.commandCalls(BatchGetCommand);
    expect(batch?.args[0].input.RequestItems?.[tables.notices]?.Keys).toEqual([
      { billKey: `${ME}#B-2026-12-${ME}` },
      { billKey: `${ME}#B-2026-10-${ME}` },
    ]);
    // The hashes are never even read: each projection names only exported attributes.
    for (const call of [...ddb.commandCalls(GetCommand), ...ddb.commandCalls(QueryCommand)]) {
      const names = Object.values(call.args[0].input.ExpressionAttributeNames ?? {});
      for (const name of SECRET_ATTRIBUTES.filter((n) => n !== "actor" && n !== "expiresAtEpoch")) {
        expect(names, name).not.toContain(name);
      }
    }
    expect(exportResponse.parse(document)).toEqual(document);
  });

  it("shapes every field: amounts with two decimals, dates as stored, newest first, nulls for what is absent", async () => {
    mockTables();
    const document = await exportCustomerData(ME, "fr", {
      source: customerDataSource(client, tables),
      now: () => NOW,
    });
    expect(document).toMatchObject({
      exportedAt: "2026-12-01T15:00:00.000Z",
      customerNumber: ME,
      account: {
        fullName: `Client ${ME}`,
        language: "fr",
        contactEmail: `contact.${ME}@example.com`,
        status: "active",
        balance: "-12.50",
        importedAt: "2026-11-01T10:00:00.000Z",
      },
      profile: {
        status: "ACTIVE",
        email: `client.${ME}@example.com`,
        language: "en",
        billing: "electronic",
        activatedAt: "2026-11-02T10:00:00.000Z",
        electronicSince: "2026-11-02T10:00:00.000Z",
        emailVerified: true,
        emailUndeliverable: false,
        supportFlag: null,
        flaggedAt: null,
        tokensRevokedAt: null,
        updatedAt: "2026-11-02T09:00:00.000Z",
        pendingEmail: null,
        enrollmentEmails: [`client.${ME}@example.com`, `typo.${ME}@example.com`],
      },
      // Every bill, the one not yet available online (availableOn after today) too.
      bills: [
        {
          billId: `B-2026-12-${ME}`,
          billingDate: "2026-12-01",
          dueDate: "2026-12-22",
          amountDue: "73.15",
          balance: "73.15",
          availableOn: "2026-12-04",
          documentKey: "bills/2026-12.pdf",
        },
        {
          billId: `B-2026-10-${ME}`,
          billingDate: "2026-10-20",
          dueDate: "2026-11-10",
          amountDue: "84.37",
          balance: "0.00",
          availableOn: "2026-10-23",
          documentKey: null,
        },
      ],
      contract: {
        contractId: `C-${ME}`,
        startDate: "2024-03-01",
        endDate: null,
        services: [{ name: "Internet 120", monthlyPrice: "55.00" }],
        documentKey: "contracts/c.pdf",
      },
      notices: [
        {
          billId: `B-2026-10-${ME}`,
          state: "SENT",
          claimedAt: "2026-10-23T11:00:00.000Z",
          sentAt: "2026-10-23T11:00:05.000Z",
          skippedAt: null,
          skippedReason: null,
          messageId: "ses-message-1",
        },
      ],
      events: [
        { kind: "support", at: "2026-11-05T09:00:00.000Z", action: "unlock", outcome: "done" },
        {
          kind: "verification",
          at: "2026-11-02T09:00:00.000Z",
          outcome: "verified",
          method: "bill",
          sourceIp: "203.0.113.x",
        },
      ],
    });
    expect(document?.notes.verificationFactors).toContain("empreintes");
    expect(document?.notes.retention).toEqual(
      retentionRules.map((r) => ({ data: r.what, kept: r.kept, why: r.why })),
    );
  });
});

describe("exportCustomerData", () => {
  const empty: CustomerDataSource = {
    account: async () => undefined,
    profile: async () => ({ status: "ACTIVE", email: "a@example.com" }),
    bills: async () => [],
    contract: async () => undefined,
    notices: async () => {
      throw new Error("no bills, no notices to read");
    },
    events: async () => [],
  };

  it("is null without an ACTIVE profile (the authorizer's decision was outdated)", async () => {
    for (const profile of [undefined, { status: "PENDING_CONFIRMATION" }, {}]) {
      const source = { ...empty, profile: async () => profile };
      expect(await exportCustomerData(ME, "fr", { source, now: () => NOW })).toBeNull();
    }
  });

  it("keeps only the notices of the customer's own bills", async () => {
    const source: CustomerDataSource = {
      ...empty,
      bills: async () => [
        {
          billId: "B-1",
          billingDate: "2026-11-01",
          dueDate: "2026-11-20",
          amountDueCents: 100,
          balanceCents: 100,
          availableOn: "2026-11-04",
        },
      ],
      notices: async () => [
        { billId: "B-1", state: "SKIPPED", skippedAt: "2026-11-04T11:00:00.000Z", skippedReason: "paper" },
        { billId: "B-2", state: "SENT" },
      ],
    };
    const document = await exportCustomerData(ME, "en", { source, now: () => NOW });
    expect(document?.notices).toEqual([
      {
        billId: "B-1",
        state: "SKIPPED",
        claimedAt: null,
        sentAt: null,
        skippedAt: "2026-11-04T11:00:00.000Z",
        skippedReason: "paper",
        messageId: null,
      },
    ]);
    expect(document?.account).toBeNull();
    expect(document?.contract).toBeNull();
    expect(document?.notes.verificationFactors).toContain("keyed hashes");
    expect(exportResponse.parse(document)).toEqual(document);
  });

  it("names its file after the customer and the day in Québec", () => {
    expect(exportFileName(ME, new Date("2026-12-02T03:00:00.000Z"))).toBe(`export-${ME}-2026-12-01.json`);
  });
});
