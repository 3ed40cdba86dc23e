import { concurrently } from "../concurrently";
import type { KeyRing } from "../key-ring";
import { type Factor, factorMatches } from "../verification-hash";
import type {
  AccountDirectory,
  AccountSecrets,
  AttemptLimiter,
  ChallengeOutbox,
  Challenges,
  FailureBudget,
  VerificationTokens,
} from "./ports";
import { CHALLENGE_TTL_SECONDS } from "./step-up";
import { newToken, tokenHash, VERIFICATION_TOKEN_TTL_SECONDS } from "./tokens";

/** The two forms of the paper page: the code printed on the bill, or three facts of the account. */
export type VerificationRequest =
  | { readonly method: "bill"; readonly customerNumber: string; readonly accessCode: string }
  | {
      readonly method: "account";
      readonly customerNumber: string;
      readonly phone: string;
      readonly postalCode: string;
      readonly lastDebitCents: number;
    };

export type VerificationOutcome =
  | { readonly outcome: "verified"; readonly token: string; readonly expiresAt: Date }
  | { readonly outcome: "failed"; readonly lockedOut: boolean }
  | {
      readonly outcome: "locked";
      readonly retryAfterSeconds: number;
      readonly reason: "lockout" | "window" | "day";
    }
  | { readonly outcome: "already-enrolled" }
  /** Step-up: the same answer whether the data matched or not (`matched` is for the logs only). */
  | {
      readonly outcome: "challenge";
      readonly challengeId: string;
      readonly expiresAt: Date;
      readonly matched: boolean;
    };

export interface VerificationDeps {
  readonly limiter: AttemptLimiter;
  readonly directory: AccountDirectory;
  readonly tokens: Pick<VerificationTokens, "issue">;
  /** Every pepper version still in use: each stored hash is checked with the key it names. */
  readonly pepper: KeyRing;
  /** A stored hash named a version the ring lacks (it failed): the version, for the logs. */
  readonly onUnknownKeyVersion?: (version: string) => void;
  readonly now: () => Date;
  readonly tokenTtlSeconds?: number;
  /** The stage-wide failure budget and the step-up ports; without them, no step-up (tests, tools). */
  readonly stepUp?: {
    readonly budget: FailureBudget;
    readonly challenges: Challenges;
    readonly outbox: ChallengeOutbox;
  };
}

export { VERIFICATION_TOKEN_TTL_SECONDS };

/**
 * Stands in for a missing account: its hashes have the real ones' length and the current version
 * (so no unknown version is reported) and match nothing, so an unknown customer number costs the
 * same comparisons as a known one.
 */
function dummy(version: string): AccountSecrets {
  const hash = `v${version}:${"-".repeat(43)}`;
  return { accessCodeHash: hash, phoneHash: hash, postalCodeHash: hash, lastDebitHash: hash };
}

/** Every factor compared, no short-circuit: the time does not depend on which one is wrong. */
function matches(request: VerificationRequest, secrets: AccountSecrets, deps: VerificationDeps): boolean {
  const n = request.customerNumber;
  const unknown = new Set<string>();
  const check = (factor: Factor, value: string, stored: string) =>
    factorMatches(deps.pepper, factor, n, value, stored, (version) => unknown.add(version));
  let ok: boolean;
  if (request.method === "bill") {
    ok = check("accessCode", request.accessCode, secrets.accessCodeHash);
  } else {
    const phone = check("phone", request.phone, secrets.phoneHash);
    const postal = check("postalCode", request.postalCode, secrets.postalCodeHash);
    const debit = check("lastDebit", String(request.lastDebitCents), secrets.lastDebitHash);
    ok = phone && postal && debit;
  }
  for (const version of unknown) deps.onUnknownKeyVersion?.(version);
  return ok;
}

/**
 * Proves that the caller holds an account. Known and unknown customer numbers take the same path:
 * reserve an attempt (atomic, so parallel guesses cannot beat the limit), read the account and its
 * profile, compare hashes, record the failure (for the account and for the stage's budget). Success
 * gives its reservation back and, at the same time, issues a 15-minute, single-use token, stored
 * only as its hash.
 *
 * In step-up mode every valid, unlocked request gets a challenge, whatever its data, and counts as
 * a failure (for the account and the stage): the same writes in every case (the challenge, its
 * announcement, the failure), so neither the answer, its time, nor a later lockout tells which.
 */
export async function verifyOwnership(
  request: VerificationRequest,
  deps: VerificationDeps,
): Promise<VerificationOutcome> {
  const now = deps.now();
  const reservation = await deps.limiter.reserve(request.customerNumber, now);
  if (!reservation.allowed) {
    return {
      outcome: "locked",
      retryAfterSeconds: reservation.retryAfterSeconds,
      reason: reservation.reason,
    };
  }
  const [{ account, profile }, stepUp] = await Promise.all([
    deps.directory.lookup(request.customerNumber),
    deps.stepUp ? deps.stepUp.budget.stepUp(now) : false,
  ]);
  // A closed account takes the unknown one's path: the same comparisons, the same failure.
  const open = account?.status === "closed" ? undefined : account;
  const ok = matches(request, open ?? dummy(deps.pepper.current), deps) && open !== undefined;
  const fail = async (): Promise<boolean> => {
    const [lockedOut] = await Promise.all([
      deps.limiter.recordFailure(request.customerNumber, reservation, now),
      deps.stepUp?.budget.recordFailure(now, { stepUp }),
    ]);
    return lockedOut;
  };

  if (stepUp && deps.stepUp) {
    // Every step-up attempt counts as a failure, matched or not: the same writes either way, and
    // no later 429 tells which guess matched; a matched one is proved by the e-mailed code.
    const { challenges, outbox } = deps.stepUp;
    const challengeId = newToken();
    const hash = tokenHash(challengeId);
    const expiresAt = new Date(now.getTime() + CHALLENGE_TTL_SECONDS * 1000);
    // The pepper version of the code goes with the challenge: its sender and its answer may run on
    // instances that picked up a rotated pepper at different times.
    const keyVersion = deps.pepper.current;
    await challenges.create(hash, {
      customerNumber: request.customerNumber,
      matched: ok,
      expiresAt,
      keyVersion,
    });
    await Promise.all([outbox.announce(hash), fail()]);
    return { outcome: "challenge", challengeId, expiresAt, matched: ok };
  }

  if (!ok) return { outcome: "failed", lockedOut: await fail() };
  const release = deps.limiter.release(request.customerNumber, reservation);
  if (profile?.status === "ACTIVE") {
    await release;
    return { outcome: "already-enrolled" };
  }
  // The reservation's give-back and the token are independent writes: one round trip, not two.
  // Either failing fails the request (no token is handed out); a retry is safe, as the release
  // only removes this reservation and the token is a new one, unused.
  const token = newToken();
  const expiresAt = new Date(now.getTime() + (deps.tokenTtlSeconds ?? VERIFICATION_TOKEN_TTL_SECONDS) * 1000);
  await concurrently(release, deps.tokens.issue(tokenHash(token), request.customerNumber, expiresAt));
  return { outcome: "verified", token, expiresAt };
}
