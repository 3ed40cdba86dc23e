import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { billsTable, NOTICE_SHARDS } from "../definitions/tables";
import type { BillPosition } from "../domain/customer/ports";
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
/**
 * Queries one page of a customer's bills may take at most: (MAX_READS - 1) x (page + 1) bills in a row
 * not yet available before a page comes back short, far beyond the one or two a customer has.
 */
const MAX_READS = 5;

/** A position in a customer's list: the sort keys of the bills table and of its billingDate index. */
const positionOf = (item: Pick<BillItem, "billingDate" | "billId">): BillPosition => ({
  billingDate: item.billingDate,
  billId: item.billId,
});
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

    /**
     * Up to `limit` of a customer's bills available by `availableBy`, newest billing date first (local
     * index on billingDate), after the position `after`; `next` is the position of the last one when
     * more follow.
     *
     * "Available" is a filter (availableOn is no key), and DynamoDB filters after its Limit: one
     * Query can come back short while more bills follow. So this reads on until the page is full or
     * the list ends, one bill more than the page to know whether a next page exists (no cursor to an
     * empty page). The key condition billingDate <= availableBy skips bills billed later without
     * reading them (availableOn is billingDate plus the notice delay, never earlier); what the filter
     * still drops are the bills of the last few days' delay, one or two a customer. Reads stop after
     * MAX_READS Queries all the same, handing back what they found and the position they reached.
     */
    async listAvailableBills(
      customerNumber: string,
      page: { availableBy: string; limit: number; after?: BillPosition },
    ): Promise<{ items: BillItem[]; next?: BillPosition }> {
      const items: BillItem[] = [];
      let start: Record<string, unknown> | undefined = page.after
        ? { customerNumber, billId: page.after.billId, billingDate: page.after.billingDate }
        : undefined;
      for (let read = 0; read < MAX_READS; read++) {
        const out = await client.send(
          new QueryCommand({
            TableName: tables.bills,
            IndexName: byBillingDate,
            KeyConditionExpression: "customerNumber = :c AND billingDate <= :d",
            FilterExpression: "availableOn <= :d",
            ExpressionAttributeValues: { ":c": customerNumber, ":d": page.availableBy },
            ScanIndexForward: false,
            Limit: page.limit + 1,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        items.push(...((out.Items ?? []) as BillItem[]));
        if (items.length > page.limit) {
          const full = items.slice(0, page.limit);
          return { items: full, next: positionOf(full[full.length - 1] as BillItem) };
        }
        if (!out.LastEvaluatedKey) return { items };
        start = out.LastEvaluatedKey;
      }
      // A LastEvaluatedKey of the index holds both sort keys.
      return { items, next: positionOf(start as unknown as BillPosition) };
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
