import * as codes from "../../definitions/error-codes";
import { BILLS_PAGE_SIZE } from "../../definitions/limits";
import { ApiError } from "../api-error";
import { IDENTIFIER } from "../billing-facts";
import { dateInTimeZone } from "../dates";
import { maskEmail } from "../enrollment/confirm-email";
import { formatCents } from "../money";
import { decodeBillCursor, encodeBillCursor } from "./bill-cursor";
import type {
  BillPosition,
  CustomerBilling,
  CustomerProfile,
  CustomerProfiles,
  DocumentLinks,
  ProfileChanges,
  StoredBill,
  UserLocales,
  UserSessions,
} from "./ports";
import { type ProfileRemovedNotifier, type RemovalDeps, removeProfile } from "./remove-profile";

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

/**
 * Applies the changes; null when the profile is not ACTIVE. A language change goes to the user pool
 * first (its `locale`, which Cognito's own e-mails follow), then to the profile, which is what the API
 * shows and the notices follow. A failure of either answers an error (503 for the pool) and leaves the
 * profile as it was or behind the pool, never ahead: GET /v1/me never shows a language that Cognito
 * does not have. Both writes set a value, so the client's retry of the same request completes both,
 * and every language change, even to the language already set, re-asserts the pool's. (Two opposite
 * changes sent at the same instant can still cross between the two writes; the next one realigns.)
 */
export async function updateMe(
  customerNumber: string,
  changes: ProfileChanges,
  deps: { profiles: Pick<CustomerProfiles, "get" | "update">; users: UserLocales; now: () => Date },
) {
  if (changes.billing === undefined && changes.language === undefined) {
    return getMe(customerNumber, deps);
  }
  if (changes.language !== undefined) {
    // Only an ACTIVE profile's user, found by the profile's e-mail (the user pool's username).
    const current = meView(await deps.profiles.get(customerNumber));
    if (current === null) return null;
    await deps.users.setLanguage(current.email, changes.language);
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

/**
 * DELETE /v1/me: the customer closes their online profile (removeProfile: tokens refused, Cognito
 * user deleted, not enrolled with paper bills, no more notices) and the enrolled address is told,
 * in the profile's language. Only reached with a token the authorizer allowed, so normally on an
 * ACTIVE profile. A repeat (the authorizer reusing its allow of the same token) finds a profile with
 * no status: removeProfile again, which finishes an interrupted removal and otherwise changes
 * nothing and tells nobody. A profile PENDING_CONFIRMATION is a new enrollment begun since: left alone.
 */
export async function closeProfile(
  customerNumber: string,
  deps: {
    profiles: Pick<CustomerProfiles, "get">;
    removal: RemovalDeps;
    notifier: ProfileRemovedNotifier;
  },
): Promise<void> {
  const profile = await deps.profiles.get(customerNumber);
  if (profile?.status === "PENDING_CONFIRMATION") return;
  const removal = await removeProfile(customerNumber, "closed-by-customer", deps.removal);
  if (removal.outcome !== "removed" || !removal.email) return;
  await deps.notifier.sendProfileRemoved({
    to: removal.email,
    language: removal.language ?? profile?.language ?? "fr",
    reason: "closed-by-customer",
    maskedEmail: maskEmail(removal.email),
  });
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

/** A `next` that is not a cursor this customer was given: the one answer, whatever is wrong with it. */
const invalidCursor = () =>
  new ApiError(codes.VALIDATION_FAILED, { fields: [{ field: "next", code: "INVALID_FORMAT" }] });

/**
 * One page of the customer's bills, newest first: only those whose availableOn has come in
 * America/Toronto, so that the list never shows a bill before its "your bill is available" e-mail.
 * `next` is the cursor of the following page, null on the last one.
 */
export async function listBills(
  customerNumber: string,
  cursor: string | undefined,
  deps: { billing: CustomerBilling; now: () => Date },
): Promise<{ bills: BillView[]; next: string | null }> {
  const today = dateInTimeZone(deps.now());
  let after: BillPosition | undefined;
  if (cursor !== undefined) {
    const position = decodeBillCursor(cursor, customerNumber);
    if (!position) throw invalidCursor();
    // Every cursor issued names a bill of this customer that the list reached, so billed by now.
    const anchor = await deps.billing.getBill(customerNumber, position.billId);
    if (!anchor || anchor.billingDate !== position.billingDate || anchor.billingDate > today)
      throw invalidCursor();
    after = position;
  }
  const page = await deps.billing.listAvailableBills(customerNumber, {
    availableBy: today,
    limit: BILLS_PAGE_SIZE,
    ...(after ? { after } : {}),
  });
  return {
    bills: page.bills.map(billView),
    next: page.next ? encodeBillCursor(customerNumber, page.next) : null,
  };
}

/** Null when the customer has no bill with this id (whoever else may have one), or not yet available. */
export async function getBill(
  customerNumber: string,
  billId: string,
  deps: { billing: CustomerBilling; documents: DocumentLinks; now: () => Date },
): Promise<BillView | null> {
  if (!IDENTIFIER.test(billId)) return null;
  const bill = await deps.billing.getBill(customerNumber, billId);
  if (!bill || bill.availableOn > dateInTimeZone(deps.now())) return null;
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
