import { formatCents } from "../money";
import type {
  CustomerBilling,
  CustomerProfile,
  CustomerProfiles,
  DocumentLinks,
  ProfileChanges,
  StoredBill,
  UserSessions,
} from "./ports";

/**
 * The signed-in customer's use cases: the customer number always comes from the authorizer, never
 * from the request, so a customer only ever reaches their own account. Amounts leave as strings with
 * two decimals, dates as YYYY-MM-DD.
 */

export interface MeView {
  readonly customerNumber: string;
  readonly email: string;
  readonly language: "fr" | "en";
  readonly billing: "electronic" | "paper";
  readonly status: "ACTIVE";
}

export interface BillView {
  readonly billId: string;
  readonly billingDate: string;
  readonly dueDate: string;
  readonly amountDue: string;
  readonly balance: string;
  readonly availableOn: string;
  readonly documentUrl?: string;
}

export interface ContractView {
  readonly contractId: string;
  readonly startDate: string;
  readonly endDate: string | null;
  readonly services: readonly { readonly name: string; readonly monthlyPrice: string }[];
  readonly documentUrl?: string;
}

/** Null when the profile is not (or no longer) ACTIVE: the authorizer's decision was outdated. */
export function meView(profile: CustomerProfile | undefined): MeView | null {
  if (profile?.status !== "ACTIVE" || !profile.email) return null;
  return {
    customerNumber: profile.customerNumber,
    email: profile.email,
    language: profile.language ?? "fr",
    billing: profile.billing ?? "paper",
    status: "ACTIVE",
  };
}

export async function getMe(customerNumber: string, deps: { profiles: Pick<CustomerProfiles, "get"> }) {
  return meView(await deps.profiles.get(customerNumber));
}

export async function updateMe(
  customerNumber: string,
  changes: ProfileChanges,
  deps: { profiles: Pick<CustomerProfiles, "get" | "update">; now: () => Date },
) {
  if (changes.billing === undefined && changes.language === undefined) {
    return getMe(customerNumber, deps);
  }
  return meView(await deps.profiles.update(customerNumber, changes, deps.now()));
}

/**
 * Signs the customer out everywhere: Cognito revokes the user's refresh tokens, then the profile's
 * mark refuses every token of a sign-in up to now (the API verifies tokens itself and never sees a
 * Cognito sign-out). In that order: once the refresh tokens are dead no new token can be made, so
 * every token that still exists was issued before the mark. Both steps are idempotent, so a failed
 * call is simply repeated. False when there is no profile to sign out of (or no user in it).
 */
export async function signOutEverywhere(
  customerNumber: string,
  deps: {
    profiles: Pick<CustomerProfiles, "get" | "revokeTokens">;
    sessions: UserSessions;
    now: () => Date;
  },
): Promise<boolean> {
  const profile = await deps.profiles.get(customerNumber);
  // The profile's e-mail is its Cognito user's name (the authorizer checked that the token's user is it).
  if (!profile?.email) return false;
  await deps.sessions.signOutEverywhere(profile.email);
  return deps.profiles.revokeTokens(customerNumber, deps.now());
}

function billView(bill: StoredBill): BillView {
  return {
    billId: bill.billId,
    billingDate: bill.billingDate,
    dueDate: bill.dueDate,
    amountDue: formatCents(bill.amountDueCents),
    balance: formatCents(bill.balanceCents),
    availableOn: bill.availableOn,
  };
}

export async function listBills(customerNumber: string, deps: { billing: CustomerBilling }) {
  return { bills: (await deps.billing.listBills(customerNumber)).map(billView) };
}

/** What a bill id can be (the importer's rule); anything else is no bill at all. */
const BILL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Null when the customer has no bill with this id (whoever else may have one). */
export async function getBill(
  customerNumber: string,
  billId: string,
  deps: { billing: CustomerBilling; documents: DocumentLinks },
): Promise<BillView | null> {
  if (!BILL_ID.test(billId)) return null;
  const bill = await deps.billing.getBill(customerNumber, billId);
  if (!bill) return null;
  const view = billView(bill);
  return bill.documentKey ? { ...view, documentUrl: await deps.documents.urlFor(bill.documentKey) } : view;
}

export async function getContract(
  customerNumber: string,
  deps: { billing: CustomerBilling; documents: DocumentLinks },
): Promise<ContractView | null> {
  const contract = await deps.billing.getContract(customerNumber);
  if (!contract) return null;
  return {
    contractId: contract.contractId,
    startDate: contract.startDate,
    endDate: contract.endDate ?? null,
    services: contract.services.map((s) => ({
      name: s.name,
      monthlyPrice: formatCents(s.monthlyPriceCents),
    })),
    ...(contract.documentKey ? { documentUrl: await deps.documents.urlFor(contract.documentKey) } : {}),
  };
}
