import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createDocumentClient } from "../../lambdas/adapters/dynamodb";
import { attemptLimiter } from "../../lambdas/adapters/security-store";
import { securityTable, tableName } from "../../lambdas/definitions/tables";
import { LOCAL_CREDENTIALS, LOCAL_PREFIX, LOCAL_REGION } from "../../local/settings";

/**
 * The attempt limiter's DynamoDB adapter on DynamoDB Local, on an injected clock: the sliding window
 * and the daily cap as the use case sees them. Customer numbers of this file: 92xxxxx.
 */
const { endpoints } = inject("localStack");
const raw = new DynamoDBClient({
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
  endpoint: endpoints.dynamodb,
});
const limiter = attemptLimiter(createDocumentClient(raw), tableName(LOCAL_PREFIX, securityTable), {
  maxFailures: 5,
  windowSeconds: 900,
  lockoutSeconds: 900,
  dailyMaxFailures: 10,
});
afterAll(() => raw.destroy());

let next = 9200000;
const at = (seconds: number) => new Date(Date.UTC(2030, 0, 1) + seconds * 1000);

async function fail(customer: string, seconds: number): Promise<boolean | "refused"> {
  const reserved = await limiter.reserve(customer, at(seconds));
  if (!reserved.allowed) return "refused";
  return limiter.recordFailure(customer, reserved, at(seconds));
}

describe("attempt limiter on DynamoDB", () => {
  it("locks an edge-of-window burst: 4 failures at the end of 15 minutes and 1 at the start of the next", async () => {
    const customer = String(next++);
    for (const s of [880, 885, 890, 895]) expect(await fail(customer, s)).toBe(false);
    expect(await fail(customer, 905)).toBe(true);
    const after = await limiter.reserve(customer, at(906));
    expect(after).toMatchObject({ allowed: false, reason: "lockout", retryAfterSeconds: 899 });
  });

  it("refuses the 11th failure of a day until the first is 24 hours old", async () => {
    const customer = String(next++);
    for (let i = 0; i < 10; i++) expect(await fail(customer, i * 240)).toBe(false);
    expect(await limiter.reserve(customer, at(2_400))).toMatchObject({
      allowed: false,
      reason: "day",
      retryAfterSeconds: 86_400 - 2_400,
    });
    expect((await limiter.reserve(customer, at(86_400))).allowed).toBe(true);
  });

  it("evaluates at most 5 of 50 parallel attempts", async () => {
    const customer = String(next++);
    const results = await Promise.all(Array.from({ length: 50 }, () => limiter.reserve(customer, at(0))));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
  });
});
