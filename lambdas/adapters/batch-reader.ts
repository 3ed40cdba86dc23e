import { BatchGetCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/** BatchGetItem takes at most 100 keys. */
const MAX_KEYS = 100;

export interface TableRead {
  readonly Keys: Record<string, unknown>[];
  readonly ConsistentRead?: boolean;
  readonly ProjectionExpression?: string;
  readonly ExpressionAttributeNames?: Record<string, string>;
}

export interface BatchReadOptions {
  /** Attempts for the keys DynamoDB leaves unprocessed. */
  readonly maxAttempts?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * One BatchGetItem (100 keys at most, over one or more tables), with its UnprocessedKeys retried
 * with backoff and jitter. Keys still unprocessed after every attempt make it throw: an item that
 * was not read must never pass for one that does not exist.
 */
export async function batchGetAll(
  client: DynamoDBDocumentClient,
  request: Readonly<Record<string, TableRead>>,
  options: BatchReadOptions = {},
): Promise<Record<string, Record<string, unknown>[]>> {
  const maxAttempts = options.maxAttempts ?? 8;
  const sleep = options.sleep ?? defaultSleep;
  const found: Record<string, Record<string, unknown>[]> = {};
  let pending: Record<string, TableRead> = Object.fromEntries(
    Object.entries(request).filter(([, read]) => read.Keys.length > 0),
  );
  for (let attempts = 0; Object.keys(pending).length > 0; attempts++) {
    if (attempts >= maxAttempts) {
      const left = Object.values(pending).reduce((n, read) => n + read.Keys.length, 0);
      throw new Error(`DynamoDB left ${left} keys unread after ${attempts} attempts.`);
    }
    if (attempts > 0) await sleep(Math.random() * 50 * 2 ** (attempts - 1));
    const out = await client.send(new BatchGetCommand({ RequestItems: pending }));
    for (const [table, items] of Object.entries(out.Responses ?? {})) {
      found[table] = [...(found[table] ?? []), ...items];
    }
    // Unprocessed keys keep the read's own options (projection, consistency).
    pending = Object.fromEntries(
      Object.entries(out.UnprocessedKeys ?? {})
        .filter(([, read]) => (read.Keys?.length ?? 0) > 0)
        .map(([table, read]) => [table, { ...request[table], Keys: read.Keys as Record<string, unknown>[] }]),
    );
  }
  return found;
}

/** The items of one table with these partition-key values, by value (any number of keys). */
export async function getItems(
  client: DynamoDBDocumentClient,
  table: string,
  keyName: string,
  values: readonly string[],
  options: BatchReadOptions & { keyOnly?: boolean } = {},
): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  const unique = [...new Set(values)];
  const projection = options.keyOnly
    ? { ProjectionExpression: "#k", ExpressionAttributeNames: { "#k": keyName } }
    : {};
  for (let i = 0; i < unique.length; i += MAX_KEYS) {
    const keys = unique.slice(i, i + MAX_KEYS).map((v) => ({ [keyName]: v }));
    const out = await batchGetAll(client, { [table]: { Keys: keys, ...projection } }, options);
    for (const item of out[table] ?? []) found.set(String(item[keyName]), item);
  }
  return found;
}

/** Which of these partition-key values have an item in the table (only the key is read). */
export async function existingKeys(
  client: DynamoDBDocumentClient,
  table: string,
  keyName: string,
  values: readonly string[],
  options: BatchReadOptions = {},
): Promise<Set<string>> {
  return new Set((await getItems(client, table, keyName, values, { ...options, keyOnly: true })).keys());
}
