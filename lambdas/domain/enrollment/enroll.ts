import { randomUUID } from "node:crypto";
import {
  CONFIRMATION_TTL_SECONDS,
  ENROLLMENT_EMAILS_PER_DAY,
  ENROLLMENT_EMAILS_WINDOW_SECONDS,
  ENROLLMENT_LOCK_SECONDS,
} from "../../definitions/limits";
import { confirmationLink } from "../../definitions/web-pages";
import { concurrently } from "../concurrently";
import type { Language } from "../language";
import { lockRefusal } from "./enrollment-lock";
import { expireEnrollment } from "./expire-enrollments";
import type {
  ConfirmationTokens,
  EnrollmentEmailQuota,
  EnrollmentIdentity,
  EnrollmentLock,
  EnrollmentProfiles,
  Mailer,
  Profile,
  ProfileStatus,
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

/** What the 201 says. The same for an address that another account already uses: it is not revealed. */
export interface AcceptedEnrollment {
  readonly customerNumber: string;
  readonly email: string;
  readonly status: ProfileStatus;
}

export type EnrollmentOutcome =
  | ({ readonly outcome: "created" } & AcceptedEnrollment)
  /** The address has another account's profile: it was told so instead, and nothing was created. */
  | ({ readonly outcome: "address-taken" } & AcceptedEnrollment)
  | { readonly outcome: "invalid-token" }
  | { readonly outcome: "already-enrolled" }
  | { readonly outcome: "in-progress" }
  | { readonly outcome: "too-many-enrollments"; readonly retryAfterSeconds: number };

export interface EnrollmentDeps {
  readonly verificationTokens: Pick<VerificationTokens, "consume">;
  readonly confirmationTokens: Pick<ConfirmationTokens, "store">;
  readonly profiles: EnrollmentProfiles;
  readonly identity: EnrollmentIdentity;
  readonly mailer: Mailer;
  readonly emailQuota: EnrollmentEmailQuota;
  /** The current key of the confirmation tokens (tokens.ts), never the pepper. */
  readonly confirmationKey: Uint8Array;
  readonly webBaseUrl: string;
  readonly now: () => Date;
}

export { CONFIRMATION_TTL_SECONDS, ENROLLMENT_LOCK_SECONDS };

/** The cap of lambdas/definitions/limits.ts, for the quota adapters. */
export const ENROLLMENT_EMAIL_QUOTA = {
  max: ENROLLMENT_EMAILS_PER_DAY,
  windowSeconds: ENROLLMENT_EMAILS_WINDOW_SECONDS,
} as const;

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
  const accepted = { customerNumber, email: request.email, status: "PENDING_CONFIRMATION" } as const;
  const created = { outcome: "created", ...accepted } as const;

  // Every way on from here may e-mail (a link, or "already has a profile"): the account's cap first,
  // before anything is written, so that a refused request leaves nothing behind. The same request
  // again keeps the slot it took (the quota is keyed by the enrollment); one refused with
  // ENROLLMENT_IN_PROGRESS keeps its slot for its retry. (An account already ACTIVE, reachable
  // only with a token issued before its activation, may take a slot before the lock refuses it:
  // harmless, an active account sends no enrollment e-mail.)
  const slot = await deps.emailQuota.reserve(customerNumber, enrollmentId, now);
  if (!slot.allowed) {
    // Rare: only here is the profile read, so that an active account still answers 409 and a
    // completed enrollment its 201, as when the profile was read before the cap.
    const refusal = lockRefusal(await deps.profiles.get(customerNumber), enrollmentId);
    if (refusal === "ALREADY_ENROLLED") return { outcome: "already-enrolled" };
    if (refusal === "COMPLETED") return created;
    return { outcome: "too-many-enrollments", retryAfterSeconds: slot.retryAfterSeconds };
  }

  const lock = { id: enrollmentId, lockOwner: randomUUID() };
  try {
    // No read first: the lock's condition refuses an active account, a busy one, and this
    // enrollment once completed, and its reason comes from the item the refused write saw.
    const acquired = await deps.profiles.acquire(
      customerNumber,
      { ...lock, email: request.email, language: request.language },
      now,
      ENROLLMENT_LOCK_SECONDS,
    );
    if (!acquired.acquired) {
      // The same request again after it fully succeeded, or after a newer enrollment replaced it:
      // the same answer, and nothing new (it must not take the account back from the newer one).
      if (acquired.reason === "COMPLETED") return created;
      return { outcome: acquired.reason === "ALREADY_ENROLLED" ? "already-enrolled" : "in-progress" };
    }

    // The new user first: if the e-mail is another account's, nothing of this account was touched.
    if (!(await claimAddress(request, customerNumber, deps, now))) {
      await deps.profiles.abandon(customerNumber, { ...lock, email: request.email });
      // Not revealed to the requester (same 201); the address's owner learns it has a profile.
      if (!slot.notified) {
        await deps.mailer.sendProfileExists({
          to: request.email,
          language: request.language,
          siteUrl: deps.webBaseUrl,
        });
        await deps.emailQuota.markNotified(customerNumber, enrollmentId);
      }
      return { outcome: "address-taken", ...accepted };
    }
    // The confirmation token (derived, so a retry writes the same item) is inert until complete()
    // names it on the profile: it is written while Cognito sets the password and the users of older
    // attempts go, one round trip instead of two. Both settle before any failure reaches the catch,
    // so nothing of this request still runs once its lock is given back.
    const token = confirmationToken(deps.confirmationKey, enrollmentId);
    const hash = tokenHash(token);
    await concurrently(
      setPasswordAndDropOlderUsers(request, customerNumber, lock, acquired.profile, deps),
      deps.confirmationTokens.store(
        hash,
        customerNumber,
        new Date(now.getTime() + CONFIRMATION_TTL_SECONDS * 1000),
      ),
    );
    const completed = await deps.profiles.complete(
      customerNumber,
      { ...lock, email: request.email, language: request.language, confirmationTokenHash: hash },
      now,
    );
    // The account was taken from this request meanwhile (support revoked it, or the customer closed
    // it): no link goes out, and the answer is the 409 of an account busy elsewhere, never a 500.
    // The user it may have created is on the profile's list, for the next enrollment or removal.
    if (!completed) return { outcome: "in-progress" };
    const link = confirmationLink(deps.webBaseUrl, token);
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

async function setPasswordAndDropOlderUsers(
  request: EnrollmentRequest,
  customerNumber: string,
  lock: EnrollmentLock,
  profile: Profile,
  deps: EnrollmentDeps,
): Promise<void> {
  await deps.identity.setPassword(request.email, request.password);
  // Users of earlier, never confirmed enrollments of this account go (after a failure too); the
  // link of each goes before its user does, so that no link can outlive it.
  for (const old of profile.cognitoEmails ?? []) {
    if (old === request.email) continue;
    if ((await deps.identity.customerNumberOf(old)) === customerNumber) {
      await deps.profiles.dropConfirmation(customerNumber, lock, old);
      await deps.identity.deleteUser(old);
    }
    await deps.profiles.forgetCognitoEmail(customerNumber, old);
  }
}

/**
 * Creates the address's user for this account: true when it is this account's (new, or left by an
 * earlier attempt of it). An address held by another account's enrollment that was not confirmed
 * within 24 hours is freed first (the squatter loses it); any other holder keeps it: false.
 */
async function claimAddress(
  request: EnrollmentRequest,
  customerNumber: string,
  deps: EnrollmentDeps,
  now: Date,
): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    if ((await deps.identity.createUser(request.email, customerNumber, request.language)) === "created") {
      return true;
    }
    const holder = await deps.identity.customerNumberOf(request.email);
    if (holder === customerNumber) return true;
    // null: deleted since createUser said it exists; try again. Another account: only if expired.
    if (holder !== null && (await expireEnrollment(holder, deps, now)) === "kept") return false;
  }
  return false;
}
