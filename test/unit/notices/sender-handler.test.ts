import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { SESv2Client, SendEmailCommand, TooManyRequestsException } from "@aws-sdk/client-sesv2";
import { ChangeMessageVisibilityCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

/**
 * The notice sender function (lambdas/handlers/notice-sender.ts) with SQS events, its SDK clients
 * mocked: partial batch responses (only failed messages come back), a back-off on throttling.
 */

const TABLES = { BILLS_TABLE: "t-Bills", PROFILES_TABLE: "t-Profiles", NOTICES_TABLE: "t-Notices" };
const QUEUE_URL = "https://sqs.ca-central-1.amazonaws.com/123456789012/notices";

const ddb = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESv2Client);
const sqs = mockClient(SQSClient);

type Handler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
let handler: Handler;

beforeAll(async () => {
  vi.stubEnv("AWS_REGION", "ca-central-1");
  vi.stubEnv("AWS_ACCESS_KEY_ID", "test");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "test");
  for (const [name, value] of Object.entries(TABLES)) vi.stubEnv(name, value);
  vi.stubEnv("NOTICE_QUEUE_URL", QUEUE_URL);
  // Pacing at 1000/s (500/s for each of the 2 senders): no noticeable wait in the test.
  vi.stubEnv("SES_MAX_SEND_RATE", "1000");
  vi.stubEnv("SES_FROM_ADDRESS", "Cablevision <no-reply@example.test>");
  vi.stubEnv("WEB_BASE_URL", "https://www.cablevision.example");
  ({ handler } = (await import("../../../lambdas/handlers/notice-sender")) as unknown as {
    handler: Handler;
  });
});

afterAll(() => {
  vi.unstubAllEnvs();
  ddb.restore();
  ses.restore();
  sqs.restore();
});

const context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: "notice-sender",
  functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:ca-central-1:123456789012:function:notice-sender",
  memoryLimitInMB: "256",
  awsRequestId: "request-1",
  logGroupName: "/aws/lambda/notice-sender",
  logStreamName: "stream",
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} as Context;

function record(id: string, body: unknown, receiveCount = 1): SQSRecord {
  return {
    messageId: id,
    receiptHandle: `receipt-${id}`,
    body: typeof body === "string" ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: "1763650800000",
      SenderId: "sender",
      ApproximateFirstReceiveTimestamp: "1763650800000",
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:ca-central-1:123456789012:notices",
    awsRegion: "ca-central-1",
  };
}

/** Today in Toronto, whatever the real date: the run's day, and the day the bills become available. */
const today = new Intl.DateTimeFormat("en-CA", { timeZone: "America/Toronto" }).format(new Date());

const message = (customerNumber: string) => ({
  customerNumber,
  billId: "B-1",
  runId: "run-1",
  runDate: today,
});

/** A bill available today: the sender checks the rules again. */
function billOf(customerNumber: string) {
  return {
    customerNumber,
    billId: "B-1",
    billingDate: today,
    dueDate: today,
    availableOn: today,
    amountDueCents: 7315,
    balanceCents: 7315,
    noticeShard: "3",
  };
}

const profileOf = (customerNumber: string, email: string) => ({
  customerNumber,
  status: "ACTIVE",
  billing: "electronic",
  email,
  language: "fr",
  activatedAt: "2020-01-01T12:00:00.000Z",
  electronicSince: "2020-01-01T12:00:00.000Z",
});

const GOOD = "9230001";
const THROTTLED = "9230002";
const BUSY = "9230003";

beforeEach(() => {
  ddb.reset();
  ses.reset();
  sqs.reset();
  ddb.on(UpdateCommand).resolves({});
  for (const [customerNumber, email] of [
    [GOOD, "good@example.test"],
    [THROTTLED, "throttled@example.test"],
    [BUSY, "busy@example.test"],
  ] as const) {
    ddb
      .on(GetCommand, { TableName: TABLES.BILLS_TABLE, Key: { customerNumber, billId: "B-1" } })
      .resolves({ Item: billOf(customerNumber) });
    ddb
      .on(GetCommand, { TableName: TABLES.PROFILES_TABLE, Key: { customerNumber } })
      .resolves({ Item: profileOf(customerNumber, email) });
  }
  // Another sender holds the BUSY bill: beginSending's condition fails, the item shows SENDING.
  ddb.on(UpdateCommand, { TableName: TABLES.NOTICES_TABLE, Key: { billKey: `${BUSY}#B-1` } }).rejects(
    new ConditionalCheckFailedException({
      message: "The conditional request failed",
      $metadata: {},
      Item: { billKey: { S: `${BUSY}#B-1` }, state: { S: "SENDING" } },
    }),
  );
  ses.on(SendEmailCommand).resolves({ MessageId: "ses-message-1" });
  ses
    .on(SendEmailCommand, { Destination: { ToAddresses: ["throttled@example.test"] } })
    .rejects(new TooManyRequestsException({ message: "Maximum sending rate exceeded.", $metadata: {} }));
  sqs.on(ChangeMessageVisibilityCommand).resolves({});
});

const failures = (response: SQSBatchResponse) =>
  response.batchItemFailures.map((f) => f.itemIdentifier).sort();

describe("notice sender: partial batch responses", () => {
  it("a good message is sent and not reported; its state is recorded SENT and the bill settled", async () => {
    const response = await handler({ Records: [record("m-good", message(GOOD))] }, context);
    expect(response.batchItemFailures).toEqual([]);

    const sends = ses.commandCalls(SendEmailCommand);
    expect(sends).toHaveLength(1);
    const input = sends[0]?.args[0].input;
    expect(input?.Destination?.ToAddresses).toEqual(["good@example.test"]);
    expect(input?.FromEmailAddress).toBe("Cablevision <no-reply@example.test>");
    expect(input?.EmailTags).toEqual([
      { Name: "kind", Value: "bill-available" },
      { Name: "bill", Value: `${GOOD}_B-1` },
    ]);
    const text = input?.Content?.Simple?.Body?.Text?.Data ?? "";
    expect(text).toContain("73,15\u00a0$");
    expect(text).toContain("https://www.cablevision.example/factures");
    expect(text).not.toContain(GOOD);

    const updates = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(updates.map((u) => [u.TableName, u.UpdateExpression?.split(" ").slice(0, 4).join(" ")])).toEqual([
      [TABLES.NOTICES_TABLE, "SET #state = :sending,"],
      [TABLES.NOTICES_TABLE, "SET #state = :sent,"],
      [TABLES.BILLS_TABLE, "REMOVE noticeShard"],
    ]);
    expect(updates[1]?.ExpressionAttributeValues?.[":id"]).toBe("ses-message-1");
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)).toHaveLength(0);
  });

  it("a mixed batch: only the malformed (incl. without runDate), throttled and busy messages are reported", async () => {
    const response = await handler(
      {
        Records: [
          record("m-not-json", "{not json"),
          record("m-bad-shape", { customerNumber: "123", billId: "B-1", runId: "r", runDate: today }),
          record("m-no-run-date", { customerNumber: GOOD, billId: "B-1", runId: "r" }),
          record("m-extra-field", { ...message(GOOD), accessCode: "12345" }),
          record("m-good", message(GOOD)),
          record("m-throttled", message(THROTTLED)),
          record("m-busy", message(BUSY)),
        ],
      },
      context,
    );
    expect(failures(response)).toEqual([
      "m-bad-shape",
      "m-busy",
      "m-extra-field",
      "m-no-run-date",
      "m-not-json",
      "m-throttled",
    ]);
    // One e-mail went out (the good one); the throttled one was tried and refused.
    const sends = ses
      .commandCalls(SendEmailCommand)
      .map((c) => c.args[0].input.Destination?.ToAddresses?.[0]);
    expect(sends.filter((to) => to === "good@example.test")).toHaveLength(1);
    expect(sends.filter((to) => to === "busy@example.test")).toHaveLength(0);
  });

  it("a throttled send is reported, its bill released back to QUEUED, and its visibility backed off", async () => {
    const response = await handler(
      { Records: [record("m-good", message(GOOD)), record("m-throttled", message(THROTTLED), 3)] },
      context,
    );
    expect(failures(response)).toEqual(["m-throttled"]);

    const visibility = sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input);
    expect(visibility).toHaveLength(1);
    expect(visibility[0]).toMatchObject({ QueueUrl: QUEUE_URL, ReceiptHandle: "receipt-m-throttled" });
    // 5 s doubled per receive: 5 × 2³ on the third receive, at most 15 minutes.
    expect(visibility[0]?.VisibilityTimeout).toBe(40);

    const release = ddb
      .commandCalls(UpdateCommand)
      .map((c) => c.args[0].input)
      .find((u) => u.Key?.billKey === `${THROTTLED}#B-1` && u.UpdateExpression?.includes(":queued"));
    expect(release?.ConditionExpression).toBe("#state = :sending AND sendOwner = :owner");
    // Nothing recorded as sent for it.
    const markedSent = ddb
      .commandCalls(UpdateCommand)
      .map((c) => c.args[0].input)
      .filter((u) => u.Key?.billKey === `${THROTTLED}#B-1` && u.UpdateExpression?.includes(":sent"));
    expect(markedSent).toEqual([]);
  });

  it("the back-off grows with the receive count and stops at 15 minutes", async () => {
    for (const [receives, seconds] of [
      [1, 10],
      [2, 20],
      [5, 160],
      [8, 900],
      [20, 900],
    ] as const) {
      sqs.resetHistory();
      await handler(
        { Records: [record("m-good", message(GOOD)), record("m-throttled", message(THROTTLED), receives)] },
        context,
      );
      expect(sqs.commandCalls(ChangeMessageVisibilityCommand)[0]?.args[0].input.VisibilityTimeout).toBe(
        seconds,
      );
    }
  });

  it("a busy bill (another sender holds it) is reported and backed off longer, without an e-mail", async () => {
    const response = await handler(
      { Records: [record("m-good", message(GOOD)), record("m-busy", message(BUSY))] },
      context,
    );
    expect(failures(response)).toEqual(["m-busy"]);
    const visibility = sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input);
    expect(visibility).toEqual([
      expect.objectContaining({ ReceiptHandle: "receipt-m-busy", VisibilityTimeout: 60 }),
    ]);
  });

  it("a DynamoDB failure of one message does not fail the others", async () => {
    ddb
      .on(GetCommand, { TableName: TABLES.BILLS_TABLE, Key: { customerNumber: THROTTLED, billId: "B-1" } })
      .rejects(Object.assign(new Error("Internal server error"), { name: "InternalServerError" }));
    const response = await handler(
      { Records: [record("m-failing", message(THROTTLED)), record("m-good", message(GOOD))] },
      context,
    );
    expect(failures(response)).toEqual(["m-failing"]);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  });

  it("a batch where every message fails is retried whole (Powertools throws FullBatchFailureError)", async () => {
    await expect(
      handler(
        { Records: [record("m-not-json", "{not json"), record("m-throttled", message(THROTTLED))] },
        context,
      ),
    ).rejects.toThrow(/All records failed/);
    // The throttled one was still backed off before the batch failed.
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)).toHaveLength(1);
  });
});
