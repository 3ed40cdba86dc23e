import { ACCOUNT_EVENT_RETENTION_DAYS } from "../domain/support/account-events";
import { CONFIRMATION_TTL_SECONDS } from "./limits";
import { NOTICE_STATE_RETENTION_DAYS } from "./notices";
import {
  accountEventsTable,
  accountsTable,
  billsTable,
  contractsTable,
  noticesTable,
  profilesTable,
  securityTable,
} from "./tables";

/**
 * How long each table's personal information is kept, why, and what forgets it: the one statement of
 * it, which the README's "Retention" table repeats (test/unit/retention.test.ts holds both to it and
 * to the table definitions) and the export's notes quote. Nothing here is forgotten by hand.
 */

/**
 * `ttl`: DynamoDB's TTL on the table's `ttlAttribute` deletes the item (within a few days of expiry).
 * `sweep`: a scheduled function deletes or clears it. `import`: the billing system's copy, which each
 * import of the billing files replaces; the billing system is where it is kept or forgotten.
 */
export type RetentionEnforcement = "ttl" | "sweep" | "import";

export interface RetentionRule {
  /** The table definition's id. */
  readonly table: string;
  /** What is kept (one kind of item of the table). */
  readonly what: string;
  /** How long, in days, where the rule is a duration. */
  readonly days?: number;
  /** How long, in words (the README's cell). */
  readonly kept: string;
  readonly enforcedBy: readonly RetentionEnforcement[];
  readonly why: string;
}

const CONFIRMATION_HOURS = CONFIRMATION_TTL_SECONDS / 3600;

export const retentionRules: readonly RetentionRule[] = [
  {
    table: accountEventsTable.id,
    what: "verification attempts and support actions (account events)",
    days: ACCOUNT_EVENT_RETENTION_DAYS,
    kept: `${ACCOUNT_EVENT_RETENTION_DAYS} days (13 months) after each event`,
    enforcedBy: ["ttl"],
    why: "support reads an account's recent history, and a yearly cycle of bills plus a month covers any dispute",
  },
  {
    table: noticesTable.id,
    what: "the state of each bill notice (sent with SES's message id, or skipped)",
    days: NOTICE_STATE_RETENTION_DAYS,
    kept: `${NOTICE_STATE_RETENTION_DAYS} days after the notice is settled`,
    enforcedBy: ["ttl"],
    why: "a bill re-imported within it finds its notice sent, so no customer is e-mailed twice",
  },
  {
    table: securityTable.id,
    what: "attempt counters and lockouts, verification and confirmation tokens (hashes), step-up challenges, enrollment e-mail quotas",
    kept:
      "each item until its own expiry plus 1 hour to 1 day: tokens and challenges 15 minutes or 24 hours, " +
      "counters 24 hours after the last attempt or lockout",
    enforcedBy: ["ttl"],
    why: "each only limits or proves one short-lived step; nothing in it is needed once it has expired",
  },
  {
    table: profilesTable.id,
    what: "the online profile (e-mail, language, billing choice, activation, bounce flags)",
    kept: `while the profile is in use; an unconfirmed enrollment ${CONFIRMATION_HOURS} hours`,
    enforcedBy: ["sweep", "import"],
    why:
      "the profile is the customer's online access; the hourly enrollment sweeper clears an enrollment " +
      `not confirmed within ${CONFIRMATION_HOURS} hours (its Cognito user deleted), and the import of a closed ` +
      "account removes its profile",
  },
  {
    table: accountsTable.id,
    what: "the billing system's account (name, language, contact e-mail, balance, factor hashes)",
    kept: "as long as the billing system sends it; replaced whole by each import",
    enforcedBy: ["import"],
    why: "the copy that verification and the contact e-mails read; the billing system holds the original",
  },
  {
    table: billsTable.id,
    what: "the bills the billing system sends",
    kept: "no limit here: each import replaces the bills it sends, and none is deleted",
    enforcedBy: ["import"],
    why: "the copy the customer reads online; the billing system holds the original",
  },
  {
    table: contractsTable.id,
    what: "the customer's contract",
    kept: "as long as the billing system sends it; replaced by each import",
    enforcedBy: ["import"],
    why: "the copy the customer reads online; the billing system holds the original",
  },
];

/** The rule of one table (the export's notes, the tests). */
export function retentionOf(tableId: string): RetentionRule {
  const rule = retentionRules.find((r) => r.table === tableId);
  if (!rule) throw new Error(`No retention is stated for the table ${tableId}.`);
  return rule;
}
