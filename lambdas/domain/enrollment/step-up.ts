import { createHmac } from "node:crypto";
import { currentKey, FIRST_KEY_VERSION, type KeyRing } from "../key-ring";
import { hashesEqual, pepperKey } from "../verification-hash";
import type {
  AccountContacts,
  AccountDirectory,
  Challenges,
  StepUpMailer,
  VerificationTokens,
} from "./ports";
import { isWellFormedToken, newToken, tokenHash, VERIFICATION_TOKEN_TTL_SECONDS } from "./tokens";

/**
 * Step-up (contract §4): while the stage's failure budget is spent, a valid verification answers a
 * challenge instead of a token, whatever its data; only a challenge whose data matched can ever
 * succeed, through a 6-digit code e-mailed to the account's contact address on file.
 */

/** A challenge, and its code, last 15 minutes. */
export const CHALLENGE_TTL_SECONDS = 15 * 60;
/** A challenge dies after this many codes. */
export const CHALLENGE_MAX_TRIES = 3;

/**
 * The challenge's code, derived from its stored hash with the pepper of the challenge's version:
 * nothing secret is stored, the sender recomputes it, and a copy of the table alone does not give
 * it. A version the ring lacks derives with the current key (the same work; the callers fail it).
 */
export function stepUpCode(pepper: KeyRing, challengeHash: string, version = pepper.current): string {
  const key = pepper.keys.get(version) ?? currentKey(pepper);
  const digest = createHmac("sha256", pepperKey(key)).update(`step-up\u0000${challengeHash}`).digest();
  return String(digest.readUInt32BE(0) % 1_000_000).padStart(6, "0");
}

function versionOf(challenge: { readonly keyVersion?: string }): string {
  return challenge.keyVersion ?? FIRST_KEY_VERSION;
}

/** `customerNumber`: the challenge's account when there is one (its events; never in a response). */
export type ChallengeCodeOutcome = (
  | { readonly outcome: "verified"; readonly token: string; readonly expiresAt: Date }
  | { readonly outcome: "failed" }
  | { readonly outcome: "already-enrolled" }
) & { readonly customerNumber?: string };

export interface ChallengeCodeDeps {
  readonly challenges: Challenges;
  readonly directory: AccountDirectory;
  readonly tokens: Pick<VerificationTokens, "issue">;
  readonly pepper: KeyRing;
  /** The challenge named a pepper version the ring lacks (it failed): the version, for the logs. */
  readonly onUnknownKeyVersion?: (version: string) => void;
  readonly now: () => Date;
}

/**
 * `POST /v1/enrollment/verifications/{challengeId}/code`: a wrong code, an unknown, expired or spent
 * challenge, and one whose data did not match all fail alike. A try is counted before the code is
 * compared, so parallel tries cannot beat the limit.
 */
export async function answerChallenge(
  challengeId: string,
  code: string,
  deps: ChallengeCodeDeps,
): Promise<ChallengeCodeOutcome> {
  if (!isWellFormedToken(challengeId)) return { outcome: "failed" };
  const now = deps.now();
  const hash = tokenHash(challengeId);
  const challenge = await deps.challenges.tryCode(hash, now, CHALLENGE_MAX_TRIES);
  const version = challenge ? versionOf(challenge) : deps.pepper.current;
  const known = deps.pepper.keys.has(version);
  const right = hashesEqual(code, stepUpCode(deps.pepper, hash, version));
  if (!known) deps.onUnknownKeyVersion?.(version);
  const account = challenge ? { customerNumber: challenge.customerNumber } : {};
  if (!challenge?.matched || !right || !known) return { outcome: "failed", ...account };
  if (!(await deps.challenges.consume(hash))) return { outcome: "failed", ...account };
  const { profile } = await deps.directory.lookup(challenge.customerNumber);
  if (profile?.status === "ACTIVE") return { outcome: "already-enrolled", ...account };
  const token = newToken();
  const expiresAt = new Date(now.getTime() + VERIFICATION_TOKEN_TTL_SECONDS * 1000);
  await deps.tokens.issue(tokenHash(token), challenge.customerNumber, expiresAt);
  return { outcome: "verified", token, expiresAt, ...account };
}

export interface StepUpSenderDeps {
  readonly challenges: Challenges;
  readonly contacts: AccountContacts;
  readonly mailer: StepUpMailer;
  readonly pepper: KeyRing;
  /** The challenge named a pepper version the ring lacks (no code sent): the version, for the logs. */
  readonly onUnknownKeyVersion?: (version: string) => void;
  readonly now: () => Date;
}

export type StepUpSendOutcome = "sent" | "not-matched" | "no-contact" | "expired";

/**
 * The code sender, after the answer: only a challenge whose data matched, of an account with a
 * contact address on file, gets its code, at that address. A retry sends the same code again.
 */
export async function sendStepUpCode(
  challengeHash: string,
  deps: StepUpSenderDeps,
): Promise<StepUpSendOutcome> {
  const challenge = await deps.challenges.find(challengeHash, deps.now());
  if (!challenge) return "expired";
  if (!challenge.matched) return "not-matched";
  // Its version's key is gone (removed within 15 minutes of the challenge): no code could ever be
  // right, so none is sent; the challenge dies as an expired one does.
  const version = versionOf(challenge);
  if (!deps.pepper.keys.has(version)) {
    deps.onUnknownKeyVersion?.(version);
    return "expired";
  }
  const contact = await deps.contacts.contactOf(challenge.customerNumber);
  if (!contact?.email) return "no-contact";
  await deps.mailer.sendStepUpCode({
    to: contact.email,
    language: contact.language,
    code: stepUpCode(deps.pepper, challengeHash, version),
  });
  return "sent";
}
