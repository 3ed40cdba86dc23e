import { BatchGetCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/** BatchGetItem takes at most 100 keys. */
const MAX_KEYS = 100;

/**
 * Which of these partition-key values have an item in the table (only the key is read). Unprocessed
 * keys are retried with backoff; keys still unprocessed after every attempt make it throw, since
 * "unknown" must never be guessed.
 */
export async function existingKeys(
  client: DynamoDBDocumentClient,
  table: string,
  keyName: string,
  values: readonly string[],
  options: { maxAttempts?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<Set<string>> {
  const found = new Set<string>();
  const maxAttempts = options.maxAttempts ?? 8;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const unique = [...new Set(values)];
  for (let i = 0; i < unique.length; i += MAX_KEYS) {
    let keys: Record<string, unknown>[] = unique.slice(i, i + MAX_KEYS).map((v) => ({ [keyName]: v }));
    let attempts = 0;
    while (keys.length > 0) {
      if (attempts >= maxAttempts)
        throw new Error(`DynamoDB left ${keys.length} keys unread after ${attempts} attempts.`);
      if (attempts > 0) await sleep(Math.random() * 50 * 2 ** (attempts - 1));
      attempts++;
      const out = await client.send(
        new BatchGetCommand({
          RequestItems: {
            [table]: { Keys: keys, ProjectionExpression: "#k", ExpressionAttributeNames: { "#k": keyName } },
          },
        }),
      );
      for (const item of out.Responses?.[table] ?? []) found.add(String(item[keyName]));
      keys = (out.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return found;
}
