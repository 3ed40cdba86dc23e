import type { Language } from "../language";
import type { Reservation } from "./attempt-window";
import type { LockRefusal } from "./enrollment-lock";

/**
 * What the enrollment use cases need from the outside world. Adapters (DynamoDB, Cognito, SES)
 * implement these; unit tests pass in-memory fakes.
 */

export type ProfileStatus = "PENDING_CONFIRMATION" | "ACTIVE";
export type Billing = "electronic" | "paper";

/** The verification factors of an account, as stored: keyed hashes only. */
export interface AccountSecrets {
  readonly accessCodeHash: string;
  readonly phoneHash: string;
  readonly postalCodeHash: string;
  readonly lastDebitHash: string;
  /** Closed by the billing system: verifies like an unknown account. */
  readonly status?: "active" | "closed";
}

export interface Profile {
  readonly customerNumber: string;
  readonly status?: ProfileStatus;
  readonly email?: string;
  readonly language?: Language;
  readonly billing?: Billing;
  readonly activatedAt?: string;
  /** When billing last became electronic (activation, or a switch back from paper): notices start there. */
  readonly electronicSince?: string;
  /** The enrollment that holds or last held the lock, and the one request (owner) holding it. */
  readonly enrollmentId?: string;
  readonly lockOwner?: string;
  readonly lockedUntil?: number;
  /** Set while an enrollment is being written: blocks confirmation of older links. */
  readonly pendingEmail?: string;
  /** Every e-mail for which a Cognito user may exist for this account (cleanup after crashes). */
  readonly cognitoEmails?: readonly string[];
  readonly confirmationTokenHash?: string;
  readonly completedEnrollmentId?: string;
  /** Every enrollment ever completed for the account: a repeat of a replaced one changes nothing. */
  readonly completedEnrollments?: readonly string[];
  readonly emailSentFor?: string;
  /**
   * When the latest enrollment began (epoch ms), while the profile is not ACTIVE: 24 hours later it
   * expires (the `pendingSince` index finds it). Set by the first lock, reset by each completed
   * enrollment, removed on activation and on expiry.
   */
  readonly pendingSince?: number;
}

/** One enrollment request's hold on the account: `lockOwner` is unique to the request holding it. */
export interface EnrollmentLock {
  readonly id: string;
  readonly lockOwner: string;
}

/** A reserved evaluation, or a refusal that says how long to wait (the rules: attempt-window.ts). */
export type AttemptReservation =
  | { readonly allowed: true; readonly reservation: Reservation }
  | {
      readonly allowed: false;
      /** Seconds until an attempt may be evaluated again. */
      readonly retryAfterSeconds: number;
      readonly reason: "lockout" | "window" | "day";
    };

export type GrantedReservation = Extract<AttemptReservation, { allowed: true }>;

/** Counts attempts per customer number, known or not, with atomic conditional writes. */
export interface AttemptLimiter {
  /** Reserves the right to evaluate one attempt; refused during a lockout or when a limit is reached. */
  reserve(customerNumber: string, now: Date): Promise<AttemptReservation>;
  /** The evaluated attempt failed: it stays counted; the one that fills the window locks (true then). */
  recordFailure(customerNumber: string, reservation: GrantedReservation, now: Date): Promise<boolean>;
  /** The evaluated attempt succeeded: its reservation is given back (earlier failures stay counted). */
  release(customerNumber: string, reservation: GrantedReservation): Promise<void>;
  /** Support's unlock: forgets every failure and lockout of the customer number. */
  clear(customerNumber: string): Promise<void>;
}

export interface AccountDirectory {
  /** The account's secrets and its profile, read together (the same calls whether they exist or not). */
  lookup(customerNumber: string): Promise<{ account?: AccountSecrets; profile?: Profile }>;
}

export interface VerificationTokens {
  issue(tokenHash: string, customerNumber: string, expiresAt: Date): Promise<void>;
  /**
   * Marks the token used by this e-mail; the same e-mail may use it again (a repeated request).
   * Returns the account it proves, or null when it is unknown, expired or used by another request.
   */
  consume(tokenHash: string, email: string, now: Date): Promise<string | null>;
}

export interface ConfirmationTokens {
  store(tokenHash: string, customerNumber: string, expiresAt: Date): Promise<void>;
  /** The account of a confirmation token, or null when it is unknown or expired. */
  find(tokenHash: string, now: Date): Promise<string | null>;
}

export type AcquireResult =
  | { readonly acquired: true; readonly profile: Profile }
  /** The reason, from the profile the refused write saw (enrollment-lock.ts). */
  | { readonly acquired: false; readonly reason: LockRefusal };

export interface ProfileStore {
  get(customerNumber: string): Promise<Profile | undefined>;
  /**
   * Takes the account's enrollment lock for one request (conditional write): refused while another
   * request holds it, even a copy of the same request, so that two never write at once; refused too
   * when the account is ACTIVE or this enrollment already completed (enrollment-lock.ts), so that
   * no read is needed before it.
   */
  acquire(
    customerNumber: string,
    enrollment: EnrollmentLock & { email: string; language: Language },
    now: Date,
    lockSeconds: number,
  ): Promise<AcquireResult>;
  /** Gives the lock back after a failure, so the customer can retry at once. */
  release(customerNumber: string, lock: EnrollmentLock): Promise<void>;
  /** Forgets an e-mail whose Cognito user was deleted. */
  forgetCognitoEmail(customerNumber: string, email: string): Promise<void>;
  /**
   * Before the user of `email` is deleted: if it is the profile's address, its confirmation link
   * dies first (while this lock is held), so that no link outlives its user and later confirms
   * whoever registers the address next.
   */
  dropConfirmation(customerNumber: string, lock: EnrollmentLock, email: string): Promise<void>;
  /**
   * The enrollment is written: new e-mail, new confirmation link (older ones stop working), lock
   * released; `now` (the request's) starts the enrollment's 24 hours. False when the request no
   * longer holds the lock (a removal or a newer enrollment took the account): nothing is written.
   */
  complete(
    customerNumber: string,
    enrollment: EnrollmentLock & { email: string; language: Language; confirmationTokenHash: string },
    now: Date,
  ): Promise<boolean>;
  /** The enrollment gave up (e-mail of another account): the profile is as it was, lock released. */
  abandon(customerNumber: string, enrollment: EnrollmentLock & { email: string }): Promise<void>;
  markEmailSent(customerNumber: string, enrollmentId: string): Promise<void>;
  /** ACTIVE with electronic billing, if this confirmation link is the current one; false otherwise. */
  activate(customerNumber: string, confirmationTokenHash: string, now: Date): Promise<boolean>;
  /**
   * Takes an unconfirmed enrollment that began at or before `startedBy` for expiry (conditional: not
   * ACTIVE, not locked): locks it for `lockOwner` and kills its confirmation link at once. The profile
   * as it was then, or null when it is not (or no longer) an expired enrollment.
   */
  beginExpiry(
    customerNumber: string,
    lock: EnrollmentLock,
    now: Date,
    startedBy: Date,
    lockSeconds: number,
  ): Promise<Profile | null>;
  /**
   * Its users deleted: the profile goes back to not enrolled (no status, address, link), lock
   * released. False when the lock was no longer this expiry's (an enrollment took the account).
   */
  finishExpiry(customerNumber: string, lock: EnrollmentLock, now: Date): Promise<boolean>;
}

/** What an enrollment (and the expiry it may run) asks of the profiles: all but the activation. */
export type EnrollmentProfiles = Omit<ProfileStore, "activate">;

/** The unconfirmed enrollments, by when they began (the profiles table's `pendingSince` index). */
export interface PendingEnrollments {
  /** Customer numbers whose unconfirmed enrollment began at or before `startedBy`, oldest first. */
  startedBy(startedBy: Date): AsyncIterable<string>;
}

/** A slot of the account's daily enrollment e-mails, or how long to wait for one (email-quota.ts). */
export type EmailReservation =
  | {
      readonly allowed: true;
      /** This enrollment's "already has a profile" e-mail already went out (a repeated request). */
      readonly notified: boolean;
    }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

/** The per-account cap on enrollment e-mails; the same enrollment never takes two slots. */
export interface EnrollmentEmailQuota {
  reserve(customerNumber: string, enrollmentId: string, now: Date): Promise<EmailReservation>;
  /** The "already has a profile" e-mail of this enrollment went out. */
  markNotified(customerNumber: string, enrollmentId: string): Promise<void>;
}

/** The customer's authentication profile (Cognito). E-mail is the sign-in name. */
export interface IdentityProvider {
  /** Creates the user with its immutable customer number; "exists" when the e-mail is taken. */
  createUser(email: string, customerNumber: string, language: Language): Promise<"created" | "exists">;
  /** The customer number of the user with this e-mail, or null when there is none. */
  customerNumberOf(email: string): Promise<string | null>;
  setPassword(email: string, password: string): Promise<void>;
  deleteUser(email: string): Promise<void>;
  /** False when there is no such user (deleted by a newer enrollment meanwhile). */
  markEmailVerified(email: string): Promise<boolean>;
}

/** What an enrollment (and the expiry it may run) asks of the user pool: all but the confirmation's call. */
export type EnrollmentIdentity = Omit<IdentityProvider, "markEmailVerified">;

export interface ConfirmationMail {
  readonly to: string;
  readonly language: Language;
  readonly link: string;
}

/** To an address that already has an online profile, instead of a confirmation link. */
export interface ProfileExistsMail {
  readonly to: string;
  /** The language of the enrollment request. */
  readonly language: Language;
  /** Where to sign in, or to reset the password. */
  readonly siteUrl: string;
}

export interface Mailer {
  sendConfirmation(mail: ConfirmationMail): Promise<void>;
  sendProfileExists(mail: ProfileExistsMail): Promise<void>;
}

/** A collaborator is throttled or down: the API answers 503 with Retry-After, never 500. */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: string,
    readonly retryAfterSeconds = 2,
  ) {
    super(`${dependency} is unavailable`);
    this.name = "DependencyUnavailableError";
  }
}

/** Cognito refused the password (its policy): a 400 on the password field. */
export class PasswordRejectedError extends Error {
  constructor() {
    super("password rejected");
    this.name = "PasswordRejectedError";
  }
}

/**
 * The stage-wide count of failed verifications over the last hour (every customer number together).
 * At or above the budget, verification steps up (contract §4).
 */
export interface FailureBudget {
  /** Whether the stage is in step-up mode; cheap (a cached read), may lag a few seconds. */
  stepUp(now: Date): Promise<boolean>;
  /**
   * Counts one failure. `decided` is the mode the failing request was answered in: a failure
   * answered outside step-up reads the count again at once, so the mode starts without waiting.
   */
  recordFailure(now: Date, decided: { stepUp: boolean }): Promise<void>;
}

/** A step-up challenge as stored: under the hash of its id, never the code (derived, see step-up.ts). */
export interface Challenge {
  readonly customerNumber: string;
  /** Whether the verification data matched: only then can a code ever succeed. */
  readonly matched: boolean;
  readonly expiresAt: Date;
  /** The pepper version its code is derived with; absent (a challenge older than versions): "1". */
  readonly keyVersion?: string;
}

export interface Challenges {
  create(challengeHash: string, challenge: Challenge): Promise<void>;
  /** The challenge, for a sender of its code (no try counted); null when unknown or expired. */
  find(challengeHash: string, now: Date): Promise<Challenge | null>;
  /**
   * Counts one code try, atomically; null when the challenge is unknown, expired, or has had its
   * tries (it dies after `maxTries`).
   */
  tryCode(challengeHash: string, now: Date, maxTries: number): Promise<Challenge | null>;
  /** Single use: true for the one caller that removes it. */
  consume(challengeHash: string): Promise<boolean>;
}

/** Hands a new challenge to the code sender, off the answer's critical path (SQS on AWS). */
export interface ChallengeOutbox {
  announce(challengeHash: string): Promise<void>;
}

/** The billing system's contact details of an account (accounts.csv `contactEmail`, `language`). */
export interface AccountContacts {
  contactOf(
    customerNumber: string,
  ): Promise<{ readonly email?: string; readonly language: Language } | undefined>;
}

export interface StepUpCodeMail {
  readonly to: string;
  readonly language: Language;
  readonly code: string;
}

export interface StepUpMailer {
  sendStepUpCode(mail: StepUpCodeMail): Promise<void>;
}

/** "Was this you?": the contact address on file learns that an online profile was created. */
export interface ProfileCreatedMail {
  readonly to: string;
  readonly language: Language;
  /** The enrolled address, masked (`j•••@example.com`). */
  readonly maskedEmail: string;
  /** The day of the confirmation, YYYY-MM-DD in America/Toronto. */
  readonly date: string;
}

export interface ProfileCreatedNotifier {
  sendProfileCreated(mail: ProfileCreatedMail): Promise<void>;
}
