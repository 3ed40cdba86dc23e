import { randomUUID } from "node:crypto";
import { CONFIRMATION_TTL_SECONDS, ENROLLMENT_LOCK_SECONDS } from "../../definitions/limits";
import type {
  EnrollmentIdentity,
  EnrollmentProfiles,
  IdentityProvider,
  PendingEnrollments,
  Profile,
} from "./ports";

/** What deleting an account's users needs of the user pool. */
export type AccountUsers = Pick<IdentityProvider, "customerNumberOf" | "deleteUser"> & {
  readonly disableUser?: (email: string) => Promise<void>;
};

/**
 * An enrollment not confirmed within 24 hours expires (contract §4, v2): its Cognito users go, the
 * profile goes back to not enrolled, and its address is free for anyone again. Otherwise whoever
 * enrolled an address first (a typo, or a squatter) would hold it forever against its real owner.
 */

export interface ExpiryDeps {
  readonly profiles: EnrollmentProfiles;
  readonly identity: EnrollmentIdentity;
}

export type ExpiryOutcome = "expired" | "kept";

/** Every address for which the profile says a Cognito user of the account may exist. */
export function accountEmails(profile: Profile): string[] {
  return [
    ...new Set([
      ...(profile.cognitoEmails ?? []),
      ...(profile.email ? [profile.email] : []),
      ...(profile.pendingEmail ? [profile.pendingEmail] : []),
    ]),
  ];
}

/**
 * Deletes the account's Cognito users (expiry, and the removal of a profile: remove-profile.ts).
 * Only this account's: an address in the list may have been another account's all along, so each
 * user's `custom:customerNumber` is read first. With `disableFirst` each user is disabled before it
 * is deleted, so that a failure between the two leaves a user that can no longer sign in. Returns
 * the addresses the profile may forget: deleted, or another account's. One with no user is kept
 * (an enrollment running at that moment may be about to create it; the next enrollment forgets it).
 */
export async function deleteAccountUsers(
  customerNumber: string,
  profile: Profile,
  identity: AccountUsers,
  options: { readonly disableFirst?: boolean } = {},
): Promise<string[]> {
  const forgotten: string[] = [];
  for (const email of accountEmails(profile)) {
    const holder = await identity.customerNumberOf(email);
    if (holder === customerNumber) {
      if (options.disableFirst) {
        if (!identity.disableUser) throw new Error("disableFirst needs identity.disableUser");
        await identity.disableUser(email);
      }
      await identity.deleteUser(email);
    }
    if (holder !== null) forgotten.push(email);
  }
  return forgotten;
}

/** The latest moment at which an enrollment that is still unconfirmed at `now` must have begun to be expired. */
export function expiryCutoff(now: Date): Date {
  return new Date(now.getTime() - CONFIRMATION_TTL_SECONDS * 1000);
}

/**
 * Expires the account's enrollment if it is unconfirmed and began 24 hours ago or more; "kept"
 * otherwise (ACTIVE, younger, or an enrollment running right now). Safe to repeat: a failure
 * midway leaves the link dead and the profile locked for a moment; the next run finishes it.
 */
export async function expireEnrollment(
  customerNumber: string,
  deps: ExpiryDeps,
  now: Date,
): Promise<ExpiryOutcome> {
  const lock = { id: "expiry", lockOwner: randomUUID() };
  const profile = await deps.profiles.beginExpiry(
    customerNumber,
    lock,
    now,
    expiryCutoff(now),
    ENROLLMENT_LOCK_SECONDS,
  );
  if (!profile) return "kept";
  try {
    await deleteAccountUsers(customerNumber, profile, deps.identity);
    return (await deps.profiles.finishExpiry(customerNumber, lock, now)) ? "expired" : "kept";
  } catch (error) {
    await deps.profiles.release(customerNumber, lock).catch(() => undefined);
    throw error;
  }
}

export interface SweepSummary {
  readonly expired: number;
  readonly kept: number;
  readonly failed: number;
}

/**
 * The scheduled sweep: every enrollment found unconfirmed 24 hours after it began. One account's
 * failure does not stop the others; the next run retries it.
 */
export async function sweepExpiredEnrollments(
  deps: ExpiryDeps & { readonly pending: PendingEnrollments; readonly now: () => Date },
  options: { readonly onError?: (customerNumber: string, error: unknown) => void } = {},
): Promise<SweepSummary> {
  const now = deps.now();
  let expired = 0;
  let kept = 0;
  let failed = 0;
  for await (const customerNumber of deps.pending.startedBy(expiryCutoff(now))) {
    try {
      if ((await expireEnrollment(customerNumber, deps, now)) === "expired") expired++;
      else kept++;
    } catch (error) {
      failed++;
      options.onError?.(customerNumber, error);
    }
  }
  return { expired, kept, failed };
}
