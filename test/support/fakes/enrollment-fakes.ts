import {
  type AttemptState,
  type LimiterConfig,
  lockoutAfterFailure,
  releaseAttempt,
  reserveAttempt,
} from "../../../lambdas/domain/enrollment/attempt-window";
import type { ConfirmationDeps } from "../../../lambdas/domain/enrollment/confirm-email";
import {
  type QuotaConfig,
  type QuotaState,
  reserveEmail,
} from "../../../lambdas/domain/enrollment/email-quota";
import type { EnrollmentDeps, EnrollmentRequest } from "../../../lambdas/domain/enrollment/enroll";
import { ENROLLMENT_EMAIL_QUOTA, enroll } from "../../../lambdas/domain/enrollment/enroll";
import { enrollmentCompleted, lockRefusal } from "../../../lambdas/domain/enrollment/enrollment-lock";
import { sweepExpiredEnrollments } from "../../../lambdas/domain/enrollment/expire-enrollments";
import {
  type AccountDirectory,
  type AccountSecrets,
  type AttemptLimiter,
  type AttemptReservation,
  type ConfirmationMail,
  type ConfirmationTokens,
  type EnrollmentEmailQuota,
  type IdentityProvider,
  type Mailer,
  PasswordRejectedError,
  type PendingEnrollments,
  type Profile,
  type ProfileExistsMail,
  type ProfileStatus,
  type ProfileStore,
  type VerificationTokens,
} from "../../../lambdas/domain/enrollment/ports";
import type {
  VerificationDeps,
  VerificationOutcome,
} from "../../../lambdas/domain/enrollment/verify-ownership";
import { verifyOwnership } from "../../../lambdas/domain/enrollment/verify-ownership";
import { singleKeyRing } from "../../../lambdas/domain/key-ring";
import type { Language } from "../../../lambdas/domain/language";
import { factorHash } from "../../../lambdas/domain/verification-hash";

/**
 * In-memory stand-ins for every port of the enrollment use cases. Each fake keeps its state in a Map
 * and applies the same conditions as its DynamoDB / Cognito adapter, atomically within one call
 * (nothing awaits between the condition and the write). Every call goes through `io()`, which
 * records its name, yields to other promises first (so concurrent use cases interleave), and asks
 * the fault injector whether to throw before or after the effect (a crash, or a lost response).
 */

// ---------------------------------------------------------------------------------------------
// Names, clock, faults, yielding
// ---------------------------------------------------------------------------------------------

export type PortMethod =
  | "limiter.reserve"
  | "limiter.recordFailure"
  | "limiter.release"
  | "limiter.clear"
  | "directory.lookup"
  | "verificationTokens.issue"
  | "verificationTokens.consume"
  | "confirmationTokens.store"
  | "confirmationTokens.find"
  | "profiles.get"
  | "profiles.acquire"
  | "profiles.forgetCognitoEmail"
  | "profiles.complete"
  | "profiles.abandon"
  | "profiles.release"
  | "profiles.markEmailSent"
  | "profiles.activate"
  | "profiles.dropConfirmation"
  | "profiles.beginExpiry"
  | "profiles.finishExpiry"
  | "pending.startedBy"
  | "quota.reserve"
  | "quota.markNotified"
  | "mailer.sendProfileExists"
  | "identity.createUser"
  | "identity.customerNumberOf"
  | "identity.setPassword"
  | "identity.deleteUser"
  | "identity.markEmailVerified"
  | "mailer.sendConfirmation";

export const T0 = new Date("2026-03-02T14:00:00.000Z");

export class FakeClock {
  private ms: number;
  constructor(start: Date = T0) {
    this.ms = start.getTime();
  }
  readonly now = (): Date => new Date(this.ms);
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
  set(date: Date): void {
    this.ms = date.getTime();
  }
}

/** What an injected fault throws: a crash or a timeout of the step. */
export class InjectedFault extends Error {
  constructor(
    readonly method: PortMethod,
    readonly phase: FaultPhase,
  ) {
    super(`injected fault: ${method} (${phase})`);
    this.name = "InjectedFault";
  }
}

/** "before": the call throws and does nothing. "after": it does its work, then throws (lost response). */
export type FaultPhase = "before" | "after";

/** A call held at its start (after its yield, before its work) until the test releases it. */
export interface Hold {
  /** Settles when the held call arrives. */
  readonly reached: Promise<void>;
  release(): void;
}

export class FaultInjector {
  private readonly counts = new Map<PortMethod, number>();
  private readonly plans: { method: PortMethod; call: number; phase: FaultPhase }[] = [];
  private readonly holds: {
    method: PortMethod;
    call: number;
    arrive: () => void;
    released: Promise<void>;
  }[] = [];

  /** The nth call of `method` from now on (1 = the next one) throws an InjectedFault, once. */
  failOn(method: PortMethod, nth = 1, phase: FaultPhase = "before"): void {
    this.plans.push({ method, call: this.count(method) + nth, phase });
  }

  /** The nth call of `method` from now on waits, before doing anything, until released. */
  holdOn(method: PortMethod, nth = 1): Hold {
    let arrive = () => {};
    let release = () => {};
    const reached = new Promise<void>((resolve) => {
      arrive = resolve;
    });
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.holds.push({ method, call: this.count(method) + nth, arrive, released });
    return { reached, release };
  }

  clear(): void {
    this.plans.length = 0;
  }

  /** Faults planned and not fired yet. */
  get pending(): number {
    return this.plans.length;
  }

  /** How many times `method` was called so far. */
  count(method: PortMethod): number {
    return this.counts.get(method) ?? 0;
  }

  /** @internal: counts a call; what to do with it. */
  arm(method: PortMethod): { phase?: FaultPhase; hold?: Promise<void> } {
    const call = this.count(method) + 1;
    this.counts.set(method, call);
    const holdIndex = this.holds.findIndex((h) => h.method === method && h.call === call);
    const [hold] = holdIndex < 0 ? [] : this.holds.splice(holdIndex, 1);
    hold?.arrive();
    const index = this.plans.findIndex((p) => p.method === method && p.call === call);
    const [plan] = index < 0 ? [] : this.plans.splice(index, 1);
    return {
      ...(plan ? { phase: plan.phase } : {}),
      ...(hold ? { hold: hold.released } : {}),
    };
  }
}

/** How a fake lets other promises run before it does its work. */
export type YieldMode =
  | "none"
  | "microtask"
  | "immediate"
  | { readonly seed: number; readonly maxTicks?: number };

function pauser(mode: YieldMode): () => Promise<void> {
  if (mode === "none") return async () => {};
  if (mode === "microtask") return () => Promise.resolve();
  if (mode === "immediate") return () => new Promise((resolve) => setImmediate(resolve));
  // A seeded, varying number of microtask turns and the occasional macrotask: many interleavings,
  // the same ones for the same seed.
  let state = mode.seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
  const maxTicks = mode.maxTicks ?? 8;
  return async () => {
    const r = next();
    if (r % 5 === 0) {
      await new Promise((resolve) => setImmediate(resolve));
      return;
    }
    for (let i = r % maxTicks; i > 0; i--) await Promise.resolve();
  };
}

export interface Io {
  readonly calls: PortMethod[];
  readonly faults: FaultInjector;
  run<T>(method: PortMethod, body: () => T): Promise<T>;
}

/**
 * `record: false` keeps `calls` empty: a long simulation (the guessing benchmark, millions of calls)
 * would otherwise hold every name it ever made.
 */
export function createIo(
  mode: YieldMode = "microtask",
  faults = new FaultInjector(),
  options: { readonly record?: boolean } = {},
): Io {
  const pause = pauser(mode);
  const calls: PortMethod[] = [];
  const record = options.record ?? true;
  return {
    calls,
    faults,
    async run(method, body) {
      if (record) calls.push(method);
      await pause();
      const { phase, hold } = faults.arm(method);
      if (hold) await hold;
      if (phase === "before") throw new InjectedFault(method, phase);
      const result = body();
      if (phase === "after") throw new InjectedFault(method, phase);
      return result;
    },
  };
}

/** What DynamoDB throws when a ConditionExpression is false. */
export class ConditionFailed extends Error {
  constructor(what: string) {
    super(`The conditional request failed (${what})`);
    this.name = "ConditionalCheckFailedException";
  }
}

// ---------------------------------------------------------------------------------------------
// Security table: attempts, verification tokens, confirmation tokens
// ---------------------------------------------------------------------------------------------

export const DEFAULT_LIMITS: LimiterConfig = {
  maxFailures: 5,
  windowSeconds: 900,
  lockoutSeconds: 900,
  dailyMaxFailures: 10,
};

/**
 * The rules of attemptLimiter (attempt-window.ts, shared), with the state in a Map: each call reads
 * and writes within one step, as the adapter's conditional write makes it. TTL deletion is not
 * simulated: no rule reads the expiry.
 */
export function fakeLimiter(io: Io, config: LimiterConfig = DEFAULT_LIMITS) {
  const items = new Map<string, AttemptState>();
  const state = (customerNumber: string): AttemptState => items.get(customerNumber) ?? { attempts: [] };
  const limiter: AttemptLimiter = {
    reserve: (customerNumber, now) =>
      io.run("limiter.reserve", (): AttemptReservation => {
        const result = reserveAttempt(state(customerNumber), now.getTime(), config);
        if (!result.allowed) return result;
        items.set(customerNumber, result.next);
        return { allowed: true, reservation: result.reservation };
      }),
    recordFailure: (customerNumber, reserved, now) =>
      io.run("limiter.recordFailure", () => {
        const lockout = lockoutAfterFailure(reserved.reservation, now.getTime(), config);
        if (!lockout) return false;
        items.set(customerNumber, { ...state(customerNumber), ...lockout });
        return true;
      }),
    release: (customerNumber, reserved) =>
      io.run("limiter.release", () => {
        items.set(customerNumber, releaseAttempt(state(customerNumber), reserved.reservation));
      }),
    clear: (customerNumber) =>
      io.run("limiter.clear", () => {
        items.set(customerNumber, { attempts: [] });
      }),
  };
  return { limiter, items };
}

interface VerificationTokenItem {
  readonly customerNumber: string;
  readonly expiresAtMs: number;
  usedBy?: string;
  usedAt?: number;
}

/** Same conditions as verificationTokens (security-store.ts). Keys are token hashes. */
export function fakeVerificationTokens(io: Io) {
  const items = new Map<string, VerificationTokenItem>();
  const tokens: VerificationTokens = {
    issue: (hash, customerNumber, expiresAt) =>
      io.run("verificationTokens.issue", () => {
        if (items.has(hash)) throw new ConditionFailed("verification token exists");
        items.set(hash, { customerNumber, expiresAtMs: expiresAt.getTime() });
      }),
    consume: (hash, email, now) =>
      io.run("verificationTokens.consume", () => {
        const item = items.get(hash);
        const nowMs = now.getTime();
        if (!item || !(item.expiresAtMs > nowMs)) return null;
        if (item.usedBy !== undefined && item.usedBy !== email) return null;
        item.usedBy = email;
        item.usedAt ??= nowMs;
        return item.customerNumber;
      }),
  };
  return { tokens, items };
}

interface ConfirmationTokenItem {
  readonly customerNumber: string;
  readonly expiresAtMs: number;
}

/** Same behaviour as confirmationTokens (security-store.ts): store overwrites, find checks expiry. */
export function fakeConfirmationTokens(io: Io) {
  const items = new Map<string, ConfirmationTokenItem>();
  const tokens: ConfirmationTokens = {
    store: (hash, customerNumber, expiresAt) =>
      io.run("confirmationTokens.store", () => {
        items.set(hash, { customerNumber, expiresAtMs: expiresAt.getTime() });
      }),
    find: (hash, now) =>
      io.run("confirmationTokens.find", () => {
        const item = items.get(hash);
        if (!item || item.expiresAtMs <= now.getTime()) return null;
        return item.customerNumber;
      }),
  };
  return { tokens, items };
}

// ---------------------------------------------------------------------------------------------
// Profiles table and accounts
// ---------------------------------------------------------------------------------------------

/** A profile item as DynamoDB holds it (more attributes than the Profile port type shows). */
export interface ProfileItem {
  customerNumber: string;
  status?: ProfileStatus;
  email?: string;
  language?: Language;
  billing?: "electronic" | "paper";
  activatedAt?: string;
  emailVerified?: boolean;
  enrollmentId?: string;
  lockOwner?: string;
  lockedUntil?: number;
  pendingEmail?: string;
  pendingLanguage?: Language;
  cognitoEmails?: Set<string>;
  confirmationTokenHash?: string;
  completedEnrollmentId?: string;
  completedEnrollments?: Set<string>;
  emailSentFor?: string;
  pendingSince?: number;
  expiredAt?: string;
  updatedAt?: string;
}

/** As toProfile (profile-store.ts): string sets become arrays, [] when absent. */
function toProfile(item: ProfileItem | undefined): Profile | undefined {
  if (!item) return undefined;
  const { cognitoEmails, completedEnrollments, ...rest } = item;
  return {
    ...rest,
    cognitoEmails: cognitoEmails ? [...cognitoEmails] : [],
    completedEnrollments: completedEnrollments ? [...completedEnrollments] : [],
  } as Profile;
}

/** DynamoDB: a comparison with a missing attribute is false, `<>` included. */
const differs = (value: unknown, other: unknown) => value !== undefined && value !== other;

/** DynamoDB removes a set attribute that becomes empty. */
function withoutEmail(item: ProfileItem, email: string): void {
  item.cognitoEmails?.delete(email);
  if (item.cognitoEmails?.size === 0) delete item.cognitoEmails;
}

/** Same conditions as profileStore (profile-store.ts). */
export function fakeProfiles(io: Io) {
  const items = new Map<string, ProfileItem>();
  const profiles: ProfileStore = {
    get: (customerNumber) => io.run("profiles.get", () => toProfile(items.get(customerNumber))),

    acquire: (customerNumber, enrollment, now, lockSeconds) =>
      io.run("profiles.acquire", () => {
        const nowMs = now.getTime();
        const item = items.get(customerNumber);
        // A profile without a status (an expired enrollment) is not enrolled.
        // As the adapter's condition: refused also once this enrollment completed (enrollment-lock.ts),
        // with the reason read from the item the refused write saw.
        const allowed =
          item === undefined ||
          (item.status !== "ACTIVE" &&
            (item.lockedUntil === undefined || item.lockedUntil < nowMs) &&
            !enrollmentCompleted(toProfile(item), enrollment.id));
        if (!allowed)
          return { acquired: false, reason: lockRefusal(toProfile(item), enrollment.id) } as const;
        const next: ProfileItem = item ?? { customerNumber };
        next.enrollmentId = enrollment.id;
        next.lockOwner = enrollment.lockOwner;
        next.lockedUntil = nowMs + lockSeconds * 1000;
        next.pendingEmail = enrollment.email;
        next.pendingLanguage = enrollment.language;
        next.status ??= "PENDING_CONFIRMATION";
        next.billing ??= "paper";
        next.pendingSince ??= nowMs;
        next.updatedAt = now.toISOString();
        next.cognitoEmails = new Set([...(next.cognitoEmails ?? []), enrollment.email]);
        items.set(customerNumber, next);
        return { acquired: true, profile: toProfile(next) as Profile } as const;
      }),

    forgetCognitoEmail: (customerNumber, email) =>
      io.run("profiles.forgetCognitoEmail", () => {
        // An unconditional UpdateItem: creates the item (its key only) when there is none.
        const item = items.get(customerNumber) ?? { customerNumber };
        withoutEmail(item, email);
        items.set(customerNumber, item);
      }),

    dropConfirmation: (customerNumber, lock, email) =>
      io.run("profiles.dropConfirmation", () => {
        const item = items.get(customerNumber);
        if (
          !item ||
          item.lockOwner !== lock.lockOwner ||
          item.email !== email ||
          !differs(item.status, "ACTIVE")
        )
          return;
        delete item.confirmationTokenHash;
      }),

    complete: (customerNumber, enrollment, now) =>
      io.run("profiles.complete", () => {
        const item = items.get(customerNumber);
        if (!item || item.lockOwner !== enrollment.lockOwner || !differs(item.status, "ACTIVE")) {
          return false;
        }
        item.completedEnrollments = new Set([...(item.completedEnrollments ?? []), enrollment.id]);
        item.email = enrollment.email;
        item.language = enrollment.language;
        item.confirmationTokenHash = enrollment.confirmationTokenHash;
        item.completedEnrollmentId = enrollment.id;
        item.status = "PENDING_CONFIRMATION";
        item.lockedUntil = 0;
        item.pendingSince = now.getTime();
        delete item.pendingEmail;
        delete item.pendingLanguage;
        return true;
      }),

    abandon: (customerNumber, enrollment) =>
      io.run("profiles.abandon", () => {
        const item = items.get(customerNumber);
        // Another enrollment took over meanwhile: nothing of ours to undo (the condition failure is swallowed).
        if (!item || item.lockOwner !== enrollment.lockOwner) return;
        item.lockedUntil = 0;
        delete item.pendingEmail;
        delete item.pendingLanguage;
        withoutEmail(item, enrollment.email);
      }),

    release: (customerNumber, lock) =>
      io.run("profiles.release", () => {
        const item = items.get(customerNumber);
        if (item && item.lockOwner === lock.lockOwner) item.lockedUntil = 0;
      }),

    markEmailSent: (customerNumber, enrollmentId) =>
      io.run("profiles.markEmailSent", () => {
        const item = items.get(customerNumber);
        if (!item || item.completedEnrollmentId !== enrollmentId) return;
        item.emailSentFor = enrollmentId;
      }),

    activate: (customerNumber, confirmationTokenHash, now) =>
      io.run("profiles.activate", () => {
        const item = items.get(customerNumber);
        if (
          !item ||
          item.confirmationTokenHash !== confirmationTokenHash ||
          item.pendingEmail !== undefined ||
          !differs(item.status, "ACTIVE")
        ) {
          return false;
        }
        item.status = "ACTIVE";
        item.billing = "electronic";
        item.activatedAt = now.toISOString();
        item.emailVerified = true;
        delete item.pendingSince;
        return true;
      }),

    beginExpiry: (customerNumber, lock, now, startedBy, lockSeconds) =>
      io.run("profiles.beginExpiry", () => {
        const item = items.get(customerNumber);
        const nowMs = now.getTime();
        if (
          item?.status !== "PENDING_CONFIRMATION" ||
          item.pendingSince === undefined ||
          item.pendingSince > startedBy.getTime() ||
          (item.lockedUntil !== undefined && item.lockedUntil >= nowMs)
        ) {
          return null;
        }
        item.lockOwner = lock.lockOwner;
        item.lockedUntil = nowMs + lockSeconds * 1000;
        delete item.confirmationTokenHash;
        return toProfile(item) ?? null;
      }),

    finishExpiry: (customerNumber, lock, now) =>
      io.run("profiles.finishExpiry", () => {
        const item = items.get(customerNumber);
        if (!item || item.lockOwner !== lock.lockOwner) return false;
        for (const key of [
          "status",
          "email",
          "language",
          "confirmationTokenHash",
          "pendingSince",
          "pendingEmail",
          "pendingLanguage",
          "completedEnrollmentId",
          "emailSentFor",
          "cognitoEmails",
        ] as const)
          delete item[key];
        item.lockedUntil = 0;
        item.expiredAt = now.toISOString();
        item.updatedAt = now.toISOString();
        return true;
      }),
  };
  return { profiles, items };
}

/** The sparse `pendingSince` index of the profiles table: oldest first. */
export function fakePending(io: Io, profiles: Map<string, ProfileItem>) {
  const pending: PendingEnrollments = {
    async *startedBy(startedBy) {
      const found = await io.run("pending.startedBy", () =>
        [...profiles.values()]
          .filter(
            (p) =>
              p.status === "PENDING_CONFIRMATION" &&
              p.pendingSince !== undefined &&
              p.pendingSince <= startedBy.getTime(),
          )
          .sort((a, b) => (a.pendingSince ?? 0) - (b.pendingSince ?? 0))
          .map((p) => p.customerNumber),
      );
      yield* found;
    },
  };
  return { pending };
}

/** The rules of enrollmentEmailQuota (email-quota.ts, shared), with the state in a Map. */
export function fakeEmailQuota(io: Io, config: QuotaConfig = ENROLLMENT_EMAIL_QUOTA) {
  const items = new Map<string, QuotaState>();
  const state = (customerNumber: string): QuotaState =>
    items.get(customerNumber) ?? { sends: [], notified: [] };
  const quota: EnrollmentEmailQuota = {
    reserve: (customerNumber, enrollmentId, now) =>
      io.run("quota.reserve", () => {
        const decision = reserveEmail(state(customerNumber), enrollmentId, now.getTime(), config);
        if (!decision.allowed) return decision;
        if (decision.next) items.set(customerNumber, decision.next);
        return { allowed: true, notified: decision.notified } as const;
      }),
    markNotified: (customerNumber, enrollmentId) =>
      io.run("quota.markNotified", () => {
        const current = state(customerNumber);
        if (!current.notified.includes(enrollmentId))
          items.set(customerNumber, { ...current, notified: [...current.notified, enrollmentId] });
      }),
  };
  return { quota, items };
}

/** The accounts table and the profiles table, read together (one BatchGetItem in the adapter). */
export function fakeDirectory(
  io: Io,
  accounts: Map<string, AccountSecrets>,
  profiles: Map<string, ProfileItem>,
) {
  const directory: AccountDirectory = {
    lookup: (customerNumber) =>
      io.run("directory.lookup", () => {
        const account = accounts.get(customerNumber);
        const profile = toProfile(profiles.get(customerNumber));
        return { ...(account ? { account: { ...account } } : {}), ...(profile ? { profile } : {}) };
      }),
  };
  return { directory };
}

// ---------------------------------------------------------------------------------------------
// Cognito and SES
// ---------------------------------------------------------------------------------------------

export interface FakeUser {
  readonly email: string;
  readonly customerNumber: string;
  readonly language: Language;
  password?: string;
  emailVerified: boolean;
}

/** What Cognito throws for a user that does not exist (the adapter passes it on, except in deleteUser). */
export class UserNotFound extends Error {
  constructor(email: string) {
    super(`User does not exist: ${email}`);
    this.name = "UserNotFoundException";
  }
}

export const PASSWORD_MIN_LENGTH = 10;

/**
 * The user pool as cognitoIdentity (cognito-identity.ts) sees it: users keyed by e-mail,
 * case-insensitive; the customer number is set at creation and never changes.
 */
export function fakeIdentity(io: Io) {
  const users = new Map<string, FakeUser>();
  const key = (email: string) => email.toLowerCase();
  const existing = (email: string) => {
    const user = users.get(key(email));
    if (!user) throw new UserNotFound(email);
    return user;
  };
  const identity: IdentityProvider = {
    createUser: (email, customerNumber, language) =>
      io.run("identity.createUser", () => {
        if (users.has(key(email))) return "exists" as const;
        users.set(key(email), { email, customerNumber, language, emailVerified: false });
        return "created" as const;
      }),
    customerNumberOf: (email) =>
      io.run("identity.customerNumberOf", () => users.get(key(email))?.customerNumber ?? null),
    setPassword: (email, password) =>
      io.run("identity.setPassword", () => {
        const user = existing(email);
        if (password.length < PASSWORD_MIN_LENGTH) throw new PasswordRejectedError();
        user.password = password;
      }),
    deleteUser: (email) =>
      io.run("identity.deleteUser", () => {
        users.delete(key(email));
      }),
    markEmailVerified: (email) =>
      io.run("identity.markEmailVerified", () => {
        const user = users.get(key(email));
        if (!user) return false;
        user.emailVerified = true;
        return true;
      }),
  };
  return { identity, users };
}

export function fakeMailer(io: Io) {
  const sent: ConfirmationMail[] = [];
  const profileExists: ProfileExistsMail[] = [];
  const mailer: Mailer = {
    sendConfirmation: (mail) =>
      io.run("mailer.sendConfirmation", () => {
        sent.push({ ...mail });
      }),
    sendProfileExists: (mail) =>
      io.run("mailer.sendProfileExists", () => {
        profileExists.push({ ...mail });
      }),
  };
  return { mailer, sent, profileExists };
}

// ---------------------------------------------------------------------------------------------
// The world: every fake wired together, with helpers
// ---------------------------------------------------------------------------------------------

export const TEST_PEPPER = new TextEncoder().encode("unit-test-pepper-of-at-least-32-characters");
/** The pepper as the functions load it: a ring whose one version, "1", is the test pepper. */
export const TEST_KEY_RING = singleKeyRing(TEST_PEPPER);
export const TEST_CONFIRMATION_KEY = new TextEncoder().encode("unit-test-confirmation-key-of-32-characters");
export const WEB_BASE_URL = "https://portal.example.test";
export const PASSWORD = "Correct-horse-42";

export interface AccountFactors {
  readonly accessCode: string;
  readonly phone: string;
  readonly postalCode: string;
  readonly lastDebitCents: number;
}

export const DEFAULT_FACTORS: AccountFactors = {
  accessCode: "12345",
  phone: "4505551234",
  postalCode: "J4K1A1",
  lastDebitCents: 8437,
};

/** An account's factors as the import stores them: keyed hashes (with the test pepper). */
export function accountSecrets(customerNumber: string, f: AccountFactors): AccountSecrets {
  return {
    accessCodeHash: factorHash(TEST_PEPPER, "accessCode", customerNumber, f.accessCode),
    phoneHash: factorHash(TEST_PEPPER, "phone", customerNumber, f.phone),
    postalCodeHash: factorHash(TEST_PEPPER, "postalCode", customerNumber, f.postalCode),
    lastDebitHash: factorHash(TEST_PEPPER, "lastDebit", customerNumber, String(f.lastDebitCents)),
  };
}

export interface WorldOptions {
  readonly yield?: YieldMode;
  readonly limits?: LimiterConfig;
  readonly start?: Date;
  /** False: `calls` stays empty (long simulations). */
  readonly recordCalls?: boolean;
  /**
   * The accounts table, when the caller provides it: the guessing benchmark passes a map that
   * derives a million accounts on first read instead of seeding them all.
   */
  readonly accounts?: Map<string, AccountSecrets>;
  readonly webBaseUrl?: string;
}

export function world(options: WorldOptions = {}) {
  const faults = new FaultInjector();
  const io = createIo(options.yield ?? "microtask", faults, { record: options.recordCalls ?? true });
  const clock = new FakeClock(options.start);
  const accounts = options.accounts ?? new Map<string, AccountSecrets>();
  const limiter = fakeLimiter(io, options.limits ?? DEFAULT_LIMITS);
  const verificationTokens = fakeVerificationTokens(io);
  const confirmationTokens = fakeConfirmationTokens(io);
  const profiles = fakeProfiles(io);
  const directory = fakeDirectory(io, accounts, profiles.items);
  const identity = fakeIdentity(io);
  const mailer = fakeMailer(io);
  const quota = fakeEmailQuota(io);
  const pending = fakePending(io, profiles.items);
  const webBaseUrl = options.webBaseUrl ?? WEB_BASE_URL;

  const verifyDeps: VerificationDeps = {
    limiter: limiter.limiter,
    directory: directory.directory,
    tokens: verificationTokens.tokens,
    pepper: TEST_KEY_RING,
    now: clock.now,
  };
  const enrollDeps: EnrollmentDeps = {
    verificationTokens: verificationTokens.tokens,
    confirmationTokens: confirmationTokens.tokens,
    profiles: profiles.profiles,
    identity: identity.identity,
    mailer: mailer.mailer,
    emailQuota: quota.quota,
    confirmationKey: TEST_CONFIRMATION_KEY,
    webBaseUrl,
    now: clock.now,
  };
  const sweepDeps = {
    profiles: profiles.profiles,
    identity: identity.identity,
    pending: pending.pending,
    now: clock.now,
  };
  const confirmDeps: ConfirmationDeps = {
    confirmationTokens: confirmationTokens.tokens,
    profiles: profiles.profiles,
    identity: identity.identity,
    now: clock.now,
  };

  /** The token of a confirmation link (null when the link has another shape). */
  const tokenOf = (link: string): string | null => {
    if (!link.startsWith(`${webBaseUrl}/confirmation?token=`)) return null;
    return new URL(link).searchParams.get("token");
  };

  const w = {
    clock,
    faults,
    /** Every port call, in order (names only). */
    calls: io.calls,
    verifyDeps,
    enrollDeps,
    confirmDeps,
    sweepDeps,
    pepper: TEST_KEY_RING,
    webBaseUrl,
    stores: {
      accounts,
      attempts: limiter.items,
      verificationTokens: verificationTokens.items,
      confirmationTokens: confirmationTokens.items,
      profiles: profiles.items,
      users: identity.users,
      emailQuota: quota.items,
    },
    ports: {
      limiter: limiter.limiter,
      directory: directory.directory,
      verificationTokens: verificationTokens.tokens,
      confirmationTokens: confirmationTokens.tokens,
      profiles: profiles.profiles,
      identity: identity.identity,
      mailer: mailer.mailer,
      emailQuota: quota.quota,
      pending: pending.pending,
    },
    /** Every confirmation e-mail sent, in order. */
    mails: mailer.sent,
    /** Every "this address already has a profile" e-mail sent, in order. */
    profileExistsMails: mailer.profileExists,

    /** The scheduled sweep of unconfirmed enrollments, at the world's clock. */
    sweep: () => sweepExpiredEnrollments(sweepDeps),

    /** An account whose factors are stored as keyed hashes, as the import writes them. */
    seedAccount(customerNumber: string, factors: Partial<AccountFactors> = {}): AccountFactors {
      const f = { ...DEFAULT_FACTORS, ...factors };
      accounts.set(customerNumber, accountSecrets(customerNumber, f));
      return f;
    },

    /** Writes a profile item directly (e.g. an ACTIVE profile from an earlier enrollment). */
    seedProfile(item: Omit<ProfileItem, "cognitoEmails"> & { cognitoEmails?: string[] }): void {
      const { cognitoEmails, ...rest } = item;
      profiles.items.set(item.customerNumber, {
        ...rest,
        ...(cognitoEmails?.length ? { cognitoEmails: new Set(cognitoEmails) } : {}),
      });
    },

    /** The profile as the store returns it. */
    profile(customerNumber: string): Profile | undefined {
      return toProfile(profiles.items.get(customerNumber));
    },

    /** Every user, or the users linked to one account. */
    users(customerNumber?: string): FakeUser[] {
      return [...identity.users.values()].filter(
        (u) => customerNumber === undefined || u.customerNumber === customerNumber,
      );
    },

    user(email: string): FakeUser | undefined {
      return identity.users.get(email.toLowerCase());
    },

    /** Verification with the bill's access code (the default factors). */
    verify(customerNumber: string, accessCode = DEFAULT_FACTORS.accessCode): Promise<VerificationOutcome> {
      return verifyOwnership({ method: "bill", customerNumber, accessCode }, verifyDeps);
    },

    /** A verification that must succeed: its token. */
    async verified(customerNumber: string, accessCode = DEFAULT_FACTORS.accessCode): Promise<string> {
      const outcome = await w.verify(customerNumber, accessCode);
      if (outcome.outcome !== "verified") throw new Error(`verification: ${outcome.outcome}`);
      return outcome.token;
    },

    enroll(
      verificationToken: string,
      email: string,
      more: Partial<Omit<EnrollmentRequest, "verificationToken" | "email">> = {},
    ) {
      return enroll({ verificationToken, email, password: PASSWORD, language: "fr", ...more }, enrollDeps);
    },

    tokenOf,

    /** The mails sent to one address (or all of them). */
    mailsTo(email?: string): ConfirmationMail[] {
      return mailer.sent.filter((m) => email === undefined || m.to === email);
    },

    /** Follows the link of the latest mail (to this address): its token. */
    latestToken(email?: string): string {
      const mail = w.mailsTo(email).at(-1);
      if (!mail) throw new Error(`no mail${email ? ` to ${email}` : ""}`);
      const token = tokenOf(mail.link);
      if (!token) throw new Error(`not a confirmation link: ${mail.link}`);
      return token;
    },

    /** Every distinct confirmation token e-mailed so far, in order. */
    sentTokens(): string[] {
      return [...new Set(mailer.sent.map((m) => tokenOf(m.link)).filter((t): t is string => t !== null))];
    },
  };
  return w;
}

export type World = ReturnType<typeof world>;
