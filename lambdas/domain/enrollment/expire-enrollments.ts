import { randomUUID } from "node:crypto";
import { CONFIRMATION_TTL_SECONDS, ENROLLMENT_LOCK_SECONDS } from "../../definitions/limits";
import type { IdentityProvider, PendingEnrollments, ProfileStore } from "./ports";

/**
 * An enrollment not confirmed within 24 hours expires (contract §4, v2): its Cognito users go, the
 * profile goes back to not enrolled, and its address is free for anyone again. Otherwise whoever
 * enrolled an address first (a typo, or a squatter) would hold it forever against its real owner.
 */

export interface ExpiryDeps {
  readonly profiles: ProfileStore;
  readonly identity: IdentityProvider;
}

export type ExpiryOutcome = "expired" | "kept";

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
    const emails = new Set([
      ...(profile.cognitoEmails ?? []),
      ...(profile.email ? [profile.email] : []),
      ...(profile.pendingEmail ? [profile.pendingEmail] : []),
    ]);
    // Only this account's users: an address in the list may have been another account's all along.
    for (const email of emails) {
      if ((await deps.identity.customerNumberOf(email)) === customerNumber)
        await deps.identity.deleteUser(email);
    }
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
