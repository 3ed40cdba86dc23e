import type { Profile } from "./ports";

/**
 * Why the account's enrollment lock refuses a request, read from the profile the refused write saw
 * (the lock's conditional write returns it: no read before the lock). The DynamoDB adapter's
 * ConditionExpression and the test fakes refuse on exactly these cases; the lock's own rule
 * (another request holds it) is the rest.
 *
 * - ALREADY_ENROLLED: the account has an active profile.
 * - COMPLETED: this enrollment already went through, the same request again: either fully (its link
 *   was e-mailed), or it was replaced by a newer enrollment since (it must not take the account
 *   back). The answer is the same 201, and nothing new happens.
 * - ENROLLMENT_IN_PROGRESS: another request holds the lock.
 */
export type LockRefusal = "ALREADY_ENROLLED" | "COMPLETED" | "ENROLLMENT_IN_PROGRESS";

/** This enrollment is done (its link went out) or was replaced by a newer one: nothing to do. */
export function enrollmentCompleted(profile: Profile | undefined, enrollmentId: string): boolean {
  const done = profile?.completedEnrollmentId === enrollmentId && profile.emailSentFor === enrollmentId;
  const replaced =
    profile?.completedEnrollments?.includes(enrollmentId) === true &&
    profile.completedEnrollmentId !== enrollmentId;
  return done || replaced;
}

export function lockRefusal(profile: Profile | undefined, enrollmentId: string): LockRefusal {
  if (profile?.status === "ACTIVE") return "ALREADY_ENROLLED";
  if (enrollmentCompleted(profile, enrollmentId)) return "COMPLETED";
  return "ENROLLMENT_IN_PROGRESS";
}
