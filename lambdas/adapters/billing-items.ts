import { createHash } from "node:crypto";
import { NOTICE_SHARDS } from "../definitions/tables";
import { availableOn } from "../domain/billing-facts";
import type { AccountRecord, BillRecord, ContractRecord } from "../domain/billing-records";
import type { KeyRing } from "../domain/key-ring";
import { storedFactorHash } from "../domain/verification-hash";

/**
 * How billing records are stored. Secrets are kept only as keyed hashes; money as integer cents.
 * Attribute names are the record's own, so reading code and the README's model agree. The hashes
 * are made with the pepper's current version, and name it: a re-import moves an account to it.
 */

export interface AccountItem {
  readonly customerNumber: string;
  readonly accessCodeHash: string;
  readonly phoneHash: string;
  readonly postalCodeHash: string;
  readonly lastDebitHash: string;
  readonly language: "fr" | "en";
  readonly balanceCents: number;
  readonly fullName: string;
  readonly contactEmail?: string;
  readonly status: "active" | "closed";
  readonly importedAt: string;
}

export function accountItem(record: AccountRecord, pepper: KeyRing, now: Date): AccountItem {
  const n = record.customerNumber;
  return {
    customerNumber: n,
    accessCodeHash: storedFactorHash(pepper, "accessCode", n, record.accessCode),
    phoneHash: storedFactorHash(pepper, "phone", n, record.phone),
    postalCodeHash: storedFactorHash(pepper, "postalCode", n, record.postalCode),
    lastDebitHash: storedFactorHash(pepper, "lastDebit", n, String(record.lastDebitCents)),
    language: record.language,
    balanceCents: record.balanceCents,
    fullName: record.fullName,
    ...(record.contactEmail ? { contactEmail: record.contactEmail } : {}),
    status: record.status,
    importedAt: now.toISOString(),
  };
}

export interface BillItem {
  readonly customerNumber: string;
  readonly billId: string;
  readonly billingDate: string;
  readonly dueDate: string;
  readonly amountDueCents: number;
  readonly balanceCents: number;
  readonly availableOn: string;
  readonly documentKey?: string;
  /** Present while the notice is pending: the partition of the sparse pending-notices index. */
  readonly noticeShard?: string;
  readonly importedAt: string;
}

/**
 * A stable shard per bill, so that a re-import keeps a bill in the same index partition. From a
 * SHA-256 of the key: a month's ids (`B-2026-11-<customer>`) spread evenly over every shard.
 */
export function noticeShard(customerNumber: string, billId: string): string {
  const digest = createHash("sha256").update(`${customerNumber}/${billId}`).digest();
  return String(digest.readUInt32BE(0) % NOTICE_SHARDS);
}

export function billItem(record: BillRecord, noticeDelayDays: number, now: Date): BillItem {
  return {
    customerNumber: record.customerNumber,
    billId: record.billId,
    billingDate: record.billingDate,
    dueDate: record.dueDate,
    amountDueCents: record.amountDueCents,
    balanceCents: record.balanceCents,
    availableOn: availableOn(record.billingDate, noticeDelayDays),
    ...(record.documentKey ? { documentKey: record.documentKey } : {}),
    // Every imported bill enters the pending index; the notice pipeline settles it (sent or skipped)
    // and keeps its own record of what was sent, so a re-import can never send a notice twice.
    noticeShard: noticeShard(record.customerNumber, record.billId),
    importedAt: now.toISOString(),
  };
}

export interface ContractItem {
  readonly customerNumber: string;
  readonly contractId: string;
  readonly startDate: string;
  readonly endDate: string | null;
  readonly services: readonly { readonly name: string; readonly monthlyPriceCents: number }[];
  readonly documentKey?: string;
  readonly importedAt: string;
}

export function contractItem(record: ContractRecord, now: Date): ContractItem {
  return {
    customerNumber: record.customerNumber,
    contractId: record.contractId,
    startDate: record.startDate,
    endDate: record.endDate,
    services: record.services.map((s) => ({ name: s.name, monthlyPriceCents: s.monthlyPriceCents })),
    ...(record.documentKey ? { documentKey: record.documentKey } : {}),
    importedAt: now.toISOString(),
  };
}
