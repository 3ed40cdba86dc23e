import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import {
  type QuotaConfig,
  type QuotaState,
  quotaExpiry,
  reserveEmail,
} from "../domain/enrollment/email-quota";
import type { EnrollmentEmailQuota } from "../domain/enrollment/ports";
import { isConditionFailure } from "./security-store";

/**
 * The cap on enrollment e-mails in the security table: one item per account,
 * `ENROLLMENT_EMAILS#<customer number>`, holding the slots of the last 24 hours (enrollment id and
 * time) and the enrollments whose "already has a profile" e-mail went out; it expires through TTL a
 * day after its newest slot. The rules are email-quota.ts; each reservation is a read then a write
 * conditioned on the version read, so two requests never both take the last slot. (Enrollments of
 * one account also run one at a time under the profile's lock: contention is rare.)
 */

const MAX_WRITE_TRIES = 8;
const pause = () => new Promise((done) => setTimeout(done, 2 + Math.random() * 8));
const epochSeconds = (ms: number) => Math.ceil(ms / 1000);

export function enrollmentEmailQuota(
  client: DynamoDBDocumentClient,
  table: string,
  config: QuotaConfig,
): EnrollmentEmailQuota {
  const key = (customerNumber: string) => ({ pk: `ENROLLMENT_EMAILS#${customerNumber}` });

  async function read(customerNumber: string): Promise<{ state: QuotaState; version: number }> {
    const out = await client.send(
      new GetCommand({ TableName: table, Key: key(customerNumber), ConsistentRead: true }),
    );
    const item = out.Item;
    const sends = Array.isArray(item?.sends)
      ? (item.sends as { id?: unknown; at?: unknown }[]).map((s) => ({ id: String(s.id), at: Number(s.at) }))
      : [];
    const notified = item?.notified instanceof Set ? [...(item.notified as Set<string>)] : [];
    return { state: { sends, notified }, version: Number(item?.version ?? 0) };
  }

  return {
    async reserve(customerNumber, enrollmentId, now) {
      for (let tries = 0; tries < MAX_WRITE_TRIES; tries++) {
        const { state, version } = await read(customerNumber);
        const decision = reserveEmail(state, enrollmentId, now.getTime(), config);
        if (!decision.allowed) return decision;
        if (!decision.next) return { allowed: true, notified: decision.notified };
        try {
          await client.send(
            new UpdateCommand({
              TableName: table,
              Key: key(customerNumber),
              // `notified` is left alone: markNotified adds to it; ids whose slot left the window
              // stay in it harmlessly until the item expires.
              UpdateExpression: "SET sends = :sends, version = :next, expiresAtEpoch = :exp",
              ConditionExpression: "attribute_not_exists(pk) OR version = :version",
              ExpressionAttributeValues: {
                ":sends": decision.next.sends.map((s) => ({ id: s.id, at: s.at })),
                ":version": version,
                ":next": version + 1,
                ":exp": epochSeconds(quotaExpiry(decision.next, config)) + 3600,
              },
            }),
          );
          return { allowed: true, notified: false };
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
        }
        await pause();
      }
      // Still contended after every try: refuse for a moment rather than send without a slot.
      return { allowed: false, retryAfterSeconds: 1 };
    },

    async markNotified(customerNumber, enrollmentId) {
      // Adding to a set: the same enrollment twice changes nothing.
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: key(customerNumber),
          UpdateExpression: "ADD notified :ids",
          ExpressionAttributeValues: { ":ids": new Set([enrollmentId]) },
        }),
      );
    },
  };
}
