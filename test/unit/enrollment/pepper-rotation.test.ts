import { describe, expect, it } from "vitest";
import { accountItem } from "../../../lambdas/adapters/billing-items";
import { answerChallenge, sendStepUpCode, stepUpCode } from "../../../lambdas/domain/enrollment/step-up";
import { tokenHash } from "../../../lambdas/domain/enrollment/tokens";
import { verifyOwnership } from "../../../lambdas/domain/enrollment/verify-ownership";
import { decodeKeyRing, type KeyRing } from "../../../lambdas/domain/key-ring";
import { DEFAULT_FACTORS, TEST_KEY_RING, TEST_PEPPER, world } from "../../support/fakes/enrollment-fakes";
import { fakeBudget, fakeChallenges, fakeOutbox } from "../../support/fakes/step-up-fakes";

/**
 * Rotating the pepper (README "Rotating the pepper"): hashes stored with the old version keep
 * verifying while the ring holds it, the import writes the new one, and a hash or challenge whose
 * version was removed fails, reported by version only.
 */
const OLD = "1234567"; // stored before versions: unversioned hashes of the test pepper
const NEW = "2345678"; // re-imported after the rotation: "v2:" hashes
const NEW_KEY = "the-rotated-test-pepper-of-32-characters";
const rotated: KeyRing = decodeKeyRing(
  JSON.stringify({ current: "2", keys: { "1": new TextDecoder().decode(TEST_PEPPER), "2": NEW_KEY } }),
);
const newOnly: KeyRing = decodeKeyRing(JSON.stringify({ current: "2", keys: { "2": NEW_KEY } }));

const record = (customerNumber: string) => ({
  customerNumber,
  accessCode: DEFAULT_FACTORS.accessCode,
  phone: DEFAULT_FACTORS.phone,
  postalCode: DEFAULT_FACTORS.postalCode,
  lastDebitCents: DEFAULT_FACTORS.lastDebitCents,
  language: "fr" as const,
  balanceCents: 0,
  fullName: "Jean Tremblay",
  status: "active" as const,
});

function setup(pepper: KeyRing) {
  const w = world();
  w.seedAccount(OLD);
  // The importer's own item, with the rotated ring: what a re-import after the rotation stores.
  w.stores.accounts.set(NEW, accountItem(record(NEW), rotated, new Date()));
  const unknown: string[] = [];
  const deps = { ...w.verifyDeps, pepper, onUnknownKeyVersion: (v: string) => void unknown.push(v) };
  const bill = (customerNumber: string, accessCode = DEFAULT_FACTORS.accessCode) =>
    verifyOwnership({ method: "bill", customerNumber, accessCode }, deps);
  const account = (customerNumber: string) =>
    verifyOwnership(
      {
        method: "account",
        customerNumber,
        phone: DEFAULT_FACTORS.phone,
        postalCode: DEFAULT_FACTORS.postalCode,
        lastDebitCents: DEFAULT_FACTORS.lastDebitCents,
      },
      deps,
    );
  return { w, bill, account, unknown, deps };
}

describe("pepper rotation: verification", () => {
  it("an old unversioned hash still verifies with the ring of one plain key", async () => {
    const s = setup(TEST_KEY_RING);
    expect(s.w.stores.accounts.get(OLD)?.accessCodeHash).not.toContain(":");
    expect((await s.bill(OLD)).outcome).toBe("verified");
    expect((await s.account(OLD)).outcome).toBe("verified");
  });

  it("after the rotation both the old-version and the new-version accounts verify, by either form", async () => {
    const s = setup(rotated);
    expect(s.w.stores.accounts.get(NEW)?.accessCodeHash).toMatch(/^v2:/);
    for (const customer of [OLD, NEW]) {
      expect((await s.bill(customer)).outcome).toBe("verified");
      expect((await s.account(customer)).outcome).toBe("verified");
      expect((await s.bill(customer, "99999")).outcome).toBe("failed");
    }
    expect(s.unknown).toEqual([]);
  });

  it("once the old version is removed, its accounts fail (reported by version only) and the new ones verify", async () => {
    const s = setup(newOnly);
    expect((await s.bill(OLD)).outcome).toBe("failed");
    expect((await s.account(OLD)).outcome).toBe("failed");
    expect(s.unknown).toEqual(["1", "1"]); // once per attempt, not per factor
    expect((await s.bill(NEW)).outcome).toBe("verified");
    // An unknown customer number compares against the current version: nothing to report.
    expect((await s.bill("7654321")).outcome).toBe("failed");
    expect(s.unknown).toEqual(["1", "1"]);
  });
});

describe("pepper rotation: step-up codes", () => {
  function stepUp(createWith: KeyRing) {
    const s = setup(createWith);
    const challenges = fakeChallenges();
    const deps = {
      ...s.deps,
      stepUp: {
        budget: fakeBudget(0).budget,
        challenges: challenges.challenges,
        outbox: fakeOutbox().outbox,
      },
    };
    const challenge = async () => {
      const out = await verifyOwnership({ method: "bill", customerNumber: OLD, accessCode: "12345" }, deps);
      if (out.outcome !== "challenge") throw new Error(`expected a challenge, got ${out.outcome}`);
      return out.challengeId;
    };
    const sent: string[] = [];
    const send = (hash: string, pepper: KeyRing) =>
      sendStepUpCode(hash, {
        challenges: challenges.challenges,
        contacts: { contactOf: async () => ({ email: "owner@example.com", language: "fr" as const }) },
        mailer: { sendStepUpCode: async (mail) => void sent.push(mail.code) },
        pepper,
        onUnknownKeyVersion: (v) => void s.unknown.push(v),
        now: s.w.clock.now,
      });
    const answer = (id: string, code: string, pepper: KeyRing) =>
      answerChallenge(id, code, {
        challenges: challenges.challenges,
        directory: s.w.ports.directory,
        tokens: s.w.ports.verificationTokens,
        pepper,
        onUnknownKeyVersion: (v) => void s.unknown.push(v),
        now: s.w.clock.now,
      });
    return { ...s, challenges, challenge, send, sent, answer };
  }

  it("a challenge made before the rotation keeps its version: sender and answer agree across instances", async () => {
    const s = stepUp(TEST_KEY_RING);
    const id = await s.challenge();
    expect(s.challenges.items.get(tokenHash(id))?.keyVersion).toBe("1");
    // The sender already has the rotated ring; the answering instance still the old one.
    expect(await s.send(tokenHash(id), rotated)).toBe("sent");
    expect(s.sent[0]).toBe(stepUpCode(TEST_KEY_RING, tokenHash(id)));
    expect((await s.answer(id, s.sent[0] as string, TEST_KEY_RING)).outcome).toBe("verified");
  });

  it("a challenge made after the rotation uses the new version", async () => {
    const s = stepUp(rotated);
    const id = await s.challenge();
    expect(s.challenges.items.get(tokenHash(id))?.keyVersion).toBe("2");
    expect(await s.send(tokenHash(id), rotated)).toBe("sent");
    expect(s.sent[0]).toBe(stepUpCode(rotated, tokenHash(id), "2"));
    expect((await s.answer(id, s.sent[0] as string, rotated)).outcome).toBe("verified");
  });

  it("a challenge whose version was removed gets no code, and its right code fails", async () => {
    const s = stepUp(TEST_KEY_RING);
    const id = await s.challenge();
    expect(await s.send(tokenHash(id), newOnly)).toBe("expired");
    expect(s.sent).toEqual([]);
    const code = stepUpCode(TEST_KEY_RING, tokenHash(id));
    expect(await s.answer(id, code, newOnly)).toMatchObject({ outcome: "failed" });
    expect(s.unknown).toEqual(["1", "1"]);
  });
});
