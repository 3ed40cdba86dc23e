import { BatchWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/** BatchWriteItem takes at most 25 items. */
export const BATCH_SIZE = 25;

export interface BatchWriteOptions {
  /** Attempts for the items DynamoDB leaves unprocessed (throttling, partition limits). */
  readonly maxAttempts?: number;
  /** First backoff; doubles each attempt, with full jitter. */
  readonly baseDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface BatchWriteResult {
  /** Items that were still unprocessed after every attempt: never silently dropped. */
  readonly unprocessed: readonly Record<string, unknown>[];
  readonly attempts: number;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Puts up to 25 items in one table, retrying UnprocessedItems with exponential backoff and jitter
 * (AWS's advice for BatchWriteItem). Puts are idempotent: a retry rewrites the same item.
 */
export async function putBatch(
  client: DynamoDBDocumentClient,
  table: string,
  items: readonly Record<string, unknown>[],
  options: BatchWriteOptions = {},
): Promise<BatchWriteResult> {
  if (items.length > BATCH_SIZE)
    throw new Error(`putBatch takes at most ${BATCH_SIZE} items, got ${items.length}.`);
  const maxAttempts = options.maxAttempts ?? 8;
  const base = options.baseDelayMs ?? 50;
  const sleep = options.sleep ?? defaultSleep;
  let pending = items.map((Item) => ({ PutRequest: { Item } }));
  let attempts = 0;
  while (pending.length > 0 && attempts < maxAttempts) {
    if (attempts > 0) await sleep(Math.random() * base * 2 ** (attempts - 1));
    attempts++;
    const out = await client.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
    pending = (out.UnprocessedItems?.[table] ?? []).flatMap((r) =>
      r.PutRequest?.Item ? [{ PutRequest: { Item: r.PutRequest.Item } }] : [],
    );
  }
  return { unprocessed: pending.map((r) => r.PutRequest.Item), attempts };
}
