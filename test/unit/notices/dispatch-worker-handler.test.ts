import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Context, SQSEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { DISPATCH_HANDOFF_REMAINING_MS, type DispatchTask } from "../../../lambdas/definitions/notices";
import { NOTICE_SHARDS } from "../../../lambdas/definitions/tables";
import type { WorkerResult } from "../../../lambdas/handlers/notice-dispatch-worker";

/**
 * The dispatch worker and the scheduled fan-out (lambdas/handlers/notice-dispatch-worker.ts,
 * notice-dispatcher.ts), their SDK clients mocked: a worker stops between pages once its time runs
 * low and hands its cursor on (returned to a direct caller, put on the dispatch queue from SQS).
 */

const TABLES = { BILLS_TABLE: "t-Bills", PROFILES_TABLE: "t-Profiles", NOTICES_TABLE: "t-Notices" };
const NOTICE_QUEUE = "https://sqs.ca-central-1.amazonaws.com/123456789012/notices";
const DISPATCH_QUEUE = "https://sqs.ca-central-1.amazonaws.com/123456789012/notices-dispatch";

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);

type Handler = (event: unknown, context: Context) => Promise<unknown>;
let worker: Handler;
let dispatcher: Handler;

beforeAll(async () => {
  vi.stubEnv("AWS_REGION", "ca-central-1");
  vi.stubEnv("AWS_ACCESS_KEY_ID", "test");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "test");
  for (const [name, value] of Object.entries(TABLES)) vi.stubEnv(name, value);
  vi.stubEnv("NOTICE_QUEUE_URL", NOTICE_QUEUE);
  vi.stubEnv("NOTICE_DISPATCH_QUEUE_URL", DISPATCH_QUEUE);
  ({ handler: worker } = (await import("../../../lambdas/handlers/notice-dispatch-worker")) as unknown as {
    handler: Handler;
  });
  ({ handler: dispatcher } = (await import("../../../lambdas/handlers/notice-dispatcher")) as unknown as {
    handler: Handler;
  });
});

afterAll(() => {
  vi.unstubAllEnvs();
  ddb.restore();
  sqs.restore();
});

/** A Lambda context whose remaining time the test sets. */
function contextWith(remaining: () => number): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: "notice-dispatch-worker",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:ca-central-1:123456789012:function:notice-dispatch-worker",
    memoryLimitInMB: "1024",
    awsRequestId: "request-1",
    logGroupName: "/aws/lambda/notice-dispatch-worker",
    logStreamName: "stream",
    getRemainingTimeInMillis: remaining,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  } as Context;
}

const today = new Intl.DateTimeFormat("en-CA", { timeZone: "America/Toronto" }).format(new Date());

function bill(i: number) {
  const customerNumber = String(9240000 + i);
  return {
    customerNumber,
    billId: `B-${i}`,
    billingDate: today,
    dueDate: today,
    availableOn: today,
    amountDueCents: 7315,
    balanceCents: 7315,
    noticeShard: "5",
  };
}

const profile = (customerNumber: string) => ({
  customerNumber,
  status: "ACTIVE",
  billing: "electronic",
  email: `c${customerNumber}@example.test`,
  language: "fr",
  activatedAt: "2020-01-01T12:00:00.000Z",
});

/** Three pages of 12 eligible bills each; the index keys are the bills' own. */
const pages = [0, 1, 2].map((p) => Array.from({ length: 12 }, (_, i) => bill(p * 12 + i)));
const keyOf = (b: ReturnType<typeof bill>) => ({
  noticeShard: b.noticeShard,
  availableOn: b.availableOn,
  customerNumber: b.customerNumber,
  billId: b.billId,
});

beforeEach(() => {
  ddb.reset();
  sqs.reset();
  ddb.on(UpdateCommand).resolves({});
  ddb.on(QueryCommand).callsFake((input: { ExclusiveStartKey?: { billId: string } }) => {
    const at = input.ExclusiveStartKey
      ? pages.findIndex((page) => page.at(-1)?.billId === input.ExclusiveStartKey?.billId) + 1
      : 0;
    const page = pages[at] ?? [];
    const last = page.at(-1);
    return { Items: page, ...(at < pages.length - 1 && last ? { LastEvaluatedKey: keyOf(last) } : {}) };
  });
  ddb
    .on(BatchGetCommand)
    .callsFake((input: { RequestItems: Record<string, { Keys: { customerNumber: string }[] }> }) => ({
      Responses: {
        [TABLES.PROFILES_TABLE]: (input.RequestItems[TABLES.PROFILES_TABLE]?.Keys ?? []).map((k) =>
          profile(k.customerNumber),
        ),
      },
    }));
  sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
});

/** Every notice message the worker queued, by bill. */
function queuedBills(): string[] {
  return sqs
    .commandCalls(SendMessageBatchCommand, { QueueUrl: NOTICE_QUEUE })
    .flatMap((c) =>
      (c.args[0].input.Entries ?? []).map(
        (e) => (JSON.parse(e.MessageBody ?? "{}") as { billId: string }).billId,
      ),
    );
}
function dispatchTasks(): DispatchTask[] {
  return sqs
    .commandCalls(SendMessageBatchCommand, { QueueUrl: DISPATCH_QUEUE })
    .flatMap((c) =>
      (c.args[0].input.Entries ?? []).map((e) => JSON.parse(e.MessageBody ?? "{}") as DispatchTask),
    );
}

describe("the dispatch worker, invoked directly", () => {
  it("walks the whole shard while time remains, and returns no continuation", async () => {
    const result = (await worker(
      { date: today, shard: 5, runId: "run-1" },
      contextWith(() => 280_000),
    )) as WorkerResult;
    expect(result.next).toBeUndefined();
    expect(result.summary).toMatchObject({ queued: 36, alreadySent: 0, alreadyQueued: 0, notQueued: 0 });
    expect(queuedBills()).toHaveLength(36);
    // 12 claimed bills a page: two SQS batches per page (10 + 2).
    expect(sqs.commandCalls(SendMessageBatchCommand, { QueueUrl: NOTICE_QUEUE })).toHaveLength(6);
  });

  it("stops between pages once less than the hand-off margin is left, and returns where to go on", async () => {
    let remaining = 280_000;
    // Each page costs (in this test) a minute of the invocation's time.
    ddb
      .on(BatchGetCommand)
      .callsFake((input: { RequestItems: Record<string, { Keys: { customerNumber: string }[] }> }) => {
        remaining -= 70_000;
        return {
          Responses: {
            [TABLES.PROFILES_TABLE]: (input.RequestItems[TABLES.PROFILES_TABLE]?.Keys ?? []).map((k) =>
              profile(k.customerNumber),
            ),
          },
        };
      });
    const first = (await worker(
      { date: today, shard: 5, runId: "run-1" },
      contextWith(() => remaining),
    )) as WorkerResult;
    expect(remaining).toBeLessThan(DISPATCH_HANDOFF_REMAINING_MS);
    expect(first.summary.queued).toBe(24);
    expect(first.next).toEqual({
      date: today,
      shard: 5,
      runId: "run-1",
      cursor: keyOf(pages[1]?.at(-1) as ReturnType<typeof bill>),
    });
    // The caller invokes the continuation: the last page, nothing twice.
    remaining = 280_000;
    const second = (await worker(
      first.next,
      contextWith(() => remaining),
    )) as WorkerResult;
    expect(second.next).toBeUndefined();
    expect(second.summary.queued).toBe(12);
    const queued = queuedBills();
    expect(new Set(queued).size).toBe(36);
    expect(queued).toHaveLength(36);
  });

  it("refuses a malformed task", async () => {
    await expect(
      worker(
        { date: "tomorrow", shard: 5, runId: "run-1" },
        contextWith(() => 280_000),
      ),
    ).rejects.toThrow();
  });
});

describe("the dispatch worker, from the dispatch queue", () => {
  const sqsEvent = (task: DispatchTask): SQSEvent => ({
    Records: [
      {
        messageId: "m-1",
        receiptHandle: "r-1",
        body: JSON.stringify(task),
        attributes: {
          ApproximateReceiveCount: "1",
          SentTimestamp: "1763650800000",
          SenderId: "sender",
          ApproximateFirstReceiveTimestamp: "1763650800000",
        },
        messageAttributes: {},
        md5OfBody: "",
        eventSource: "aws:sqs",
        eventSourceARN: "arn:aws:sqs:ca-central-1:123456789012:notices-dispatch",
        awsRegion: "ca-central-1",
      },
    ],
  });

  it("puts its continuation on the dispatch queue, with the same run id, when its time runs low", async () => {
    let remaining = 200_000;
    ddb
      .on(BatchGetCommand)
      .callsFake((input: { RequestItems: Record<string, { Keys: { customerNumber: string }[] }> }) => {
        remaining -= 60_000;
        return {
          Responses: {
            [TABLES.PROFILES_TABLE]: (input.RequestItems[TABLES.PROFILES_TABLE]?.Keys ?? []).map((k) =>
              profile(k.customerNumber),
            ),
          },
        };
      });
    await worker(
      sqsEvent({ date: today, shard: 5, runId: "run-7" }),
      contextWith(() => remaining),
    );
    expect(queuedBills()).toHaveLength(12);
    expect(dispatchTasks()).toEqual([
      { date: today, shard: 5, runId: "run-7", cursor: keyOf(pages[0]?.at(-1) as ReturnType<typeof bill>) },
    ]);
  });

  it("fails the message (SQS retries it from its own cursor) when the continuation cannot be queued", async () => {
    let remaining = 200_000;
    ddb
      .on(BatchGetCommand)
      .callsFake((input: { RequestItems: Record<string, { Keys: { customerNumber: string }[] }> }) => {
        remaining -= 60_000;
        return {
          Responses: {
            [TABLES.PROFILES_TABLE]: (input.RequestItems[TABLES.PROFILES_TABLE]?.Keys ?? []).map((k) =>
              profile(k.customerNumber),
            ),
          },
        };
      });
    sqs.on(SendMessageBatchCommand, { QueueUrl: DISPATCH_QUEUE }).resolves({
      Successful: [],
      Failed: [{ Id: "0", Code: "InternalError", SenderFault: false }],
    });
    await expect(
      worker(
        sqsEvent({ date: today, shard: 5, runId: "run-7" }),
        contextWith(() => remaining),
      ),
    ).rejects.toThrow(/dispatch queue refused/);
  });
});

describe("the scheduled dispatcher", () => {
  it("puts one task per shard on the dispatch queue, all of one run, and reads no table", async () => {
    const out = (await dispatcher(
      {},
      contextWith(() => 29_000),
    )) as { runId: string; shards: number };
    const tasks = dispatchTasks();
    expect(tasks.map((t) => t.shard).sort((a, b) => a - b)).toEqual(
      Array.from({ length: NOTICE_SHARDS }, (_, i) => i),
    );
    expect(new Set(tasks.map((t) => t.runId))).toEqual(new Set([out.runId]));
    expect(tasks.every((t) => t.date === today && t.cursor === undefined)).toBe(true);
    expect(ddb.calls()).toHaveLength(0);
  });

  it("an operator's re-run of a past day, dry", async () => {
    await dispatcher(
      { date: "2026-11-02", dryRun: true },
      contextWith(() => 29_000),
    );
    expect(dispatchTasks().every((t) => t.date === "2026-11-02" && t.dryRun === true)).toBe(true);
  });
});
