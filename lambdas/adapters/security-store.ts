import { type AttributeValue, ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type {
  AttemptLimiter,
  AttemptReservation,
  ConfirmationTokens,
  VerificationTokens,
} from "../domain/enrollment/ports";

/**
 * Short-lived security state in the security table, every item with a TTL:
 * `ATTEMPTS#<customer number>` (attempt counter and lockouts), `VTOKEN#<hash>` (verification tokens),
 * `CTOKEN#<hash>` (confirmation tokens). Tokens are stored only as hashes.
 */

export interface LimiterConfig {
  readonly maxFailures: number;
  readonly windowSeconds: number;
  readonly lockoutSeconds: number;
}

/** Lockouts double each time, up to a day. */
export const MAX_LOCKOUT_SECONDS = 24 * 60 * 60;
/** How long the count of past lockouts is remembered after the last attempt. */
const LOCKOUT_MEMORY_SECONDS = 24 * 60 * 60;

const epochSeconds = (ms: number) => Math.ceil(ms / 1000);

function isConditionFailure(error: unknown): error is ConditionalCheckFailedException {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as { name?: string })?.name === "ConditionalCheckFailedException"
  );
}

/**
 * The item a failed condition saw (ReturnValuesOnConditionCheckFailure: ALL_OLD). The document
 * client does not unmarshall it: it arrives in DynamoDB's attribute-value form.
 */
function conditionFailureItem(error: unknown): Record<string, unknown> | undefined {
  const item = (error as { Item?: Record<string, AttributeValue> }).Item;
  return item ? unmarshall(item) : undefined;
}

export function lockoutSeconds(config: LimiterConfig, previousLockouts: number): number {
  return Math.min(MAX_LOCKOUT_SECONDS, config.lockoutSeconds * 2 ** Math.min(previousLockouts, 20));
}

export function attemptLimiter(
  client: DynamoDBDocumentClient,
  table: string,
  config: LimiterConfig,
): AttemptLimiter {
  const key = (customerNumber: string) => ({ pk: `ATTEMPTS#${customerNumber}` });
  const expiry = (nowMs: number, extraMs = 0) =>
    epochSeconds(nowMs + extraMs + Math.max(config.windowSeconds, LOCKOUT_MEMORY_SECONDS) * 1000);

  return {
    async reserve(customerNumber, now) {
      const nowMs = now.getTime();
      const floor = nowMs - config.windowSeconds * 1000;
      const notLocked = "(attribute_not_exists(lockedUntil) OR lockedUntil <= :now)";
      try {
        // A new window: no counter yet, or the last window is over.
        const out = await client.send(
          new UpdateCommand({
            TableName: table,
            Key: key(customerNumber),
            UpdateExpression: "SET attempts = :one, windowStart = :now, expiresAtEpoch = :exp",
            ConditionExpression: `(attribute_not_exists(pk) OR windowStart < :floor) AND ${notLocked}`,
            ExpressionAttributeValues: { ":one": 1, ":now": nowMs, ":floor": floor, ":exp": expiry(nowMs) },
            ReturnValues: "ALL_NEW",
          }),
        );
        return reservation(out.Attributes);
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      try {
        // The window is open: one more attempt, if it has room.
        const out = await client.send(
          new UpdateCommand({
            TableName: table,
            Key: key(customerNumber),
            UpdateExpression: "SET attempts = attempts + :one, expiresAtEpoch = :exp",
            ConditionExpression: `windowStart >= :floor AND attempts < :max AND ${notLocked}`,
            ExpressionAttributeValues: {
              ":one": 1,
              ":now": nowMs,
              ":floor": floor,
              ":max": config.maxFailures,
              ":exp": expiry(nowMs),
            },
            ReturnValues: "ALL_NEW",
            ReturnValuesOnConditionCheckFailure: "ALL_OLD",
          }),
        );
        return reservation(out.Attributes);
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const item = conditionFailureItem(error) ?? (await read(customerNumber));
        const lockedUntil = Number(item?.lockedUntil ?? 0);
        const windowEnd = Number(item?.windowStart ?? nowMs) + config.windowSeconds * 1000;
        const until = lockedUntil > nowMs ? lockedUntil : windowEnd;
        return {
          allowed: false,
          attempts: Number(item?.attempts ?? config.maxFailures),
          lockouts: Number(item?.lockouts ?? 0),
          retryAfterSeconds: Math.max(1, Math.ceil((until - nowMs) / 1000)),
        };
      }
    },

    async recordFailure(customerNumber, reserved, now) {
      if (reserved.attempts < config.maxFailures) return false;
      const nowMs = now.getTime();
      const seconds = lockoutSeconds(config, reserved.lockouts);
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: key(customerNumber),
          // The window starts over when the lockout ends.
          UpdateExpression:
            "SET lockedUntil = :until, attempts = :zero, windowStart = :zero, expiresAtEpoch = :exp ADD lockouts :one",
          ExpressionAttributeValues: {
            ":until": nowMs + seconds * 1000,
            ":zero": 0,
            ":one": 1,
            ":exp": expiry(nowMs, seconds * 1000),
          },
        }),
      );
      return true;
    },

    async reset(customerNumber) {
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: key(customerNumber),
          UpdateExpression: "SET attempts = :zero, windowStart = :zero",
          ExpressionAttributeValues: { ":zero": 0 },
        }),
      );
    },
  };

  async function read(customerNumber: string) {
    const out = await client.send(
      new GetCommand({ TableName: table, Key: key(customerNumber), ConsistentRead: true }),
    );
    return out.Item;
  }
}

function reservation(item: Record<string, unknown> | undefined): AttemptReservation {
  return {
    allowed: true,
    attempts: Number(item?.attempts ?? 1),
    lockouts: Number(item?.lockouts ?? 0),
    retryAfterSeconds: 0,
  };
}

export function verificationTokens(client: DynamoDBDocumentClient, table: string): VerificationTokens {
  return {
    async issue(hash, customerNumber, expiresAt) {
      await client.send(
        new PutCommand({
          TableName: table,
          Item: {
            pk: `VTOKEN#${hash}`,
            customerNumber,
            expiresAtMs: expiresAt.getTime(),
            expiresAtEpoch: epochSeconds(expiresAt.getTime()) + 3600,
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    },
    async consume(hash, email, now) {
      try {
        const out = await client.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: `VTOKEN#${hash}` },
            UpdateExpression: "SET usedBy = :email, usedAt = if_not_exists(usedAt, :now)",
            ConditionExpression:
              "attribute_exists(pk) AND expiresAtMs > :now AND (attribute_not_exists(usedBy) OR usedBy = :email)",
            ExpressionAttributeValues: { ":email": email, ":now": now.getTime() },
            ReturnValues: "ALL_NEW",
          }),
        );
        return String(out.Attributes?.customerNumber);
      } catch (error) {
        if (isConditionFailure(error)) return null;
        throw error;
      }
    },
  };
}

export function confirmationTokens(client: DynamoDBDocumentClient, table: string): ConfirmationTokens {
  return {
    async store(hash, customerNumber, expiresAt) {
      // The same enrollment derives the same token: a retry rewrites the same item.
      await client.send(
        new PutCommand({
          TableName: table,
          Item: {
            pk: `CTOKEN#${hash}`,
            customerNumber,
            expiresAtMs: expiresAt.getTime(),
            expiresAtEpoch: epochSeconds(expiresAt.getTime()) + 3600,
          },
        }),
      );
    },
    async find(hash, now) {
      const out = await client.send(
        new GetCommand({ TableName: table, Key: { pk: `CTOKEN#${hash}` }, ConsistentRead: true }),
      );
      const item = out.Item;
      if (!item || Number(item.expiresAtMs) <= now.getTime()) return null;
      return String(item.customerNumber);
    },
  };
}

export { conditionFailureItem, isConditionFailure };
