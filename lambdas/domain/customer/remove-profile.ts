import { randomUUID } from "node:crypto";
import { ENROLLMENT_LOCK_SECONDS } from "../../definitions/limits";
import type { RemovalReason as EmailedReason } from "../emails/profile-removed-email";
import { type AccountUsers, deleteAccountUsers } from "../enrollment/expire-enrollments";
import type { EnrollmentLock, Profile } from "../enrollment/ports";
import type { Language } from "../language";
import type { CustomerProfiles } from "./ports";

/**
 * Why a profile is removed: support revoked it (the customer said it was not theirs), the customer
 * closed it (DELETE /v1/me), or the billing system closed the account (accounts.csv `status`).
 */
export type RemovalReason = EmailedReason | "closed";

/** The profiles table's side of a removal (profile-store.ts). */
export interface ProfileRemovals {
  /**
   * Takes the account for the removal, whatever holds it: `lockOwner` becomes the removal's, so an
   * enrollment writing at that moment fails its next conditional write (complete(), dropConfirmation)
   * and no new one starts for `lockSeconds`. In the same write the confirmation link dies and the
   * profile stops being ACTIVE with electronic bills (no notice, no 200 from /v1/me from then on).
   * The profile as it was before (its addresses are the users to delete), or null when there is none.
   */
  beginRemoval(
    customerNumber: string,
    lock: EnrollmentLock,
    now: Date,
    lockSeconds: number,
  ): Promise<Profile | null>;
  /**
   * Its users deleted: the profile is not enrolled (no status, address, link), paper bills, the lock
   * released, the `forgotten` addresses dropped from its list; the sign-out mark stays. False when
   * the lock is no longer this removal's (another removal, or an enrollment once it ran out).
   */
  finishRemoval(
    customerNumber: string,
    lock: EnrollmentLock,
    now: Date,
    reason: RemovalReason,
    forgotten: readonly string[],
  ): Promise<boolean>;
}

export interface RemovalDeps {
  readonly profiles: Pick<CustomerProfiles, "revokeTokens">;
  readonly removals: ProfileRemovals;
  readonly identity: AccountUsers & { readonly disableUser: (email: string) => Promise<void> };
  readonly now: () => Date;
}

export type RemovalOutcome =
  /** There was a profile to remove; `email` is the address it was enrolled (or enrolling) with. */
  | { readonly outcome: "removed"; readonly email?: string; readonly language?: Language }
  /** No profile, or one already not enrolled (a repeat): nothing to tell anyone. */
  | { readonly outcome: "not-enrolled" };

/**
 * Removes the account's online profile; shared by support's revoke, DELETE /v1/me and the import
 * of a closed account. In this order, each step idempotent, so that a repeat finishes whatever a
 * failure left:
 * 1. the sign-out mark (`tokensRevokedAt`): every token issued so far is refused at once (401), even
 *    if what follows fails;
 * 2. the account taken from any enrollment in flight (its lock owner changed), the link dropped, the
 *    profile no longer ACTIVE nor electronic: no notice goes out from here on;
 * 3. the account's Cognito users disabled then deleted, each after checking its customer number;
 * 4. the profile back to not enrolled with paper bills (the mark and the list of completed
 *    enrollments stay: a replayed enrollment request changes nothing).
 * The user list is read before the profile is cleared, so that a failure in 3 leaves the addresses
 * for the repeat to find.
 */
export async function removeProfile(
  customerNumber: string,
  reason: RemovalReason,
  deps: RemovalDeps,
): Promise<RemovalOutcome> {
  const now = deps.now();
  if (!(await deps.profiles.revokeTokens(customerNumber, now))) return { outcome: "not-enrolled" };
  const lock = { id: `removal:${reason}`, lockOwner: randomUUID() };
  const before = await deps.removals.beginRemoval(customerNumber, lock, now, ENROLLMENT_LOCK_SECONDS);
  if (!before) return { outcome: "not-enrolled" };
  const forgotten = await deleteAccountUsers(customerNumber, before, deps.identity, { disableFirst: true });
  await deps.removals.finishRemoval(customerNumber, lock, now, reason, forgotten);
  const email = before.email ?? before.pendingEmail;
  if (!before.status && !email) return { outcome: "not-enrolled" };
  return {
    outcome: "removed",
    ...(email ? { email } : {}),
    ...(before.language ? { language: before.language } : {}),
  };
}

export interface ProfileRemovedMail {
  readonly to: string;
  readonly language: Language;
  readonly reason: EmailedReason;
  /** The removed profile's address, masked (`j•••@example.com`). */
  readonly maskedEmail: string;
}

/** "Your online profile was removed" (emails/profile-removed-email.ts), through SES. */
export interface ProfileRemovedNotifier {
  sendProfileRemoved(mail: ProfileRemovedMail): Promise<void>;
}
