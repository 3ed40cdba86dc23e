import { addDays, dateInTimeZone } from "../dates";
import type { Profile } from "../enrollment/ports";

/** What the dispatcher and the sender decide for one pending bill. */
export type NoticeDecision =
  /** Send the notice. */
  | "eligible"
  /** In credit (balance < 0): the paper page says no notice then. */
  | "skipped-credit"
  /** Not (yet) ACTIVE with electronic billing, or the address bounced: may become eligible later. */
  | "skipped-inactive"
  /**
   * Not ACTIVE with electronic billing, and available before today: never eligible, because an
   * activation or a switch to electronic bills from now on dates from today or later, after the
   * bill. Counted as skipped-inactive, but settled at once instead of being re-read for a week.
   */
  | "skipped-paper"
  /** Available before the account's activation or its switch to electronic bills: never eligible. */
  | "skipped-before-activation"
  /** Older than the catch-up bound and never sent: settled without a notice. */
  | "stale";

export interface PendingBill {
  readonly availableOn: string;
  readonly balanceCents: number;
}

export interface NoticeProfile
  extends Pick<Profile, "status" | "billing" | "activatedAt" | "electronicSince" | "email" | "language"> {
  readonly emailUndeliverable?: boolean;
}

/**
 * The rules of the contract (section 6): one e-mail per bill if the account is ACTIVE with
 * electronic billing, the bill became available on or after the account's activation (and its last
 * switch to electronic bills), both in America/Toronto, and the balance is not in credit.
 */
export function decide(
  bill: PendingBill,
  profile: NoticeProfile | undefined,
  today: string,
  catchUpDays: number,
): NoticeDecision {
  if (bill.availableOn < addDays(today, -catchUpDays)) return "stale";
  if (bill.balanceCents < 0) return "skipped-credit";
  if (profile?.status !== "ACTIVE" || profile.billing !== "electronic") {
    return bill.availableOn < today ? "skipped-paper" : "skipped-inactive";
  }
  // A bounced address may be cleared (support) without a new activation: the bill stays pending.
  if (profile.emailUndeliverable) return "skipped-inactive";
  if (!profile.email || !profile.activatedAt) return "skipped-inactive";
  const activated = dateInTimeZone(new Date(profile.activatedAt));
  const electronic = profile.electronicSince ? dateInTimeZone(new Date(profile.electronicSince)) : activated;
  // YYYY-MM-DD strings compare as dates: the bill must be on or after both.
  if (bill.availableOn < activated || bill.availableOn < electronic) return "skipped-before-activation";
  return "eligible";
}

/**
 * Whether the bill leaves the pending index after this decision. A bill of an inactive account that
 * became available today stays (an activation later today makes it eligible); one of an earlier day
 * is settled (skipped-paper).
 */
export function settles(decision: NoticeDecision): boolean {
  return decision !== "skipped-inactive" && decision !== "eligible";
}
