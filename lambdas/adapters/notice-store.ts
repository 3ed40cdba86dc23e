import { randomUUID } from "node:crypto";
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import {
  CLAIM_LEASE_SECONDS,
  NOTICE_STATE_RETENTION_DAYS,
  SENDING_LEASE_SECONDS,
} from "../definitions/notices";
import { billKey, type NoticeStates } from "../domain/notices/ports";
import { conditionFailureItem, isConditionFailure } from "./security-store";

const retentionEpoch = (now: Date) => Math.ceil(now.getTime() / 1000) + NOTICE_STATE_RETENTION_DAYS * 86_400;

/**
 * The notices table: one item per claimed bill, `state` QUEUED → SENDING (leased to one sender) →
 * SENT (with SES's message id), or SKIPPED. Every transition is a conditional write.
 */
export function noticeStates(
  client: DynamoDBDocumentClient,
  table: string,
  options: { claimLeaseSeconds?: number } = {},
): NoticeStates {
  const claimLeaseMs = (options.claimLeaseSeconds ?? CLAIM_LEASE_SECONDS) * 1000;
  return {
    async claim(bill, runId, now) {
      const nowMs = now.getTime();
      try {
        const out = await client.send(
          new UpdateCommand({
            TableName: table,
            Key: { billKey: billKey(bill.customerNumber, bill.billId) },
            UpdateExpression:
              "SET #state = :queued, customerNumber = :c, billId = :b, runId = :run, claimedAt = :iso, leaseUntil = :lease",
            // The same run's own QUEUED claim too: its retry cannot tell whether the message
            // reached the queue before the cut-off, so it queues it again (the sender drops a second).
            ConditionExpression:
              "attribute_not_exists(billKey) OR #state = :skipped OR (#state IN (:queued, :sending) AND leaseUntil < :now) OR (#state = :queued AND runId = :run)",
            ExpressionAttributeNames: { "#state": "state" },
            ExpressionAttributeValues: {
              ":queued": "QUEUED",
              ":sending": "SENDING",
              ":skipped": "SKIPPED",
              ":c": bill.customerNumber,
              ":b": bill.billId,
              ":run": runId,
              ":iso": now.toISOString(),
              ":lease": nowMs + claimLeaseMs,
              ":now": nowMs,
            },
            ReturnValuesOnConditionCheckFailure: "ALL_OLD",
            ReturnValues: "UPDATED_OLD",
          }),
        );
        return out.Attributes?.runId === runId && out.Attributes?.state === "QUEUED" ? "resumed" : "claimed";
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        return conditionFailureItem(error)?.state === "SENT" ? "already-sent" : "already-queued";
      }
    },

    async beginSending(customerNumber, billId, now) {
      const nowMs = now.getTime();
      const owner = randomUUID();
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key: { billKey: billKey(customerNumber, billId) },
            UpdateExpression:
              "SET #state = :sending, leaseUntil = :lease, sendOwner = :owner ADD sendAttempts :one",
            ConditionExpression: "#state = :queued OR (#state = :sending AND leaseUntil < :now)",
            ExpressionAttributeNames: { "#state": "state" },
            ExpressionAttributeValues: {
              ":sending": "SENDING",
              ":queued": "QUEUED",
              ":lease": nowMs + SENDING_LEASE_SECONDS * 1000,
              ":owner": owner,
              ":one": 1,
              ":now": nowMs,
            },
            ReturnValuesOnConditionCheckFailure: "ALL_OLD",
          }),
        );
        return { status: "begun", owner };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const state = conditionFailureItem(error)?.state;
        if (state === "SENT") return { status: "already-sent" };
        if (state === "SENDING") return { status: "busy" };
        return { status: "unknown" };
      }
    },

    async markSent(customerNumber, billId, owner, messageId, now) {
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: { billKey: billKey(customerNumber, billId) },
          UpdateExpression:
            "SET #state = :sent, sesMessageId = :id, sentAt = :iso, expiresAtEpoch = :exp REMOVE leaseUntil",
          ConditionExpression: "sendOwner = :owner",
          ExpressionAttributeNames: { "#state": "state" },
          ExpressionAttributeValues: {
            ":sent": "SENT",
            ":id": messageId,
            ":iso": now.toISOString(),
            ":owner": owner,
            ":exp": retentionEpoch(now),
          },
        }),
      );
    },

    async markSkipped(customerNumber, billId, owner, reason, now) {
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: { billKey: billKey(customerNumber, billId) },
          UpdateExpression:
            "SET #state = :skipped, skippedReason = :reason, skippedAt = :iso, expiresAtEpoch = :exp REMOVE leaseUntil",
          ConditionExpression: "sendOwner = :owner",
          ExpressionAttributeNames: { "#state": "state" },
          ExpressionAttributeValues: {
            ":skipped": "SKIPPED",
            ":reason": reason,
            ":iso": now.toISOString(),
            ":owner": owner,
            ":exp": retentionEpoch(now),
          },
        }),
      );
    },

    async release(customerNumber, billId, owner) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key: { billKey: billKey(customerNumber, billId) },
            UpdateExpression: "SET #state = :queued, leaseUntil = :zero",
            ConditionExpression: "#state = :sending AND sendOwner = :owner",
            ExpressionAttributeNames: { "#state": "state" },
            ExpressionAttributeValues: {
              ":queued": "QUEUED",
              ":sending": "SENDING",
              ":zero": 0,
              ":owner": owner,
            },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    },
  };
}

/** One notice's state, for tests and operators. */
export async function readNoticeState(
  client: DynamoDBDocumentClient,
  table: string,
  customerNumber: string,
  billId: string,
): Promise<Record<string, unknown> | undefined> {
  const out = await client.send(
    new GetCommand({
      TableName: table,
      Key: { billKey: billKey(customerNumber, billId) },
      ConsistentRead: true,
    }),
  );
  return out.Item;
}
