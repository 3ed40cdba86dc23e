import { type DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { FailureBudget } from "../domain/enrollment/ports";
import { getItems } from "./batch-reader";

/**
 * The stage's failed verifications of the last hour, as atomic counters in the security table:
 * `FAILURES#<bucket start>#<shard>`, one item per 5-minute bucket and shard, with a TTL.
 *
 * - Writes: one ADD per failure on a random shard of the current bucket. 8 shards keep a burst of
 *   thousands of failures a second off a single hot key (a partition takes 1,000 writes a second).
 * - Reads: the last 12 buckets × 8 shards, 96 keys, one BatchGetItem, cached per function
 *   instance for `cacheMs`. A failure answered outside step-up reads again at once, so an
 *   instance never answers more than one failure past the budget without having seen the count
 *   (README, "Guessing": the overshoot is at most one failure per concurrent instance).
 */
export const BUDGET_BUCKET_MS = 5 * 60 * 1000;
export const BUDGET_BUCKETS = 12;
export const BUDGET_SHARDS = 8;

export interface FailureBudgetOptions {
  readonly perHour: number;
  readonly cacheMs?: number;
  /** Told when this instance sees the mode change (logs and metrics). */
  readonly onChange?: (change: { stepUp: boolean; failuresLastHour: number }) => void;
  readonly random?: () => number;
}

const bucketOf = (ms: number) => Math.floor(ms / BUDGET_BUCKET_MS) * BUDGET_BUCKET_MS;

export function failureBudget(
  client: DynamoDBDocumentClient,
  table: string,
  options: FailureBudgetOptions,
): FailureBudget & { failuresLastHour(now: Date): Promise<number> } {
  const cacheMs = options.cacheMs ?? 10_000;
  const random = options.random ?? Math.random;
  let cached: { at: number; count: number } | undefined;
  let mode: boolean | undefined;

  async function count(nowMs: number): Promise<number> {
    const current = bucketOf(nowMs);
    const keys: string[] = [];
    for (let b = 0; b < BUDGET_BUCKETS; b++) {
      for (let s = 0; s < BUDGET_SHARDS; s++) keys.push(`FAILURES#${current - b * BUDGET_BUCKET_MS}#${s}`);
    }
    const items = await getItems(client, table, "pk", keys);
    let total = 0;
    for (const item of items.values()) total += Number(item.failures ?? 0);
    cached = { at: nowMs, count: total };
    const stepUp = total >= options.perHour;
    if (mode !== undefined && mode !== stepUp) options.onChange?.({ stepUp, failuresLastHour: total });
    mode = stepUp;
    return total;
  }

  return {
    async stepUp(now) {
      const nowMs = now.getTime();
      const total =
        cached && nowMs - cached.at < cacheMs && nowMs >= cached.at ? cached.count : await count(nowMs);
      return total >= options.perHour;
    },
    async recordFailure(now, decided) {
      const nowMs = now.getTime();
      const bucket = bucketOf(nowMs);
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: `FAILURES#${bucket}#${Math.floor(random() * BUDGET_SHARDS)}` },
          UpdateExpression: "ADD failures :one SET expiresAtEpoch = :exp",
          ExpressionAttributeValues: {
            ":one": 1,
            // Kept a little past the hour it counts in.
            ":exp": Math.ceil((bucket + (BUDGET_BUCKETS + 1) * BUDGET_BUCKET_MS) / 1000),
          },
        }),
      );
      if (!decided.stepUp) await count(nowMs);
      else if (cached) cached = { ...cached, count: cached.count + 1 };
    },
    failuresLastHour: (now) => count(now.getTime()),
  };
}
