import { randomUUID } from "node:crypto";
import type { Language } from "../language";
import type {
  ConfirmationTokens,
  IdentityProvider,
  Mailer,
  ProfileStatus,
  ProfileStore,
  VerificationTokens,
} from "./ports";
import { confirmationToken, isWellFormedToken, tokenHash } from "./tokens";

export interface EnrollmentRequest {
  readonly verificationToken: string;
  /** Trimmed and lower-cased: sign-in by e-mail is case-insensitive. */
  readonly email: string;
  readonly password: string;
  readonly language: Language;
}

export type EnrollmentOutcome =
  | {
      readonly outcome: "created";
      readonly customerNumber: string;
      readonly email: string;
      readonly status: ProfileStatus;
    }
  | { readonly outcome: "invalid-token" }
  | { readonly outcome: "already-enrolled" }
  | { readonly outcome: "in-progress" }
  | { readonly outcome: "email-in-use" };

export interface EnrollmentDeps {
  readonly verificationTokens: VerificationTokens;
  readonly confirmationTokens: ConfirmationTokens;
  readonly profiles: ProfileStore;
  readonly identity: IdentityProvider;
  readonly mailer: Mailer;
  /** The current key of the confirmation tokens (tokens.ts), never the pepper. */
  readonly confirmationKey: Uint8Array;
  readonly webBaseUrl: string;
  readonly now: () => Date;
}

export const CONFIRMATION_TTL_SECONDS = 24 * 60 * 60;
/**
 * Longer than the function's timeout (10 s), so that a lock outlives the request that holds it: no
 * request can lose its lock while still running.
 */
export const ENROLLMENT_LOCK_SECONDS = 30;

/**
 * Creates the authentication profile of a verified account. DynamoDB is the source of truth: the
 * profile's conditional lock admits one request per account at a time, and every step is safe to
 * repeat, so a retry (or the next enrollment) finishes or cleans up whatever a failure left.
 */
export async function enroll(request: EnrollmentRequest, deps: EnrollmentDeps): Promise<EnrollmentOutcome> {
  if (!isWellFormedToken(request.verificationToken)) return { outcome: "invalid-token" };
  const now = deps.now();
  const enrollmentId = tokenHash(request.verificationToken);
  const customerNumber = await deps.verificationTokens.consume(enrollmentId, request.email, now);
  if (customerNumber === null) return { outcome: "invalid-token" };
  const created = {
    outcome: "created",
    customerNumber,
    email: request.email,
    status: "PENDING_CONFIRMATION",
  } as const;

  const before = await deps.profiles.get(customerNumber);
  if (before?.status === "ACTIVE") return { outcome: "already-enrolled" };
  // The same request again after it fully succeeded, or after a newer enrollment replaced it:
  // the same answer, and nothing new (it must not take the account back from the newer one).
  const done = before?.completedEnrollmentId === enrollmentId && before.emailSentFor === enrollmentId;
  const replaced =
    before?.completedEnrollments?.includes(enrollmentId) && before.completedEnrollmentId !== enrollmentId;
  if (done || replaced) return created;

  const lock = { id: enrollmentId, lockOwner: randomUUID() };
  try {
    const acquired = await deps.profiles.acquire(
      customerNumber,
      { ...lock, email: request.email, language: request.language },
      now,
      ENROLLMENT_LOCK_SECONDS,
    );
    if (!acquired.acquired) {
      return { outcome: acquired.reason === "ALREADY_ENROLLED" ? "already-enrolled" : "in-progress" };
    }

    // The new user first: if the e-mail is another account's, nothing of this account was touched.
    if ((await deps.identity.createUser(request.email, customerNumber, request.language)) === "exists") {
      if ((await deps.identity.customerNumberOf(request.email)) !== customerNumber) {
        await deps.profiles.abandon(customerNumber, { ...lock, email: request.email });
        return { outcome: "email-in-use" };
      }
    }
    await deps.identity.setPassword(request.email, request.password);

    // Users of earlier, never confirmed enrollments of this account go (after a failure too).
    for (const old of acquired.profile.cognitoEmails ?? []) {
      if (old === request.email) continue;
      if ((await deps.identity.customerNumberOf(old)) === customerNumber) await deps.identity.deleteUser(old);
      await deps.profiles.forgetCognitoEmail(customerNumber, old);
    }

    const token = confirmationToken(deps.confirmationKey, enrollmentId);
    const hash = tokenHash(token);
    await deps.confirmationTokens.store(
      hash,
      customerNumber,
      new Date(now.getTime() + CONFIRMATION_TTL_SECONDS * 1000),
    );
    await deps.profiles.complete(customerNumber, {
      ...lock,
      email: request.email,
      language: request.language,
      confirmationTokenHash: hash,
    });
    const link = `${deps.webBaseUrl.replace(/\/+$/, "")}/confirmation?token=${token}`;
    await deps.mailer.sendConfirmation({ to: request.email, language: request.language, link });
    await deps.profiles.markEmailSent(customerNumber, enrollmentId);
    return created;
  } catch (error) {
    // Give the lock back (if this request took it: the release is conditional on its owner id) so
    // that the retry can run at once; whatever was written is finished by it.
    await deps.profiles.release(customerNumber, lock).catch(() => undefined);
    throw error;
  }
}
