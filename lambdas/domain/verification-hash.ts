import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from "node:crypto";
import { currentKey, FIRST_KEY_VERSION, isKeyVersion, type KeyRing } from "./key-ring";

/**
 * Keyed hashes of verification secrets (access code, phone, postal code, last debit). The pepper
 * lives outside the table (Secrets Manager; locally a file under .local/), so a copy of the table
 * alone does not let anyone try the 100,000 access codes offline. Each hash is bound to its purpose
 * and customer number, so equal values of two customers hash differently.
 *
 * A stored hash names the pepper version it was made with, `v2:<digest>`, so that the pepper can be
 * rotated (README "Rotating the pepper"): a hash without a prefix, stored before versions existed,
 * is version "1". base64url never holds a ":", so the two forms cannot be confused.
 */
export type Factor = "accessCode" | "phone" | "postalCode" | "lastDebit";

/**
 * The pepper as a key object, made once per pepper: building it is most of an HMAC's cost (12.8 µs
 * against 2.1 µs per hash), which the importer pays four times per row.
 */
const keys = new WeakMap<Uint8Array, KeyObject>();
export function pepperKey(pepper: Uint8Array): KeyObject {
  let key = keys.get(pepper);
  if (!key) {
    key = createSecretKey(pepper);
    keys.set(pepper, key);
  }
  return key;
}

export function factorHash(
  pepper: Uint8Array,
  factor: Factor,
  customerNumber: string,
  normalized: string,
): string {
  return createHmac("sha256", pepperKey(pepper))
    .update(`${factor}\u0000${customerNumber}\u0000${normalized}`)
    .digest("base64url");
}

/** The hash the import stores: made with the ring's current key, prefixed with its version. */
export function storedFactorHash(
  ring: KeyRing,
  factor: Factor,
  customerNumber: string,
  normalized: string,
): string {
  return `v${ring.current}:${factorHash(currentKey(ring), factor, customerNumber, normalized)}`;
}

/** The version a stored hash names ("1" when it has no prefix), or undefined for a malformed prefix. */
export function storedHashVersion(stored: string): string | undefined {
  const colon = stored.indexOf(":");
  if (colon < 0) return FIRST_KEY_VERSION;
  const version = stored.startsWith("v") ? stored.slice(1, colon) : "";
  return isKeyVersion(version) ? version : undefined;
}

/**
 * Whether a value matches its stored hash, with the key of the hash's version. A version the ring
 * does not hold (removed too early, or a malformed prefix) fails, after the same HMAC and comparison
 * with the current key, so the time says nothing; `onUnknownVersion` gets the version for the logs
 * ("invalid" for a malformed prefix), never the hash.
 */
export function factorMatches(
  ring: KeyRing,
  factor: Factor,
  customerNumber: string,
  normalized: string,
  stored: string,
  onUnknownVersion?: (version: string) => void,
): boolean {
  const version = storedHashVersion(stored);
  const key = version === undefined ? undefined : ring.keys.get(version);
  const digest = stored.slice(stored.indexOf(":") + 1);
  const equal = hashesEqual(factorHash(key ?? currentKey(ring), factor, customerNumber, normalized), digest);
  if (!key) {
    onUnknownVersion?.(version ?? "invalid");
    return false;
  }
  return equal;
}

/** Constant-time comparison of two hashes (equal length by construction; a length mismatch is false). */
export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}
