import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-vitest/extend";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { existingKeys } from "../../lambdas/adapters/batch-reader";
import { putBatch } from "../../lambdas/adapters/batch-writer";
import { createDocumentClient } from "../../lambdas/adapters/dynamodb";

const TABLE = "accounts";
const ddb = mockClient(DynamoDBDocumentClient);
const client = createDocumentClient(new DynamoDBClient({ region: "ca-central-1" }));
const noWait = async () => {};

const items = (n: number) => Array.from({ length: n }, (_, i) => ({ customerNumber: String(1000000 + i) }));
const puts = (list: readonly Record<string, unknown>[]) => list.map((Item) => ({ PutRequest: { Item } }));

beforeEach(() => {
  ddb.reset();
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("putBatch", () => {
  it("writes the items in one call when DynamoDB processes them all", async () => {
    ddb.on(BatchWriteCommand).resolves({ UnprocessedItems: {} });
    const batch = items(3);
    const result = await putBatch(client, TABLE, batch, { sleep: noWait });
    expect(result).toEqual({ unprocessed: [], attempts: 1 });
    expect(ddb).toHaveReceivedCommandTimes(BatchWriteCommand, 1);
    expect(ddb).toHaveReceivedCommandWith(BatchWriteCommand, { RequestItems: { [TABLE]: puts(batch) } });
  });

  it("retries exactly the unprocessed items until they are written", async () => {
    const batch = items(5);
    const left = [batch[1], batch[3]] as Record<string, unknown>[];
    ddb
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { [TABLE]: puts(left) } })
      .resolves({});
    const result = await putBatch(client, TABLE, batch, { sleep: noWait });
    expect(result).toEqual({ unprocessed: [], attempts: 2 });
    const calls = ddb.commandCalls(BatchWriteCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.args[0].input).toEqual({ RequestItems: { [TABLE]: puts(left) } });
  });

  it("gives up after maxAttempts and returns the items still unprocessed", async () => {
    const batch = items(4);
    const stuck = [batch[2]] as Record<string, unknown>[];
    ddb.on(BatchWriteCommand).resolves({ UnprocessedItems: { [TABLE]: puts(stuck) } });
    const result = await putBatch(client, TABLE, batch, { maxAttempts: 3, sleep: noWait });
    expect(result).toEqual({ unprocessed: stuck, attempts: 3 });
    expect(ddb).toHaveReceivedCommandTimes(BatchWriteCommand, 3);
  });

  it("refuses more than 25 items without calling DynamoDB", async () => {
    await expect(putBatch(client, TABLE, items(26), { sleep: noWait })).rejects.toThrow(/at most 25/);
    expect(ddb).toHaveReceivedCommandTimes(BatchWriteCommand, 0);
  });

  it("accepts exactly 25 items", async () => {
    ddb.on(BatchWriteCommand).resolves({});
    await expect(putBatch(client, TABLE, items(25), { sleep: noWait })).resolves.toEqual({
      unprocessed: [],
      attempts: 1,
    });
  });

  it("waits before each retry, never before the first call, with delays bounded by base*2^(n-1)", async () => {
    ddb.on(BatchWriteCommand).resolves({ UnprocessedItems: { [TABLE]: puts(items(1)) } });
    const delays: number[] = [];
    await putBatch(client, TABLE, items(1), {
      maxAttempts: 6,
      baseDelayMs: 40,
      sleep: async (ms) => {
        delays.push(ms);
      },
    });
    expect(delays).toHaveLength(5);
    delays.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThanOrEqual(40 * 2 ** i);
    });
  });

  it("doubles the backoff ceiling at each retry (same jitter draw gives growing delays)", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0.5);
    ddb.on(BatchWriteCommand).resolves({ UnprocessedItems: { [TABLE]: puts(items(1)) } });
    const delays: number[] = [];
    await putBatch(client, TABLE, items(1), {
      maxAttempts: 5,
      baseDelayMs: 40,
      sleep: async (ms) => {
        delays.push(ms);
      },
    });
    expect(delays).toEqual([20, 40, 80, 160]);
  });
});

describe("existingKeys", () => {
  const responses = (values: readonly string[]) => ({
    Responses: { [TABLE]: values.map((customerNumber) => ({ customerNumber })) },
  });
  const keysOf = (input: unknown) =>
    (
      (input as { RequestItems: Record<string, { Keys: { customerNumber: string }[] }> }).RequestItems[TABLE]
        ?.Keys ?? []
    ).map((k) => k.customerNumber);

  it("returns the subset of keys that have an item, reading only the key", async () => {
    ddb.on(BatchGetCommand).resolves(responses(["1000001"]));
    const found = await existingKeys(client, TABLE, "customerNumber", ["1000000", "1000001"], {
      sleep: noWait,
    });
    expect(found).toEqual(new Set(["1000001"]));
    expect(ddb).toHaveReceivedCommandWith(BatchGetCommand, {
      RequestItems: {
        [TABLE]: {
          Keys: [{ customerNumber: "1000000" }, { customerNumber: "1000001" }],
          ProjectionExpression: "#k",
          ExpressionAttributeNames: { "#k": "customerNumber" },
        },
      },
    });
  });

  it("splits more than 100 keys into calls of at most 100", async () => {
    ddb.on(BatchGetCommand).callsFake((input) => responses(keysOf(input)));
    const values = items(250).map((i) => i.customerNumber);
    const found = await existingKeys(client, TABLE, "customerNumber", values, { sleep: noWait });
    expect(found).toEqual(new Set(values));
    const sizes = ddb.commandCalls(BatchGetCommand).map((c) => keysOf(c.args[0].input).length);
    expect(sizes).toEqual([100, 100, 50]);
  });

  it("asks for each key once, even when it is repeated", async () => {
    ddb.on(BatchGetCommand).callsFake((input) => responses(keysOf(input)));
    const found = await existingKeys(client, TABLE, "customerNumber", ["1000000", "1000000", "1000001"], {
      sleep: noWait,
    });
    expect(found).toEqual(new Set(["1000000", "1000001"]));
    expect(keysOf(ddb.commandCalls(BatchGetCommand)[0]?.args[0].input)).toEqual(["1000000", "1000001"]);
  });

  it("makes no call for no keys", async () => {
    await expect(existingKeys(client, TABLE, "customerNumber", [], { sleep: noWait })).resolves.toEqual(
      new Set(),
    );
    expect(ddb).toHaveReceivedCommandTimes(BatchGetCommand, 0);
  });

  it("retries the unprocessed keys and merges what each call found", async () => {
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({
        ...responses(["1000000"]),
        UnprocessedKeys: { [TABLE]: { Keys: [{ customerNumber: "1000002" }] } },
      })
      .resolves(responses(["1000002"]));
    const found = await existingKeys(client, TABLE, "customerNumber", ["1000000", "1000001", "1000002"], {
      sleep: noWait,
    });
    expect(found).toEqual(new Set(["1000000", "1000002"]));
    const calls = ddb.commandCalls(BatchGetCommand);
    expect(calls).toHaveLength(2);
    expect(keysOf(calls[1]?.args[0].input)).toEqual(["1000002"]);
  });

  it("throws rather than guess when keys stay unprocessed", async () => {
    ddb.on(BatchGetCommand).resolves({
      Responses: { [TABLE]: [] },
      UnprocessedKeys: { [TABLE]: { Keys: [{ customerNumber: "1000000" }] } },
    });
    await expect(
      existingKeys(client, TABLE, "customerNumber", ["1000000"], { maxAttempts: 3, sleep: noWait }),
    ).rejects.toThrow(/1 keys unread after 3 attempts/);
    expect(ddb).toHaveReceivedCommandTimes(BatchGetCommand, 3);
  });
});
