import { describe, expect, it } from "vitest";
import { factorHash, hashesEqual } from "../../lambdas/domain/verification-hash";

const pepper = new TextEncoder().encode("a-test-pepper-of-at-least-32-characters");
const otherPepper = new TextEncoder().encode("another-test-pepper-of-32-characters!!");

describe("factorHash", () => {
  it("gives the same hash for the same inputs", () => {
    expect(factorHash(pepper, "accessCode", "1234567", "90817")).toBe(
      factorHash(pepper, "accessCode", "1234567", "90817"),
    );
  });

  it("changes with the pepper", () => {
    expect(factorHash(pepper, "accessCode", "1234567", "90817")).not.toBe(
      factorHash(otherPepper, "accessCode", "1234567", "90817"),
    );
  });

  it("changes with the customer number, so equal values of two customers differ", () => {
    expect(factorHash(pepper, "accessCode", "1234567", "90817")).not.toBe(
      factorHash(pepper, "accessCode", "7654321", "90817"),
    );
  });

  it("changes with the factor", () => {
    expect(factorHash(pepper, "phone", "1234567", "5145551234")).not.toBe(
      factorHash(pepper, "postalCode", "1234567", "5145551234"),
    );
  });

  it("changes with the value", () => {
    expect(factorHash(pepper, "accessCode", "1234567", "90817")).not.toBe(
      factorHash(pepper, "accessCode", "1234567", "90818"),
    );
  });

  it("does not contain the value", () => {
    for (const [factor, value] of [
      ["accessCode", "90817"],
      ["phone", "5145551234"],
      ["postalCode", "H2X1Y4"],
      ["lastDebit", "8437"],
    ] as const) {
      expect(factorHash(pepper, factor, "1234567", value)).not.toContain(value);
    }
  });
});

describe("hashesEqual", () => {
  const hash = factorHash(pepper, "accessCode", "1234567", "90817");

  it("is true for equal hashes", () => {
    expect(hashesEqual(hash, factorHash(pepper, "accessCode", "1234567", "90817"))).toBe(true);
  });

  it("is false for different hashes of the same length", () => {
    expect(hashesEqual(hash, factorHash(pepper, "accessCode", "1234567", "90818"))).toBe(false);
  });

  it("is false, without throwing, for strings of different lengths", () => {
    expect(hashesEqual(hash, hash.slice(1))).toBe(false);
    expect(hashesEqual(hash, "")).toBe(false);
  });
});
