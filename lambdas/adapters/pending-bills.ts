import { type DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { NOTICE_SHARDS } from "../definitions/tables";
import type { NoticeBill, PendingBills } from "../domain/notices/ports";
import { type BillItem, noticeShard } from "./billing-items";
import { billingRepository } from "./billing-repository";
import { isConditionFailure } from "./security-store";

function toBill(item: BillItem): NoticeBill {
  return {
    customerNumber: item.customerNumber,
    billId: item.billId,
    billingDate: item.billingDate,
    dueDate: item.dueDate,
    availableOn: item.availableOn,
    amountDueCents: item.amountDueCents,
    balanceCents: item.balanceCents,
  };
}

/** The bills whose notice is pending: the sparse index, by shard and by page. */
export function pendingBills(
  client: DynamoDBDocumentClient,
  table: string,
  options: { pageSize?: number } = {},
): PendingBills {
  const repository = billingRepository(client, { accounts: "", bills: table, contracts: "" });
  return {
    shards: NOTICE_SHARDS,
    async page(shard, upTo, next) {
      const page = await repository.pendingNoticesPage(shard, upTo, {
        limit: options.pageSize ?? 500,
        ...(next ? { next } : {}),
      });
      return { bills: page.items.map(toBill), ...(page.next ? { next: page.next } : {}) };
    },
    async get(customerNumber, billId) {
      const item = await repository.getBill(customerNumber, billId);
      return item ? toBill(item) : undefined;
    },
    async restore(customerNumber, billId) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key: { customerNumber, billId },
            UpdateExpression: "SET noticeShard = :shard",
            ExpressionAttributeValues: { ":shard": noticeShard(customerNumber, billId) },
            ConditionExpression: "attribute_exists(billId)",
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    },
    async settle(customerNumber, billId) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key: { customerNumber, billId },
            UpdateExpression: "REMOVE noticeShard",
            // Never create a bill that a re-import removed meanwhile.
            ConditionExpression: "attribute_exists(billId)",
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    },
  };
}
