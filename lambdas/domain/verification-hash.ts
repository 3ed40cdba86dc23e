import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from "node:crypto";

/**
 * Keyed hashes of verification secrets (access code, phone, postal code, last debit). The pepper
 * lives outside the table (Secrets Manager; locally a file under .local/), so a copy of the table
 * alone does not let anyone try the 100,000 access codes offline. Each hash is bound to its purpose
 * and customer number, so equal values of two customers hash differently.
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
