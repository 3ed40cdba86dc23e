import { describe, expect, it } from "vitest";
import { decodeKeyRing } from "../../lambdas/domain/key-ring";
import {
  factorHash,
  factorMatches,
  hashesEqual,
  storedFactorHash,
  storedHashVersion,
} from "../../lambdas/domain/verification-hash";

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

describe("versioned hashes (pepper rotation)", () => {
  const key1 = "a-test-pepper-of-at-least-32-characters";
  const key2 = "another-test-pepper-of-32-characters!!";
  const before = decodeKeyRing(key1);
  const rotated = decodeKeyRing(JSON.stringify({ current: "2", keys: { "1": key1, "2": key2 } }));
  const newOnly = decodeKeyRing(JSON.stringify({ current: "2", keys: { "2": key2 } }));
  const unversioned = factorHash(pepper, "accessCode", "1234567", "90817");

  it("writes the current version in front of the hash", () => {
    expect(storedFactorHash(before, "accessCode", "1234567", "90817")).toBe(`v1:${unversioned}`);
    expect(storedFactorHash(rotated, "accessCode", "1234567", "90817")).toBe(
      `v2:${factorHash(otherPepper, "accessCode", "1234567", "90817")}`,
    );
    expect(storedHashVersion(unversioned)).toBe("1");
    expect(storedHashVersion(`v2:${unversioned}`)).toBe("2");
    expect(storedHashVersion(`x2:${unversioned}`)).toBeUndefined();
  });

  it("verifies a hash stored before versions (no prefix) as version 1", () => {
    expect(factorMatches(before, "accessCode", "1234567", "90817", unversioned)).toBe(true);
    expect(factorMatches(before, "accessCode", "1234567", "90818", unversioned)).toBe(false);
  });

  it("after rotation verifies old-version and new-version hashes, each with its own key", () => {
    const v1 = storedFactorHash(before, "phone", "1234567", "5145551234");
    const v2 = storedFactorHash(rotated, "phone", "1234567", "5145551234");
    expect(v1).not.toBe(v2);
    for (const stored of [unversioned, `v1:${unversioned}`]) {
      expect(factorMatches(rotated, "accessCode", "1234567", "90817", stored)).toBe(true);
    }
    expect(factorMatches(rotated, "phone", "1234567", "5145551234", v1)).toBe(true);
    expect(factorMatches(rotated, "phone", "1234567", "5145551234", v2)).toBe(true);
    expect(factorMatches(rotated, "phone", "1234567", "5145559999", v2)).toBe(false);
    // A hash carrying the wrong version does not verify with the other key.
    expect(factorMatches(rotated, "phone", "1234567", "5145551234", v2.replace("v2:", "v1:"))).toBe(false);
  });

  it("fails a hash whose version the ring lacks, reporting only the version", () => {
    const reported: string[] = [];
    const report = (version: string) => reported.push(version);
    expect(factorMatches(newOnly, "accessCode", "1234567", "90817", unversioned, report)).toBe(false);
    expect(factorMatches(newOnly, "accessCode", "1234567", "90817", `v7:${unversioned}`, report)).toBe(false);
    expect(factorMatches(newOnly, "accessCode", "1234567", "90817", `junk:${unversioned}`, report)).toBe(
      false,
    );
    expect(reported).toEqual(["1", "7", "invalid"]);
  });
});
