import { type AttributeValue, ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import {
  type AttemptState,
  DAY_MS,
  describeAttempts,
  type LimiterConfig,
  lockoutAfterFailure,
  releaseAttempt,
  reserveAttempt,
  stateExpiry,
} from "../domain/enrollment/attempt-window";
import type {
  AttemptLimiter,
  Challenge,
  Challenges,
  ConfirmationTokens,
  VerificationTokens,
} from "../domain/enrollment/ports";
import type { AttemptInspector } from "../domain/support/ports";

/**
 * Short-lived security state in the security table, every item with a TTL:
 * `ATTEMPTS#<customer number>` (the attempts of the last day and lockouts), `VTOKEN#<hash>` (verification tokens),
 * `CTOKEN#<hash>` (confirmation tokens). Tokens are stored only as hashes.
 */

export type { LimiterConfig } from "../domain/enrollment/attempt-window";

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

/** Optimistic writes of one customer number's attempts: enough for 50 parallel guesses to settle. */
const MAX_WRITE_TRIES = 16;

const pause = () => new Promise((done) => setTimeout(done, 2 + Math.random() * 8));

const attemptsKey = (customerNumber: string) => ({ pk: `ATTEMPTS#${customerNumber}` });

/** One customer number's attempts item, read consistently (the limiter and support's view). */
async function readAttemptState(
  client: DynamoDBDocumentClient,
  table: string,
  customerNumber: string,
): Promise<{ state: AttemptState; version: number }> {
  const out = await client.send(
    new GetCommand({ TableName: table, Key: attemptsKey(customerNumber), ConsistentRead: true }),
  );
  const item = out.Item;
  const state: AttemptState = {
    attempts: Array.isArray(item?.attempts) ? (item.attempts as unknown[]).map(Number) : [],
    ...(item?.lockedUntil !== undefined ? { lockedUntil: Number(item.lockedUntil) } : {}),
    ...(item?.lockouts !== undefined ? { lockouts: Number(item.lockouts) } : {}),
  };
  return { state, version: Number(item?.version ?? 0) };
}

/** The attempts as support sees them (`support status`): read only, nothing reserved. */
export function attemptInspector(
  client: DynamoDBDocumentClient,
  table: string,
  config: LimiterConfig,
): AttemptInspector {
  return {
    async inspect(customerNumber, now) {
      const { state } = await readAttemptState(client, table, customerNumber);
      const summary = describeAttempts(state, now.getTime(), config);
      return {
        inWindow: summary.inWindow,
        inDay: summary.inDay,
        ...(summary.blockedUntil !== undefined ? { blockedUntil: new Date(summary.blockedUntil) } : {}),
        ...(summary.reason ? { reason: summary.reason } : {}),
      };
    },
  };
}

/**
 * The attempt limiter on the security table: one item per customer number, known or not, holding
 * the attempts of the last 24 hours. The rules are `attempt-window.ts`; each change is a
 * read then a write conditioned on the version read, so two requests never both take the last slot.
 */
export function attemptLimiter(
  client: DynamoDBDocumentClient,
  table: string,
  config: LimiterConfig,
): AttemptLimiter {
  const key = attemptsKey;
  const read = (customerNumber: string) => readAttemptState(client, table, customerNumber);

  /** Writes the attempts list if nobody changed the item since it was read; false when someone did. */
  async function writeAttempts(
    customerNumber: string,
    next: AttemptState,
    version: number,
  ): Promise<boolean> {
    try {
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: key(customerNumber),
          UpdateExpression: "SET attempts = :attempts, version = :next, expiresAtEpoch = :exp",
          ConditionExpression: "attribute_not_exists(pk) OR version = :version",
          ExpressionAttributeValues: {
            ":attempts": [...next.attempts],
            ":version": version,
            ":next": version + 1,
            ":exp": epochSeconds(stateExpiry(next)),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  return {
    async reserve(customerNumber, now) {
      const nowMs = now.getTime();
      for (let tries = 0; tries < MAX_WRITE_TRIES; tries++) {
        const { state, version } = await read(customerNumber);
        const result = reserveAttempt(state, nowMs, config);
        if (!result.allowed) return result;
        if (await writeAttempts(customerNumber, result.next, version)) return result;
        await pause();
      }
      // Still contended after every try: refuse rather than evaluate without a reservation.
      return { allowed: false, retryAfterSeconds: 1, reason: "window" };
    },

    async recordFailure(customerNumber, reserved, now) {
      const lockout = lockoutAfterFailure(reserved.reservation, now.getTime(), config);
      if (!lockout) return false;
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: key(customerNumber),
          // The version moves too: a reservation read before the lockout must read again.
          UpdateExpression:
            "SET lockedUntil = :until, lockouts = :lockouts, version = if_not_exists(version, :zero) + :one, expiresAtEpoch = :exp",
          ExpressionAttributeValues: {
            ":until": lockout.lockedUntil,
            ":lockouts": lockout.lockouts,
            ":zero": 0,
            ":one": 1,
            ":exp": epochSeconds(lockout.lockedUntil + DAY_MS),
          },
        }),
      );
      return true;
    },

    async release(customerNumber, reserved) {
      for (let tries = 0; tries < MAX_WRITE_TRIES; tries++) {
        const { state, version } = await read(customerNumber);
        const next = releaseAttempt(state, reserved.reservation);
        if (next === state || (await writeAttempts(customerNumber, next, version))) return;
        await pause();
      }
    },

    async clear(customerNumber) {
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: key(customerNumber),
          UpdateExpression:
            "SET attempts = :none, version = if_not_exists(version, :zero) + :one REMOVE lockedUntil, lockouts",
          ExpressionAttributeValues: { ":none": [], ":zero": 0, ":one": 1 },
        }),
      );
    },
  };
}

/*
 * Each token store's writer and reader apart: a function bundles the calls it makes (verifications
 * issues, enrollments consumes and stores, confirmation finds), not the other function's.
 */

export function verificationTokenIssuer(
  client: DynamoDBDocumentClient,
  table: string,
): Pick<VerificationTokens, "issue"> {
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
  };
}

export function verificationTokenConsumer(
  client: DynamoDBDocumentClient,
  table: string,
): Pick<VerificationTokens, "consume"> {
  return {
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

export function verificationTokens(client: DynamoDBDocumentClient, table: string): VerificationTokens {
  return { ...verificationTokenIssuer(client, table), ...verificationTokenConsumer(client, table) };
}

export function confirmationTokenWriter(
  client: DynamoDBDocumentClient,
  table: string,
): Pick<ConfirmationTokens, "store"> {
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
  };
}

export function confirmationTokenReader(
  client: DynamoDBDocumentClient,
  table: string,
): Pick<ConfirmationTokens, "find"> {
  return {
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

export function confirmationTokens(client: DynamoDBDocumentClient, table: string): ConfirmationTokens {
  return { ...confirmationTokenWriter(client, table), ...confirmationTokenReader(client, table) };
}

/** Step-up challenges: `CHALLENGE#<hash of the id>`; the code is derived, never stored. */
export function challengeStore(client: DynamoDBDocumentClient, table: string): Challenges {
  const key = (hash: string) => ({ pk: `CHALLENGE#${hash}` });
  const challengeOf = (item: Record<string, unknown> | undefined): Challenge | null =>
    item
      ? {
          customerNumber: String(item.customerNumber),
          matched: item.matched === true,
          expiresAt: new Date(Number(item.expiresAtMs)),
          ...(typeof item.keyVersion === "string" ? { keyVersion: item.keyVersion } : {}),
        }
      : null;
  return {
    async create(hash, challenge) {
      await client.send(
        new PutCommand({
          TableName: table,
          Item: {
            ...key(hash),
            customerNumber: challenge.customerNumber,
            matched: challenge.matched,
            ...(challenge.keyVersion ? { keyVersion: challenge.keyVersion } : {}),
            tries: 0,
            expiresAtMs: challenge.expiresAt.getTime(),
            expiresAtEpoch: epochSeconds(challenge.expiresAt.getTime()) + 3600,
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    },
    async find(hash, now) {
      const out = await client.send(
        new GetCommand({ TableName: table, Key: key(hash), ConsistentRead: true }),
      );
      const challenge = challengeOf(out.Item);
      return challenge && challenge.expiresAt.getTime() > now.getTime() ? challenge : null;
    },
    async tryCode(hash, now, maxTries) {
      try {
        const out = await client.send(
          new UpdateCommand({
            TableName: table,
            Key: key(hash),
            UpdateExpression: "SET tries = tries + :one",
            ConditionExpression: "attribute_exists(pk) AND tries < :max AND expiresAtMs > :now",
            ExpressionAttributeValues: { ":one": 1, ":max": maxTries, ":now": now.getTime() },
            ReturnValues: "ALL_NEW",
          }),
        );
        return challengeOf(out.Attributes);
      } catch (error) {
        if (isConditionFailure(error)) return null;
        throw error;
      }
    },
    async consume(hash) {
      try {
        await client.send(
          new DeleteCommand({
            TableName: table,
            Key: key(hash),
            ConditionExpression: "attribute_exists(pk)",
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
  };
}

export { conditionFailureItem, isConditionFailure };
