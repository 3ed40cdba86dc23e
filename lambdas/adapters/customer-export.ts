import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type {
  CustomerDataSource,
  ExportAccountRecord,
  ExportNoticeRecord,
  ExportProfileRecord,
} from "../domain/customer/export";
import type { StoredBill, StoredContract } from "../domain/customer/ports";
import { billKey } from "../domain/notices/ports";
import { accountEventReader } from "./account-events";
import { batchGetAll } from "./batch-reader";

/** BatchGetItem takes at most 100 keys. */
const MAX_KEYS = 100;

/**
 * The attributes each read returns, by name: what is not listed never leaves DynamoDB, so no hash,
 * token, lock owner or enrollment id can reach the export, whatever is added to the items later.
 */
export const EXPORTED_ATTRIBUTES = {
  accounts: ["fullName", "language", "contactEmail", "status", "balanceCents", "importedAt"],
  profiles: [
    "status",
    "email",
    "language",
    "billing",
    "activatedAt",
    "electronicSince",
    "emailVerified",
    "emailUndeliverable",
    "supportFlag",
    "flaggedAt",
    "tokensRevokedAt",
    "updatedAt",
    "pendingEmail",
    "cognitoEmails",
  ],
  bills: ["billId", "billingDate", "dueDate", "amountDueCents", "balanceCents", "availableOn", "documentKey"],
  contracts: ["contractId", "startDate", "endDate", "services", "documentKey"],
  notices: [
    "billKey",
    "customerNumber",
    "billId",
    "state",
    "claimedAt",
    "sentAt",
    "skippedAt",
    "skippedReason",
    "sesMessageId",
  ],
} as const;

/** A ProjectionExpression naming every attribute through a placeholder (reserved words included). */
function projection(attributes: readonly string[]) {
  return {
    ProjectionExpression: attributes.map((_, i) => `#p${i}`).join(", "),
    ExpressionAttributeNames: Object.fromEntries(attributes.map((a, i) => [`#p${i}`, a])),
  };
}

export interface ExportTables {
  readonly accounts: string;
  readonly profiles: string;
  readonly bills: string;
  readonly contracts: string;
  readonly notices: string;
  readonly accountEvents: string;
}

/**
 * The export's reads, each under the customer's own key: GetItem on the account, profile and
 * contract, a Query of the customer's bills (the table's key) and events, and the notices of those
 * bills by their keys (BatchGetItem): never a Scan.
 */
export function customerDataSource(client: DynamoDBDocumentClient, tables: ExportTables): CustomerDataSource {
  const events = accountEventReader(client, tables.accountEvents);
  const getItem = async (table: string, customerNumber: string, attributes: readonly string[]) => {
    const out = await client.send(
      new GetCommand({
        TableName: table,
        Key: { customerNumber },
        ConsistentRead: true,
        ...projection(attributes),
      }),
    );
    return out.Item;
  };
  return {
    async account(customerNumber) {
      const item = await getItem(tables.accounts, customerNumber, EXPORTED_ATTRIBUTES.accounts);
      return item as ExportAccountRecord | undefined;
    },

    async profile(customerNumber) {
      const item = await getItem(tables.profiles, customerNumber, EXPORTED_ATTRIBUTES.profiles);
      if (!item) return undefined;
      const { cognitoEmails, ...rest } = item;
      const emails = cognitoEmails instanceof Set ? [...(cognitoEmails as Set<string>)] : [];
      return { ...(rest as ExportProfileRecord), enrollmentEmails: emails };
    },

    async bills(customerNumber) {
      const bills: StoredBill[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await client.send(
          new QueryCommand({
            TableName: tables.bills,
            KeyConditionExpression: "customerNumber = :c",
            ExpressionAttributeValues: { ":c": customerNumber },
            ...projection(EXPORTED_ATTRIBUTES.bills),
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        bills.push(...((out.Items ?? []) as StoredBill[]));
        start = out.LastEvaluatedKey;
      } while (start);
      return bills;
    },

    async contract(customerNumber) {
      const item = await getItem(tables.contracts, customerNumber, EXPORTED_ATTRIBUTES.contracts);
      return item as StoredContract | undefined;
    },

    async notices(customerNumber, billIds) {
      const keys = [...new Set(billIds)].map((billId) => ({ billKey: billKey(customerNumber, billId) }));
      const found: ExportNoticeRecord[] = [];
      for (let i = 0; i < keys.length; i += MAX_KEYS) {
        const out = await batchGetAll(client, {
          [tables.notices]: { Keys: keys.slice(i, i + MAX_KEYS), ...projection(EXPORTED_ATTRIBUTES.notices) },
        });
        for (const item of out[tables.notices] ?? []) {
          // The key names the customer; the item's own number must agree (defence in depth).
          if (item.customerNumber !== customerNumber) continue;
          const { billKey: _key, customerNumber: _customer, ...notice } = item;
          found.push(notice as unknown as ExportNoticeRecord);
        }
      }
      return found;
    },

    events: (customerNumber) => events.all(customerNumber),
  };
}
