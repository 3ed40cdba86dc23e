import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { billsTable, NOTICE_SHARDS } from "../definitions/tables";
import type { AccountItem, BillItem, ContractItem } from "./billing-items";

export interface BillingTables {
  readonly accounts: string;
  readonly bills: string;
  readonly contracts: string;
}

export interface Page<T> {
  readonly items: T[];
  /** Opaque; pass it back for the next page. Absent on the last page. */
  readonly next?: Record<string, unknown>;
}

const byBillingDate = billsTable.localIndexes[0].name;
const pendingNotices = billsTable.globalIndexes[0].name;

/**
 * The access patterns of the billing data (README, "Data model"), each a GetItem or a Query on a key
 * or an index: never a Scan.
 */
export function billingRepository(client: DynamoDBDocumentClient, tables: BillingTables) {
  return {
    /** An account by customer number. */
    async getAccount(customerNumber: string): Promise<AccountItem | undefined> {
      const out = await client.send(new GetCommand({ TableName: tables.accounts, Key: { customerNumber } }));
      return out.Item as AccountItem | undefined;
    },

    /** A customer's bills, newest billing date first (local index on billingDate). */
    async listBills(customerNumber: string, limit = 50): Promise<BillItem[]> {
      const out = await client.send(
        new QueryCommand({
          TableName: tables.bills,
          IndexName: byBillingDate,
          KeyConditionExpression: "customerNumber = :c",
          ExpressionAttributeValues: { ":c": customerNumber },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return (out.Items ?? []) as BillItem[];
    },

    /** One bill of one customer: another customer's bill id finds nothing. */
    async getBill(customerNumber: string, billId: string): Promise<BillItem | undefined> {
      const out = await client.send(
        new GetCommand({ TableName: tables.bills, Key: { customerNumber, billId } }),
      );
      return out.Item as BillItem | undefined;
    },

    /** A customer's contract. */
    async getContract(customerNumber: string): Promise<ContractItem | undefined> {
      const out = await client.send(new GetCommand({ TableName: tables.contracts, Key: { customerNumber } }));
      return out.Item as ContractItem | undefined;
    },

    /**
     * One page of the bills whose notice is pending and that are available on or before `date`, in
     * one shard of the sparse index (query every shard from 0 to NOTICE_SHARDS - 1).
     */
    async pendingNoticesPage(
      shard: number,
      date: string,
      options: { limit?: number; next?: Record<string, unknown> } = {},
    ): Promise<Page<BillItem>> {
      if (!Number.isInteger(shard) || shard < 0 || shard >= NOTICE_SHARDS)
        throw new RangeError(`shard ${shard}`);
      const out = await client.send(
        new QueryCommand({
          TableName: tables.bills,
          IndexName: pendingNotices,
          KeyConditionExpression: "noticeShard = :s AND availableOn <= :d",
          ExpressionAttributeValues: { ":s": String(shard), ":d": date },
          Limit: options.limit ?? 500,
          ...(options.next ? { ExclusiveStartKey: options.next } : {}),
        }),
      );
      return {
        items: (out.Items ?? []) as BillItem[],
        ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey } : {}),
      };
    },
  };
}

export type BillingRepository = ReturnType<typeof billingRepository>;
