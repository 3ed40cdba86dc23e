/**
 * The one declaration of every DynamoDB table: key schemas, indexes, TTL attribute.
 * The CDK stateful stack, the local stack (CreateTable on DynamoDB Local) and the tests all read it,
 * so a key or index can never differ between what is deployed and what is tested.
 */

export type KeyType = "S" | "N";

export interface KeyAttribute {
  readonly name: string;
  readonly type: KeyType;
}

export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /** "ALL" copies every attribute; a list copies those attributes (plus the keys). */
  readonly projection: "ALL" | "KEYS_ONLY" | readonly string[];
}

export interface TableDefinition {
  /** Logical id: the CDK construct id, and the suffix of the table name in every environment. */
  readonly id: string;
  /** Environment variable through which the functions receive the deployed table name. */
  readonly envVar: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly globalIndexes?: readonly IndexDefinition[];
  readonly localIndexes?: readonly IndexDefinition[];
  /** Attribute holding an epoch-seconds expiry; DynamoDB deletes the item some time after it. */
  readonly ttlAttribute?: string;
}

/**
 * Customer accounts as the billing system sends them (the importer replaces the whole item on each
 * import). The enrollment state lives apart, in the profiles table, so an import never clobbers it.
 */
export const accountsTable = {
  id: "Accounts",
  envVar: "ACCOUNTS_TABLE",
  partitionKey: { name: "customerNumber", type: "S" },
} as const satisfies TableDefinition;

/**
 * Bills. A customer's bills newest first come from the local index on billingDate. The sparse global
 * index holds only the bills whose notice is still pending: the importer sets `noticeShard` (one of
 * NOTICE_SHARDS values, so that a large import spreads its index writes) and the notice pipeline
 * removes it once the bill is settled.
 */
export const billsTable = {
  id: "Bills",
  envVar: "BILLS_TABLE",
  partitionKey: { name: "customerNumber", type: "S" },
  sortKey: { name: "billId", type: "S" },
  localIndexes: [
    {
      name: "byBillingDate",
      partitionKey: { name: "customerNumber", type: "S" },
      sortKey: { name: "billingDate", type: "S" },
      projection: "ALL",
    },
  ],
  globalIndexes: [
    {
      name: "pendingNotices",
      partitionKey: { name: "noticeShard", type: "S" },
      sortKey: { name: "availableOn", type: "S" },
      projection: "ALL",
    },
  ],
} as const satisfies TableDefinition;

/** The profiles index of unconfirmed enrollments by when they began (the expiry sweep's). */
export const PENDING_INDEX = "pendingSince";

/**
 * The enrollment state of each account: profile status, e-mail, billing preference, activation.
 * The index on `email` finds the account of an address that bounced or complained. The sparse
 * `pendingSince` index holds only the profiles that carry `pendingSince` (epoch ms, set while an
 * enrollment is unconfirmed, removed on activation and expiry), by status: the sweep queries
 * PENDING_CONFIRMATION up to 24 hours ago. One partition is enough: it holds a day's enrollments.
 */
export const profilesTable = {
  id: "Profiles",
  envVar: "PROFILES_TABLE",
  partitionKey: { name: "customerNumber", type: "S" },
  globalIndexes: [
    {
      name: "byEmail",
      partitionKey: { name: "email", type: "S" },
      projection: "KEYS_ONLY",
    },
    {
      name: PENDING_INDEX,
      partitionKey: { name: "status", type: "S" },
      sortKey: { name: "pendingSince", type: "N" },
      projection: "KEYS_ONLY",
    },
  ],
} as const satisfies TableDefinition;

/**
 * One item per bill whose notice was claimed: the state machine queued → sending (with a lease) →
 * sent (with SES's message id), or skipped. It is what makes a notice go out once, whatever
 * re-imports, re-runs, retries and duplicate deliveries happen.
 */
export const noticesTable = {
  id: "Notices",
  envVar: "NOTICES_TABLE",
  partitionKey: { name: "billKey", type: "S" },
  /** Set once a notice is settled (sent or skipped), long after its bill could be notified again. */
  ttlAttribute: "expiresAtEpoch",
} as const satisfies TableDefinition;

/** One contract per customer. */
export const contractsTable = {
  id: "Contracts",
  envVar: "CONTRACTS_TABLE",
  partitionKey: { name: "customerNumber", type: "S" },
} as const satisfies TableDefinition;

/**
 * Short-lived security state: failed-attempt counters, verification and confirmation tokens (stored
 * as hashes), enrollment locks. Everything in it expires through TTL.
 */
export const securityTable = {
  id: "Security",
  envVar: "SECURITY_TABLE",
  partitionKey: { name: "pk", type: "S" },
  ttlAttribute: "expiresAtEpoch",
} as const satisfies TableDefinition;

/**
 * The account's history (verification attempts, support actions): found by customer number, newest
 * first by `eventKey` (ISO instant + a random suffix), forgotten after the retention the README
 * states. It never holds a secret.
 */
export const accountEventsTable = {
  id: "AccountEvents",
  envVar: "ACCOUNT_EVENTS_TABLE",
  partitionKey: { name: "customerNumber", type: "S" },
  sortKey: { name: "eventKey", type: "S" },
  ttlAttribute: "expiresAtEpoch",
} as const satisfies TableDefinition;

export const tables: readonly TableDefinition[] = [
  accountsTable,
  profilesTable,
  billsTable,
  contractsTable,
  securityTable,
  noticesTable,
  accountEventsTable,
];

/**
 * How many partitions the pending-notices index is spread over. The daily dispatch runs one worker
 * per shard, so this is its parallelism: 1,000,000 bills are 31,250 a shard. Raising it is safe for
 * bills already imported (shards 0–7 of the earlier 8 are still read); lowering it is not.
 */
export const NOTICE_SHARDS = 32;

/** The deployed (and local) table name: one prefix per environment. */
export function tableName(prefix: string, table: TableDefinition): string {
  return `${prefix}-${table.id}`;
}
