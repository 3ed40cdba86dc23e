import { retentionRules } from "../../definitions/retention";
import { dateInTimeZone } from "../dates";
import type { Language } from "../language";
import { formatCents } from "../money";
import type { AccountEvent } from "../support/account-events";
import type { StoredBill, StoredContract } from "./ports";

/**
 * The customer's export (GET /v1/me/export): every piece of personal information the system holds
 * about the signed-in customer, as one JSON document, for the portability right of Québec's privacy
 * law (Law 25). What is held only as a keyed hash (the verification factors), or is a secret or an
 * internal mechanism (tokens, locks, enrollment ids, leases), is not personal information that can be
 * handed over: the sources never read it (their reads name the attributes they return) and the
 * notes say what exists and why it is not there.
 */

/** The non-secret part of the billing system's account: never its factor hashes. */
export interface ExportAccountRecord {
  readonly fullName: string;
  readonly language: Language;
  readonly contactEmail?: string;
  readonly status: "active" | "closed";
  readonly balanceCents: number;
  /** ISO instant of the import that wrote it. */
  readonly importedAt?: string;
}

/** The customer-facing part of the profile: never its lock, tokens' hashes or enrollment ids. */
export interface ExportProfileRecord {
  readonly status?: string;
  readonly email?: string;
  readonly language?: Language;
  readonly billing?: "electronic" | "paper";
  readonly activatedAt?: string;
  readonly electronicSince?: string;
  readonly emailVerified?: boolean;
  readonly emailUndeliverable?: boolean;
  readonly supportFlag?: string;
  readonly flaggedAt?: string;
  readonly tokensRevokedAt?: string;
  readonly updatedAt?: string;
  /** The address of an enrollment being written (before its link is sent). */
  readonly pendingEmail?: string;
  /** Every address an enrollment of this account used, for which a sign-in user may still exist. */
  readonly enrollmentEmails?: readonly string[];
}

/** A notice's state: the customer-facing part, never its lease, owner or run. */
export interface ExportNoticeRecord {
  readonly billId: string;
  readonly state: string;
  readonly claimedAt?: string;
  readonly sentAt?: string;
  readonly skippedAt?: string;
  readonly skippedReason?: string;
  readonly sesMessageId?: string;
}

/** Everything read under the customer's own number, and only that. */
export interface CustomerDataSource {
  account(customerNumber: string): Promise<ExportAccountRecord | undefined>;
  profile(customerNumber: string): Promise<ExportProfileRecord | undefined>;
  /** Every bill held, whatever its availableOn. */
  bills(customerNumber: string): Promise<readonly StoredBill[]>;
  contract(customerNumber: string): Promise<StoredContract | undefined>;
  /** The notice states of these bills of this customer (by their keys: no scan). */
  notices(customerNumber: string, billIds: readonly string[]): Promise<readonly ExportNoticeRecord[]>;
  /** Every account event still kept. */
  events(customerNumber: string): Promise<readonly AccountEvent[]>;
}

export interface ExportedBill {
  readonly billId: string;
  readonly billingDate: string;
  readonly dueDate: string;
  readonly amountDue: string;
  readonly balance: string;
  readonly availableOn: string;
  /** The name of the bill's PDF at the billing system (sign in to get a link), or null. */
  readonly documentKey: string | null;
}

export interface ExportedContract {
  readonly contractId: string;
  readonly startDate: string;
  readonly endDate: string | null;
  readonly services: readonly { readonly name: string; readonly monthlyPrice: string }[];
  readonly documentKey: string | null;
}

export interface ExportedNotice {
  readonly billId: string;
  readonly state: string;
  readonly claimedAt: string | null;
  readonly sentAt: string | null;
  readonly skippedAt: string | null;
  readonly skippedReason: string | null;
  /** SES's id of the e-mail sent, the reference support can trace it by. */
  readonly messageId: string | null;
}

export type ExportedEvent =
  | {
      readonly kind: "verification";
      readonly at: string;
      readonly outcome: string;
      readonly method: string;
      readonly sourceIp: string | null;
    }
  | { readonly kind: "support"; readonly at: string; readonly action: string; readonly outcome: string };

export interface CustomerExport {
  readonly exportedAt: string;
  readonly customerNumber: string;
  readonly account: {
    readonly fullName: string;
    readonly language: Language;
    readonly contactEmail: string | null;
    readonly status: "active" | "closed";
    readonly balance: string;
    readonly importedAt: string | null;
  } | null;
  readonly profile: {
    readonly status: string | null;
    readonly email: string | null;
    readonly language: Language | null;
    readonly billing: "electronic" | "paper" | null;
    readonly activatedAt: string | null;
    readonly electronicSince: string | null;
    readonly emailVerified: boolean;
    readonly emailUndeliverable: boolean;
    readonly supportFlag: string | null;
    readonly flaggedAt: string | null;
    readonly tokensRevokedAt: string | null;
    readonly updatedAt: string | null;
    readonly pendingEmail: string | null;
    readonly enrollmentEmails: readonly string[];
  };
  readonly bills: readonly ExportedBill[];
  readonly contract: ExportedContract | null;
  readonly notices: readonly ExportedNotice[];
  readonly events: readonly ExportedEvent[];
  readonly notes: {
    readonly verificationFactors: string;
    readonly password: string;
    readonly documents: string;
    readonly events: string;
    readonly shortLived: string;
    readonly retention: readonly { readonly data: string; readonly kept: string; readonly why: string }[];
  };
}

const NOTES: Readonly<Record<Language, Omit<CustomerExport["notes"], "retention">>> = {
  fr: {
    verificationFactors:
      "Le code d'accès, le numéro de téléphone, le code postal et le montant du dernier prélèvement ne sont " +
      "conservés que sous forme d'empreintes à clé (HMAC-SHA256) : on ne peut pas les relire, ils ne " +
      "figurent donc pas ici.",
    password:
      "Le mot de passe n'est connu que du service de connexion (Amazon Cognito), jamais de nous en clair.",
    documents:
      "documentKey nomme le PDF d'une facture ou du contrat; connectez-vous pour obtenir un lien vers lui.",
    events:
      "Les tentatives de vérification gardent l'adresse IP avec sa dernière partie masquée. Les actions " +
      "du soutien ne nomment pas l'employé qui les a faites; le soutien peut vous le dire sur demande.",
    shortLived:
      "Les compteurs de tentatives, les jetons et les codes de vérification expirent en moins d'un jour " +
      "et ne sont conservés que sous forme d'empreintes : ils ne figurent pas ici.",
  },
  en: {
    verificationFactors:
      "The access code, phone number, postal code and last debit amount are held only as keyed hashes " +
      "(HMAC-SHA256): they cannot be read back, so they are not in this export.",
    password: "The password is known only to the sign-in service (Amazon Cognito), never to us in clear.",
    documents: "documentKey names the PDF of a bill or of the contract; sign in to get a link to it.",
    events:
      "Verification attempts keep the IP address with its last part hidden. Support actions do not name " +
      "the employee who took them; support can tell you on request.",
    shortLived:
      "Attempt counters, tokens and verification codes expire within a day and are held only as hashes: " +
      "they are not in this export.",
  },
};

const orNull = <T>(value: T | undefined): T | null => (value === undefined ? null : value);

function exportedBill(bill: StoredBill): ExportedBill {
  return {
    billId: bill.billId,
    billingDate: bill.billingDate,
    dueDate: bill.dueDate,
    amountDue: formatCents(bill.amountDueCents),
    balance: formatCents(bill.balanceCents),
    availableOn: bill.availableOn,
    documentKey: orNull(bill.documentKey),
  };
}

function exportedEvent(event: AccountEvent): ExportedEvent {
  if (event.kind === "support") {
    // The actor is the employee's identity (a third party's information, and an internal ARN).
    return { kind: "support", at: event.at, action: event.action, outcome: event.outcome };
  }
  return {
    kind: "verification",
    at: event.at,
    outcome: event.outcome,
    method: event.method,
    sourceIp: orNull(event.sourceIp),
  };
}

const newestFirst = (a: { at: string }, b: { at: string }) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0);

/**
 * The document; null when the customer has no ACTIVE profile (the authorizer's decision was
 * outdated), as GET /v1/me answers. Every bill held is in it, those not yet available online too:
 * they are information held about the customer all the same.
 */
export async function exportCustomerData(
  customerNumber: string,
  language: Language,
  deps: { source: CustomerDataSource; now: () => Date },
): Promise<CustomerExport | null> {
  const { source } = deps;
  const profile = await source.profile(customerNumber);
  if (profile?.status !== "ACTIVE") return null;
  const [account, bills, contract, events] = await Promise.all([
    source.account(customerNumber),
    source.bills(customerNumber),
    source.contract(customerNumber),
    source.events(customerNumber),
  ]);
  const sortedBills = [...bills].sort((a, b) =>
    a.billingDate === b.billingDate
      ? b.billId.localeCompare(a.billId)
      : b.billingDate.localeCompare(a.billingDate),
  );
  const billIds = sortedBills.map((b) => b.billId);
  const notices = await source.notices(customerNumber, billIds);
  const noticeOrder = new Map(billIds.map((id, i) => [id, i]));
  return {
    exportedAt: deps.now().toISOString(),
    customerNumber,
    account: account
      ? {
          fullName: account.fullName,
          language: account.language,
          contactEmail: orNull(account.contactEmail),
          status: account.status,
          balance: formatCents(account.balanceCents),
          importedAt: orNull(account.importedAt),
        }
      : null,
    profile: {
      status: orNull(profile.status),
      email: orNull(profile.email),
      language: orNull(profile.language),
      billing: orNull(profile.billing),
      activatedAt: orNull(profile.activatedAt),
      electronicSince: orNull(profile.electronicSince),
      emailVerified: profile.emailVerified === true,
      emailUndeliverable: profile.emailUndeliverable === true,
      supportFlag: orNull(profile.supportFlag),
      flaggedAt: orNull(profile.flaggedAt),
      tokensRevokedAt: orNull(profile.tokensRevokedAt),
      updatedAt: orNull(profile.updatedAt),
      pendingEmail: orNull(profile.pendingEmail),
      enrollmentEmails: [...(profile.enrollmentEmails ?? [])].sort(),
    },
    bills: sortedBills.map(exportedBill),
    contract: contract
      ? {
          contractId: contract.contractId,
          startDate: contract.startDate,
          endDate: contract.endDate ?? null,
          services: contract.services.map((s) => ({
            name: s.name,
            monthlyPrice: formatCents(s.monthlyPriceCents),
          })),
          documentKey: orNull(contract.documentKey),
        }
      : null,
    notices: [...notices]
      .filter((n) => noticeOrder.has(n.billId))
      .sort((a, b) => (noticeOrder.get(a.billId) ?? 0) - (noticeOrder.get(b.billId) ?? 0))
      .map((n) => ({
        billId: n.billId,
        state: n.state,
        claimedAt: orNull(n.claimedAt),
        sentAt: orNull(n.sentAt),
        skippedAt: orNull(n.skippedAt),
        skippedReason: orNull(n.skippedReason),
        messageId: orNull(n.sesMessageId),
      })),
    events: [...events].sort(newestFirst).map(exportedEvent),
    notes: {
      ...NOTES[language],
      retention: retentionRules.map((r) => ({ data: r.what, kept: r.kept, why: r.why })),
    },
  };
}

/** `export-1234567-2026-12-01.json`: the day in Québec's time zone. */
export function exportFileName(customerNumber: string, at: Date): string {
  return `export-${customerNumber}-${dateInTimeZone(at)}.json`;
}
