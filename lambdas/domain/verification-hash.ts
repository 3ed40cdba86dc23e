import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Keyed hashes of verification secrets (access code, phone, postal code, last debit). The pepper
 * lives outside the table (Secrets Manager; locally a file under .local/), so a copy of the table
 * alone does not let anyone try the 100,000 access codes offline. Each hash is bound to its purpose
 * and customer number, so equal values of two customers hash differently.
 */
export type Factor = "accessCode" | "phone" | "postalCode" | "lastDebit";

export function factorHash(
  pepper: Uint8Array,
  factor: Factor,
  customerNumber: string,
  normalized: string,
): string {
  return createHmac("sha256", pepper)
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
