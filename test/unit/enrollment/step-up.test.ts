import { describe, expect, it } from "vitest";
import {
  answerChallenge,
  CHALLENGE_MAX_TRIES,
  sendStepUpCode,
  stepUpCode,
} from "../../../lambdas/domain/enrollment/step-up";
import { tokenHash } from "../../../lambdas/domain/enrollment/tokens";
import { verifyOwnership } from "../../../lambdas/domain/enrollment/verify-ownership";
import { DEFAULT_FACTORS, world } from "../../support/fakes/enrollment-fakes";
import { fakeBudget, fakeChallenges, fakeOutbox } from "../../support/fakes/step-up-fakes";

const CUSTOMER = "1234567";
const UNKNOWN = "7654321";

function setup(perHour = 3) {
  const w = world();
  w.seedAccount(CUSTOMER);
  const budget = fakeBudget(perHour);
  const challenges = fakeChallenges();
  const outbox = fakeOutbox();
  const deps = {
    ...w.verifyDeps,
    stepUp: { budget: budget.budget, challenges: challenges.challenges, outbox: outbox.outbox },
  };
  const verify = (customerNumber: string, accessCode: string = DEFAULT_FACTORS.accessCode) =>
    verifyOwnership({ method: "bill", customerNumber, accessCode }, deps);
  const codeDeps = {
    challenges: challenges.challenges,
    directory: w.ports.directory,
    tokens: w.ports.verificationTokens,
    pepper: w.pepper,
    now: w.clock.now,
  };
  const sent: { to: string; language: string; code: string }[] = [];
  const send = (hash: string, email: string | null = "owner@example.com") =>
    sendStepUpCode(hash, {
      challenges: challenges.challenges,
      contacts: { contactOf: async () => ({ ...(email ? { email } : {}), language: "fr" as const }) },
      mailer: { sendStepUpCode: async (mail) => void sent.push(mail) },
      pepper: w.pepper,
      now: w.clock.now,
    });
  /** Spends the budget with failures on other customer numbers (each locks on its own). */
  const spend = async (n = perHour) => {
    for (let i = 0; i < n; i++) expect((await verify(String(2000000 + i), "00000")).outcome).toBe("failed");
  };
  return { w, budget, challenges, outbox, verify, codeDeps, send, sent, spend };
}

describe("step-up mode", () => {
  it("starts when the stage's failures of the last hour reach the budget, and ends by itself", async () => {
    const s = setup(3);
    await s.spend(2);
    expect((await s.verify(CUSTOMER)).outcome).toBe("verified");
    await s.spend(1);
    expect((await s.verify(CUSTOMER)).outcome).toBe("challenge");
    s.w.clock.advance(3_601);
    expect((await s.verify(CUSTOMER)).outcome).toBe("verified");
  });

  it("answers right, wrong and unknown data alike, with the same calls; a wrong one still counts", async () => {
    const s = setup(1);
    await s.spend();
    const outcomes = [];
    const calls: string[][] = [];
    for (const [n, code] of [
      [CUSTOMER, DEFAULT_FACTORS.accessCode],
      [CUSTOMER, "99999"],
      [UNKNOWN, DEFAULT_FACTORS.accessCode],
    ] as const) {
      s.w.calls.splice(0);
      const out = await s.verify(n, code);
      calls.push([...s.w.calls]);
      outcomes.push(out);
    }
    expect(outcomes.map((o) => o.outcome)).toEqual(["challenge", "challenge", "challenge"]);
    expect(outcomes.map((o) => (o.outcome === "challenge" ? o.matched : null))).toEqual([true, false, false]);
    expect(new Set(calls.map((c) => c.join()))).toHaveProperty("size", 1);
    // Every challenge is announced (the sender decides), so the answer's work does not depend on the data.
    expect(s.outbox.announced).toHaveLength(3);
    // Every step-up attempt counts as a failure, matched or not.
    expect(s.budget.failures).toHaveLength(1 + 3);
    expect(s.w.stores.verificationTokens.size).toBe(0);
  });

  it("no later 429 tells which step-up guess matched: right and wrong use up the window alike", async () => {
    for (const accessCode of [DEFAULT_FACTORS.accessCode, "99999"]) {
      const s = setup(1);
      await s.spend();
      const outcomes = [];
      for (let i = 0; i < 6; i++) outcomes.push((await s.verify(CUSTOMER, accessCode)).outcome);
      expect({ accessCode, outcomes }).toEqual({
        accessCode,
        outcomes: ["challenge", "challenge", "challenge", "challenge", "challenge", "locked"],
      });
    }
  });

  it("the contact address gets the code only for matched data; the code gives a token, once", async () => {
    const s = setup(1);
    await s.spend();
    const right = await s.verify(CUSTOMER);
    const wrong = await s.verify(CUSTOMER, "99999");
    if (right.outcome !== "challenge" || wrong.outcome !== "challenge")
      throw new Error("expected challenges");
    expect(await s.send(tokenHash(wrong.challengeId))).toBe("not-matched");
    expect(await s.send(tokenHash(right.challengeId))).toBe("sent");
    expect(s.sent).toHaveLength(1);
    const code = s.sent[0]?.code as string;
    expect(code).toMatch(/^\d{6}$/);
    expect(code).toBe(stepUpCode(s.w.pepper, tokenHash(right.challengeId)));
    // Nothing of the code is stored: only the challenge's hash and whether it matched.
    expect(JSON.stringify([...s.challenges.items])).not.toContain(code);
    expect(JSON.stringify([...s.challenges.items])).not.toContain(right.challengeId);

    expect(
      await answerChallenge(
        wrong.challengeId,
        stepUpCode(s.w.pepper, tokenHash(wrong.challengeId)),
        s.codeDeps,
      ),
    ).toMatchObject({
      outcome: "failed",
    });
    const ok = await answerChallenge(right.challengeId, code, s.codeDeps);
    expect(ok.outcome).toBe("verified");
    expect(await answerChallenge(right.challengeId, code, s.codeDeps)).toMatchObject({ outcome: "failed" });
  });

  it("a challenge dies after 3 wrong codes, even before the right one", async () => {
    const s = setup(1);
    await s.spend();
    const right = await s.verify(CUSTOMER);
    if (right.outcome !== "challenge") throw new Error("expected a challenge");
    const code = stepUpCode(s.w.pepper, tokenHash(right.challengeId));
    const wrongCode = code === "000000" ? "000001" : "000000";
    for (let i = 0; i < CHALLENGE_MAX_TRIES; i++) {
      expect(await answerChallenge(right.challengeId, wrongCode, s.codeDeps)).toMatchObject({
        outcome: "failed",
      });
    }
    expect(await answerChallenge(right.challengeId, code, s.codeDeps)).toMatchObject({ outcome: "failed" });
  });

  it("an expired challenge, an unknown one and a malformed id fail alike", async () => {
    const s = setup(1);
    await s.spend();
    const right = await s.verify(CUSTOMER);
    if (right.outcome !== "challenge") throw new Error("expected a challenge");
    const code = stepUpCode(s.w.pepper, tokenHash(right.challengeId));
    expect(await answerChallenge("A".repeat(43), code, s.codeDeps)).toMatchObject({ outcome: "failed" });
    expect(await answerChallenge("not a challenge!", code, s.codeDeps)).toMatchObject({ outcome: "failed" });
    s.w.clock.advance(15 * 60);
    expect(await answerChallenge(right.challengeId, code, s.codeDeps)).toMatchObject({ outcome: "failed" });
    expect(await s.send(tokenHash(right.challengeId))).toBe("expired");
  });

  it("an account with no contact e-mail gets no code (the page sends the customer to support)", async () => {
    const s = setup(1);
    await s.spend();
    const right = await s.verify(CUSTOMER);
    if (right.outcome !== "challenge") throw new Error("expected a challenge");
    expect(await s.send(tokenHash(right.challengeId), null)).toBe("no-contact");
    expect(s.sent).toHaveLength(0);
  });

  it("an account already enrolled answers 409 at the code step, not before", async () => {
    const s = setup(1);
    s.w.seedProfile({
      customerNumber: CUSTOMER,
      status: "ACTIVE",
      email: "a@example.com",
      billing: "electronic",
    });
    await s.spend();
    const right = await s.verify(CUSTOMER);
    if (right.outcome !== "challenge") throw new Error("expected a challenge");
    const code = stepUpCode(s.w.pepper, tokenHash(right.challengeId));
    expect(await answerChallenge(right.challengeId, code, s.codeDeps)).toMatchObject({
      outcome: "already-enrolled",
    });
  });

  it("a locked-out customer number is refused before any challenge", async () => {
    const s = setup(1);
    for (let i = 0; i < 5; i++) await s.verify(CUSTOMER, "99999");
    expect(await s.verify(CUSTOMER)).toMatchObject({ outcome: "locked", reason: "lockout" });
    expect(s.challenges.items.size).toBe(4);
  });
});

describe("closed accounts (contract §5)", () => {
  it("a closed account verifies like an unknown one, with the same calls", async () => {
    const w = world();
    w.seedAccount(CUSTOMER);
    const secrets = w.stores.accounts.get(CUSTOMER);
    if (!secrets) throw new Error("seeded");
    w.stores.accounts.set(CUSTOMER, { ...secrets, status: "closed" });
    w.calls.splice(0);
    const closed = await verifyOwnership(
      { method: "bill", customerNumber: CUSTOMER, accessCode: DEFAULT_FACTORS.accessCode },
      w.verifyDeps,
    );
    const closedCalls = w.calls.splice(0);
    const unknown = await verifyOwnership(
      { method: "bill", customerNumber: UNKNOWN, accessCode: DEFAULT_FACTORS.accessCode },
      w.verifyDeps,
    );
    expect(closed).toEqual({ outcome: "failed", lockedOut: false });
    expect(unknown).toEqual(closed);
    expect(w.calls).toEqual(closedCalls);
  });
});
