import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { PENDING_INDEX, profilesTable } from "../definitions/tables";
import type { ProfileRemovals } from "../domain/customer/remove-profile";
import { lockRefusal } from "../domain/enrollment/enrollment-lock";
import type {
  AccountContacts,
  AccountDirectory,
  AccountSecrets,
  EnrollmentProfiles,
  PendingEnrollments,
  Profile,
  ProfileStore,
} from "../domain/enrollment/ports";
import type { NoticeProfiles } from "../domain/notices/ports";
import type { NoticeProfile } from "../domain/notices/rules";
import { batchGetAll, getItems } from "./batch-reader";
import { conditionFailureItem, isConditionFailure } from "./security-store";

/**
 * The profiles table: one item per account that started an enrollment. Every write is conditional
 * on the enrollment that holds the lock, so two enrollments can never interleave their writes.
 */

/** String sets come back as Set; the domain reads arrays. */
function toProfile(item: Record<string, unknown> | undefined): Profile | undefined {
  if (!item) return undefined;
  const list = (value: unknown): string[] => (value instanceof Set ? [...(value as Set<string>)] : []);
  return {
    ...(item as unknown as Profile),
    cognitoEmails: list(item.cognitoEmails),
    completedEnrollments: list(item.completedEnrollments),
  };
}

/**
 * What a profile that goes back to not enrolled loses (expiry and removal alike): status, address,
 * language, link, the enrollment's bookkeeping.
 */
const NOT_ENROLLED =
  "#status, email, #language, confirmationTokenHash, pendingSince, pendingEmail, pendingLanguage, " +
  "completedEnrollmentId, emailSentFor";

/** The profile as an enrollment (and the expiry it may run) writes it: all but the confirmation's write. */
export function enrollmentProfiles(client: DynamoDBDocumentClient, table: string): EnrollmentProfiles {
  const get = async (customerNumber: string) => {
    const out = await client.send(
      new GetCommand({ TableName: table, Key: { customerNumber }, ConsistentRead: true }),
    );
    return toProfile(out.Item);
  };
  return {
    get,

    async acquire(customerNumber, enrollment, now, lockSeconds) {
      const nowMs = now.getTime();
      try {
        const out = await client.send(
          new UpdateCommand({
            TableName: table,
            Key: { customerNumber },
            UpdateExpression:
              "SET enrollmentId = :id, lockOwner = :owner, lockedUntil = :until, pendingEmail = :email, pendingLanguage = :lang, " +
              "#status = if_not_exists(#status, :pending), billing = if_not_exists(billing, :paper), updatedAt = :iso, " +
              // The first attempt starts the 24 hours, so that even one that never completed (a
              // crash after creating its user) expires; a completed enrollment restarts them.
              "pendingSince = if_not_exists(pendingSince, :now) " +
              "ADD cognitoEmails :emails",
            // A profile with no status (an expired enrollment) is not enrolled: `<>` alone is false
            // for a missing attribute. This enrollment once completed (lockRefusal's COMPLETED:
            // done, or replaced; an expiry or removal keeps `completedEnrollments`) is refused too,
            // so that no read is needed before the lock.
            ConditionExpression:
              "attribute_not_exists(customerNumber) OR ((attribute_not_exists(#status) OR #status <> :active) AND " +
              "(attribute_not_exists(lockedUntil) OR lockedUntil < :now) AND " +
              "NOT (completedEnrollmentId = :id AND emailSentFor = :id) AND " +
              "NOT (contains(completedEnrollments, :id) AND " +
              "(attribute_not_exists(completedEnrollmentId) OR completedEnrollmentId <> :id)))",
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: {
              ":id": enrollment.id,
              ":owner": enrollment.lockOwner,
              ":until": nowMs + lockSeconds * 1000,
              ":email": enrollment.email,
              ":lang": enrollment.language,
              ":pending": "PENDING_CONFIRMATION",
              ":paper": "paper",
              ":active": "ACTIVE",
              ":now": nowMs,
              ":iso": now.toISOString(),
              ":emails": new Set([enrollment.email]),
            },
            ReturnValues: "ALL_NEW",
            ReturnValuesOnConditionCheckFailure: "ALL_OLD",
          }),
        );
        return { acquired: true, profile: toProfile(out.Attributes) as Profile };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        // The reason comes from the item the refused write saw; a read only if none came back.
        const item = conditionFailureItem(error);
        const seen = item ? toProfile(item) : await get(customerNumber);
        return { acquired: false, reason: lockRefusal(seen, enrollment.id) };
      }
    },

    async forgetCognitoEmail(customerNumber, email) {
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: { customerNumber },
          UpdateExpression: "DELETE cognitoEmails :emails",
          ExpressionAttributeValues: { ":emails": new Set([email]) },
        }),
      );
    },

    async dropConfirmation(customerNumber, lock, email) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key: { customerNumber },
            UpdateExpression: "REMOVE confirmationTokenHash",
            ConditionExpression: "lockOwner = :owner AND email = :email AND #status <> :active",
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: { ":owner": lock.lockOwner, ":email": email, ":active": "ACTIVE" },
          }),
        );
      } catch (error) {
        // Not the profile's address (an older attempt's), or the lock is gone: no link to drop.
        if (!isConditionFailure(error)) throw error;
      }
    },

    async complete(customerNumber, enrollment, now) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key: { customerNumber },
            UpdateExpression:
              "SET email = :email, #language = :lang, confirmationTokenHash = :hash, completedEnrollmentId = :id, " +
              "#status = :pending, lockedUntil = :zero, pendingSince = :since " +
              "REMOVE pendingEmail, pendingLanguage ADD completedEnrollments :ids",
            ConditionExpression: "lockOwner = :owner AND #status <> :active",
            ExpressionAttributeNames: { "#status": "status", "#language": "language" },
            ExpressionAttributeValues: {
              ":email": enrollment.email,
              ":lang": enrollment.language,
              ":hash": enrollment.confirmationTokenHash,
              ":id": enrollment.id,
              ":ids": new Set([enrollment.id]),
              ":owner": enrollment.lockOwner,
              ":pending": "PENDING_CONFIRMATION",
              ":active": "ACTIVE",
              ":zero": 0,
              ":since": now.getTime(),
            },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    async abandon(customerNumber, enrollment) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key: { customerNumber },
            UpdateExpression:
              "SET lockedUntil = :zero REMOVE pendingEmail, pendingLanguage DELETE cognitoEmails :emails",
            // The request holding the lock, not any copy of it (same enrollment id): a copy whose
            // lock ran out must not undo the writes of the one that holds it now.
            ConditionExpression: "lockOwner = :owner",
            ExpressionAttributeValues: {
              ":zero": 0,
              ":owner": enrollment.lockOwner,
              ":emails": new Set([enrollment.email]),
            },
          }),
        );
      } catch (error) {
        // Another enrollment took over meanwhile: nothing of ours to undo.
        if (!isConditionFailure(error)) throw error;
      }
    },

    async release(customerNumber, lock) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key: { customerNumber },
            UpdateExpression: "SET lockedUntil = :zero",
            ConditionExpression: "lockOwner = :owner",
            ExpressionAttributeValues: { ":zero": 0, ":owner": lock.lockOwner },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    },

    async markEmailSent(customerNumber, enrollmentId) {
      await client
        .send(
          new UpdateCommand({
            TableName: table,
            Key: { customerNumber },
            UpdateExpression: "SET emailSentFor = :id",
            ConditionExpression: "completedEnrollmentId = :id",
            ExpressionAttributeValues: { ":id": enrollmentId },
          }),
        )
        .catch((error: unknown) => {
          if (!isConditionFailure(error)) throw error;
        });
    },

    async beginExpiry(customerNumber, lock, now, startedBy, lockSeconds) {
      const nowMs = now.getTime();
      try {
        const out = await client.send(
          new UpdateCommand({
            TableName: table,
            Key: { customerNumber },
            // The link dies first: whatever fails after, it can no longer confirm anything.
            UpdateExpression: "SET lockOwner = :owner, lockedUntil = :until REMOVE confirmationTokenHash",
            ConditionExpression:
              "#status = :pending AND pendingSince <= :startedBy AND " +
              "(attribute_not_exists(lockedUntil) OR lockedUntil < :now)",
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: {
              ":owner": lock.lockOwner,
              ":until": nowMs + lockSeconds * 1000,
              ":pending": "PENDING_CONFIRMATION",
              ":startedBy": startedBy.getTime(),
              ":now": nowMs,
            },
            ReturnValues: "ALL_NEW",
          }),
        );
        return toProfile(out.Attributes) ?? null;
      } catch (error) {
        if (isConditionFailure(error)) return null;
        throw error;
      }
    },

    async finishExpiry(customerNumber, lock, now) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key: { customerNumber },
            // Back to not enrolled; the billing preference (paper) and any bounce flag stay.
            UpdateExpression: `SET lockedUntil = :zero, expiredAt = :iso, updatedAt = :iso REMOVE ${NOT_ENROLLED}, cognitoEmails`,
            ConditionExpression: "lockOwner = :owner",
            ExpressionAttributeNames: { "#status": "status", "#language": "language" },
            ExpressionAttributeValues: { ":zero": 0, ":iso": now.toISOString(), ":owner": lock.lockOwner },
          }),
        );
        return true;
      } catch (error) {
        // The lock ran out and an enrollment took the account meanwhile: the profile is its now.
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
  };
}

/**
 * The whole profile store: the enrollment's writes and the confirmation's. Apart from
 * enrollmentProfiles so that the enrollments function bundles no activation.
 */
export function profileStore(client: DynamoDBDocumentClient, table: string): ProfileStore {
  return {
    ...enrollmentProfiles(client, table),

    async activate(customerNumber, confirmationTokenHash, now) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key: { customerNumber },
            // Out of the pending index: an ACTIVE profile never expires.
            UpdateExpression:
              "SET #status = :active, billing = :electronic, activatedAt = :iso, electronicSince = :iso, emailVerified = :true " +
              "REMOVE pendingSince",
            ConditionExpression:
              "confirmationTokenHash = :hash AND attribute_not_exists(pendingEmail) AND #status <> :active",
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: {
              ":active": "ACTIVE",
              ":electronic": "electronic",
              ":iso": now.toISOString(),
              ":true": true,
              ":hash": confirmationTokenHash,
            },
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

/** The unconfirmed enrollments by when they began, through the sparse `pendingSince` index. */
export function pendingEnrollments(client: DynamoDBDocumentClient, table: string): PendingEnrollments {
  return {
    async *startedBy(startedBy) {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: table,
            IndexName: PENDING_INDEX,
            KeyConditionExpression: "#status = :pending AND pendingSince <= :startedBy",
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: {
              ":pending": "PENDING_CONFIRMATION",
              ":startedBy": startedBy.getTime(),
            },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const item of page.Items ?? []) yield String(item.customerNumber);
        start = page.LastEvaluatedKey;
      } while (start);
    },
  };
}

/**
 * The account's secrets and its profile in one BatchGetItem, so that a known and an unknown
 * customer number cost exactly the same call.
 */
export function accountDirectory(
  client: DynamoDBDocumentClient,
  tables: { accounts: string; profiles: string },
): AccountDirectory {
  return {
    async lookup(customerNumber) {
      const found = await batchGetAll(client, {
        [tables.accounts]: { Keys: [{ customerNumber }], ConsistentRead: true },
        [tables.profiles]: { Keys: [{ customerNumber }], ConsistentRead: true },
      });
      const account = found[tables.accounts]?.[0];
      const profile = found[tables.profiles]?.[0];
      return {
        ...(account ? { account: account as unknown as AccountSecrets } : {}),
        ...(profile ? { profile: toProfile(profile) as Profile } : {}),
      };
    },
  };
}

/** The contact details the billing system gave for an account (accounts.csv). */
export function accountContacts(client: DynamoDBDocumentClient, table: string): AccountContacts {
  return {
    async contactOf(customerNumber) {
      const out = await client.send(
        new GetCommand({
          TableName: table,
          Key: { customerNumber },
          ProjectionExpression: "contactEmail, #l",
          ExpressionAttributeNames: { "#l": "language" },
        }),
      );
      if (!out.Item) return undefined;
      const email =
        typeof out.Item.contactEmail === "string" && out.Item.contactEmail
          ? out.Item.contactEmail
          : undefined;
      return { ...(email ? { email } : {}), language: out.Item.language === "en" ? "en" : "fr" };
    },
  };
}

/** The profiles the notice rules read: many at once (a page of bills), or one (at send time). */
export function noticeProfiles(client: DynamoDBDocumentClient, table: string): NoticeProfiles {
  return {
    async getMany(customerNumbers) {
      return (await getItems(client, table, "customerNumber", customerNumbers)) as Map<string, NoticeProfile>;
    },
    async get(customerNumber) {
      const out = await client.send(
        new GetCommand({ TableName: table, Key: { customerNumber }, ConsistentRead: true }),
      );
      return out.Item as NoticeProfile | undefined;
    },
  };
}

/**
 * Marks every profile with this address undeliverable and flags it for support (found through the
 * `byEmail` index). Returns how many profiles were flagged. Idempotent.
 */
export async function flagUndeliverable(
  client: DynamoDBDocumentClient,
  table: string,
  email: string,
  reason: "BOUNCE" | "COMPLAINT",
  now: Date,
): Promise<number> {
  const found = await client.send(
    new QueryCommand({
      TableName: table,
      IndexName: profilesTable.globalIndexes[0].name,
      KeyConditionExpression: "email = :e",
      ExpressionAttributeValues: { ":e": email },
    }),
  );
  let flagged = 0;
  for (const item of found.Items ?? []) {
    await client
      .send(
        new UpdateCommand({
          TableName: table,
          Key: { customerNumber: item.customerNumber },
          UpdateExpression:
            "SET emailUndeliverable = :true, supportFlag = :reason, flaggedAt = if_not_exists(flaggedAt, :iso)",
          ConditionExpression: "email = :e",
          ExpressionAttributeValues: {
            ":true": true,
            ":reason": reason,
            ":iso": now.toISOString(),
            ":e": email,
          },
        }),
      )
      .then(
        () => flagged++,
        (error: unknown) => {
          // The address changed meanwhile (a new enrollment): the new one is not the bouncing one.
          if (!isConditionFailure(error)) throw error;
        },
      );
  }
  return flagged;
}

/**
 * The removal of a profile (support's revoke, DELETE /v1/me, a closed account): see
 * domain/customer/remove-profile.ts. Neither write creates a profile.
 */
export function profileRemovals(client: DynamoDBDocumentClient, table: string): ProfileRemovals {
  return {
    async beginRemoval(customerNumber, lock, now, lockSeconds) {
      try {
        const out = await client.send(
          new UpdateCommand({
            TableName: table,
            Key: { customerNumber },
            // No condition on the lock: the removal wins over an enrollment in flight, whose next
            // write is conditional on its own lockOwner and fails.
            UpdateExpression:
              "SET lockOwner = :owner, lockedUntil = :until, billing = :paper, updatedAt = :iso " +
              "REMOVE #status, confirmationTokenHash, electronicSince, pendingSince",
            ConditionExpression: "attribute_exists(customerNumber)",
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: {
              ":owner": lock.lockOwner,
              ":until": now.getTime() + lockSeconds * 1000,
              ":paper": "paper",
              ":iso": now.toISOString(),
            },
            ReturnValues: "ALL_OLD",
          }),
        );
        return toProfile(out.Attributes) ?? null;
      } catch (error) {
        if (isConditionFailure(error)) return null;
        throw error;
      }
    },

    async finishRemoval(customerNumber, lock, now, reason, forgotten) {
      const forget = forgotten.length > 0;
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key: { customerNumber },
            UpdateExpression:
              "SET lockedUntil = :zero, billing = :paper, removedAt = :iso, removalReason = :reason, updatedAt = :iso " +
              `REMOVE ${NOT_ENROLLED}, activatedAt, electronicSince, emailVerified` +
              (forget ? " DELETE cognitoEmails :forgotten" : ""),
            ConditionExpression: "lockOwner = :owner",
            ExpressionAttributeNames: { "#status": "status", "#language": "language" },
            ExpressionAttributeValues: {
              ":zero": 0,
              ":paper": "paper",
              ":iso": now.toISOString(),
              ":reason": reason,
              ":owner": lock.lockOwner,
              ...(forget ? { ":forgotten": new Set(forgotten) } : {}),
            },
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
