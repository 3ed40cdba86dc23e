import { createHash, createHmac, randomBytes } from "node:crypto";
import { pepperKey } from "../verification-hash";

/** A single-use secret handed to a browser: 256 random bits, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * What is stored of a token: its SHA-256. Tokens carry 256 random bits, so a plain hash cannot be
 * reversed by guessing; the table never holds a token that could be replayed.
 */
export function tokenHash(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("base64url");
}

/**
 * The confirmation token of one enrollment, derived (HMAC with the confirmation key, not the
 * pepper: the enrollment function holds no key to the account hashes) from the enrollment's id, so
 * that a retried enrollment e-mails the same link instead of killing the one already sent. The key
 * only derives: a link is checked by the SHA-256 of its token, so rotating the key leaves the links
 * in flight valid.
 */
export function confirmationToken(confirmationKey: Uint8Array, enrollmentId: string): string {
  return createHmac("sha256", pepperKey(confirmationKey))
    .update(`confirmation\u0000${enrollmentId}`)
    .digest("base64url");
}

/** Tokens as they come from a client: base64url, 43 characters for 256 bits (a little slack allowed). */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{22,128}$/;

/**
 * Whether a string could be one of our tokens. One that cannot is simply an invalid token (401, like
 * an unknown one, not a 400): the use cases refuse it before hashing it or looking it up, so a huge
 * or odd string costs no DynamoDB call.
 */
export function isWellFormedToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

/** A verification token proves ownership for 15 minutes. */
export const VERIFICATION_TOKEN_TTL_SECONDS = 15 * 60;
