import { describe, expect, it } from "vitest";
import { confirmEmail } from "../../../lambdas/domain/enrollment/confirm-email";
import { tokenHash } from "../../../lambdas/domain/enrollment/tokens";
import {
  VERIFICATION_TOKEN_TTL_SECONDS,
  type VerificationRequest,
  verifyOwnership,
} from "../../../lambdas/domain/enrollment/verify-ownership";
import {
  DEFAULT_FACTORS,
  DEFAULT_LIMITS,
  InjectedFault,
  T0,
  type World,
  world,
} from "../../support/fakes/enrollment-fakes";

const CUSTOMER = "1234567";
const UNKNOWN = "7654321";
const WRONG_CODE = "54321";

const bill = (customerNumber: string, accessCode = DEFAULT_FACTORS.accessCode): VerificationRequest => ({
  method: "bill",
  customerNumber,
  accessCode,
});

const account = (
  customerNumber: string,
  overrides: Partial<{ phone: string; postalCode: string; lastDebitCents: number }> = {},
): VerificationRequest => ({
  method: "account",
  customerNumber,
  phone: DEFAULT_FACTORS.phone,
  postalCode: DEFAULT_FACTORS.postalCode,
  lastDebitCents: DEFAULT_FACTORS.lastDebitCents,
  ...overrides,
});

function setup(limits?: Partial<typeof DEFAULT_LIMITS>) {
  const w = world({ limits: { ...DEFAULT_LIMITS, ...limits } });
  w.seedAccount(CUSTOMER);
  const verify = (request: VerificationRequest) => verifyOwnership(request, w.verifyDeps);
  return { w, verify };
}

async function failTimes(verify: (r: VerificationRequest) => Promise<unknown>, customer: string, n: number) {
  const outcomes = [];
  for (let i = 0; i < n; i++) outcomes.push(await verify(bill(customer, WRONG_CODE)));
  return outcomes;
}

/** Fails until a lockout starts; the outcomes on the way. */
async function lockOut(w: World, verify: (r: VerificationRequest) => Promise<unknown>, customer = CUSTOMER) {
  const outcomes = await failTimes(verify, customer, 5);
  expect(outcomes.at(-1)).toEqual({ outcome: "failed", lockedOut: true });
  return w;
}

describe("verifyOwnership: success", () => {
  it("bill method: issues a token stored only as its hash, valid 15 minutes", async () => {
    const { w, verify } = setup();
    const outcome = await verify(bill(CUSTOMER));

    expect(outcome.outcome).toBe("verified");
    if (outcome.outcome !== "verified") return;
    expect(outcome.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(outcome.expiresAt.getTime() - T0.getTime()).toBe(15 * 60 * 1000);
    expect(VERIFICATION_TOKEN_TTL_SECONDS).toBe(900);

    const stored = [...w.stores.verificationTokens.entries()];
    expect(stored).toHaveLength(1);
    const [key, item] = stored[0] ?? [];
    expect(key).toBe(tokenHash(outcome.token));
    expect(item).toEqual({ customerNumber: CUSTOMER, expiresAtMs: outcome.expiresAt.getTime() });
    expect(JSON.stringify(stored)).not.toContain(outcome.token);
  });

  it("issues a different token each time", async () => {
    const { verify } = setup();
    const a = await verify(bill(CUSTOMER));
    const b = await verify(bill(CUSTOMER));
    expect(a.outcome === "verified" && b.outcome === "verified" && a.token !== b.token).toBe(true);
  });

  it("the token expires 15 minutes after the verification, whatever the time", async () => {
    const { w, verify } = setup();
    w.clock.advance(3600);
    const outcome = await verify(bill(CUSTOMER));
    expect(outcome.outcome === "verified" && outcome.expiresAt.getTime()).toBe(T0.getTime() + 4500 * 1000);
  });

  it("account method: all three factors right", async () => {
    const { verify } = setup();
    const outcome = await verify(account(CUSTOMER));
    expect(outcome.outcome).toBe("verified");
  });
});

describe("verifyOwnership: the success's two writes, at once", () => {
  it("the token is written while the reservation's give-back is still in flight: one round trip", async () => {
    const { w, verify } = setup();
    const held = w.faults.holdOn("limiter.release");
    let settled = false;
    const pending = verify(bill(CUSTOMER)).finally(() => {
      settled = true;
    });
    await held.reached;
    // Let the other step run as far as it can while the release is held.
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));

    expect(w.stores.verificationTokens.size).toBe(1);
    expect(settled).toBe(false);
    held.release();
    const outcome = await pending;
    expect(outcome.outcome).toBe("verified");
    // The release went through: the success left no attempt counted.
    expect(w.stores.attempts.get(CUSTOMER)?.attempts).toEqual([]);
  });

  it.each([
    ["the give-back", "limiter.release"],
    ["the token", "verificationTokens.issue"],
  ] as const)(
    "%s failing fails the request with its own error, after the other settled; a retry succeeds",
    async (_name, method) => {
      const { w, verify } = setup();
      // The other step is held: the failure must not surface while it is still running.
      const other = method === "limiter.release" ? "verificationTokens.issue" : "limiter.release";
      const held = w.faults.holdOn(other);
      w.faults.failOn(method);
      let settled = false;
      const pending = verify(bill(CUSTOMER)).finally(() => {
        settled = true;
      });
      const failure = expect(pending).rejects.toBeInstanceOf(InjectedFault);
      await held.reached;
      for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
      expect(settled).toBe(false);
      held.release();
      await failure;
      await expect(pending).rejects.toMatchObject({ method });

      const retry = await verify(bill(CUSTOMER));
      expect(retry.outcome).toBe("verified");
    },
  );
});

describe("verifyOwnership: failures", () => {
  it.each([
    ["phone", { phone: "4505551235" }],
    ["postal code", { postalCode: "J4K1A2" }],
    ["last debit", { lastDebitCents: 8438 }],
  ])("account method: a wrong %s fails", async (_name, overrides) => {
    const { w, verify } = setup();
    expect(await verify(account(CUSTOMER, overrides))).toEqual({ outcome: "failed", lockedOut: false });
    expect(w.stores.verificationTokens.size).toBe(0);
  });

  it("account method: the right factors of another customer fail", async () => {
    const { w, verify } = setup();
    w.seedAccount("2345678", { phone: "5145550000", postalCode: "H2X1Y4", lastDebitCents: 100 });
    expect(await verify(account("2345678"))).toEqual({ outcome: "failed", lockedOut: false });
  });

  it("bill method: a wrong access code fails and issues no token", async () => {
    const { w, verify } = setup();
    expect(await verify(bill(CUSTOMER, WRONG_CODE))).toEqual({ outcome: "failed", lockedOut: false });
    expect(w.stores.verificationTokens.size).toBe(0);
  });

  it("an unknown customer fails exactly like a wrong code: same outcome, same calls in the same order", async () => {
    const { w, verify } = setup();
    const wrong = await verify(bill(CUSTOMER, WRONG_CODE));
    const wrongCalls = w.calls.splice(0);
    const unknown = await verify(bill(UNKNOWN, DEFAULT_FACTORS.accessCode));
    const unknownCalls = w.calls.splice(0);

    expect(unknown).toEqual(wrong);
    expect(unknownCalls).toEqual(wrongCalls);
    expect(wrongCalls).toEqual(["limiter.reserve", "directory.lookup", "limiter.recordFailure"]);

    // Account method too.
    const wrongAccount = await verify(account(CUSTOMER, { phone: "4505550000" }));
    const wrongAccountCalls = w.calls.splice(0);
    const unknownAccount = await verify(account(UNKNOWN));
    expect(unknownAccount).toEqual(wrongAccount);
    expect(w.calls).toEqual(wrongAccountCalls);
  });

  it("an unknown customer's fifth failure locks out exactly like a known one's", async () => {
    const { w, verify } = setup();
    const known = await failTimes(verify, CUSTOMER, 6);
    const knownCalls = w.calls.splice(0);
    const unknown = await failTimes(verify, UNKNOWN, 6);
    expect(unknown).toEqual(known);
    expect(w.calls).toEqual(knownCalls);
    expect(unknown.at(-1)).toMatchObject({ outcome: "locked", retryAfterSeconds: 900 });
  });
});

describe("verifyOwnership: attempt limit and lockouts", () => {
  it("after 5 failures within the window, the 6th attempt, even correct, is locked", async () => {
    const { w, verify } = setup();
    const outcomes = await failTimes(verify, CUSTOMER, 5);
    expect(outcomes).toEqual([
      { outcome: "failed", lockedOut: false },
      { outcome: "failed", lockedOut: false },
      { outcome: "failed", lockedOut: false },
      { outcome: "failed", lockedOut: false },
      { outcome: "failed", lockedOut: true },
    ]);
    w.clock.advance(10);
    expect(await verify(bill(CUSTOMER))).toMatchObject({ outcome: "locked", retryAfterSeconds: 890 });
    expect(await verify(account(CUSTOMER))).toMatchObject({ outcome: "locked", retryAfterSeconds: 890 });
    expect(w.stores.verificationTokens.size).toBe(0);
  });

  it("a locked attempt evaluates nothing: no lookup, no token", async () => {
    const { w, verify } = setup();
    await lockOut(w, verify);
    w.calls.splice(0);
    await verify(bill(CUSTOMER));
    expect(w.calls).toEqual(["limiter.reserve"]);
  });

  it("failures spread over more than the window do not lock out, up to the daily cap", async () => {
    const { w, verify } = setup();
    for (let i = 0; i < 10; i++) {
      expect(await verify(bill(CUSTOMER, WRONG_CODE))).toEqual({ outcome: "failed", lockedOut: false });
      w.clock.advance(240); // 4 failures at most in any 15 minutes
    }
    // The 11th failure of the day is refused, even right, until the first one is 24 hours old.
    expect(await verify(bill(CUSTOMER))).toMatchObject({
      outcome: "locked",
      retryAfterSeconds: 86_400 - 2_400,
    });
    w.clock.advance(86_400 - 2_400 - 1);
    expect(await verify(bill(CUSTOMER))).toMatchObject({ outcome: "locked", retryAfterSeconds: 1 });
    w.clock.advance(1);
    expect((await verify(bill(CUSTOMER))).outcome).toBe("verified");
  });

  it("the window slides: 4 failures at the end of one 15 minutes and 1 at the start of the next lock", async () => {
    const { w, verify } = setup();
    w.clock.advance(890);
    expect(await failTimes(verify, CUSTOMER, 4)).toEqual(
      Array(4).fill({ outcome: "failed", lockedOut: false }),
    );
    w.clock.advance(20); // past the 900 s of a window anchored at the start
    expect(await verify(bill(CUSTOMER, WRONG_CODE))).toEqual({ outcome: "failed", lockedOut: true });
    expect(await verify(bill(CUSTOMER))).toMatchObject({ outcome: "locked", retryAfterSeconds: 900 });
  });

  it("an honest customer with 3 typos, then the right code, is never refused, even twice a day", async () => {
    const { w, verify } = setup();
    for (let round = 0; round < 2; round++) {
      expect(await failTimes(verify, CUSTOMER, 3)).toEqual(
        Array(3).fill({ outcome: "failed", lockedOut: false }),
      );
      expect((await verify(bill(CUSTOMER))).outcome).toBe("verified");
      w.clock.advance(3_600);
    }
  });

  it("the lockout ends: the window starts over (5 more failures before the next lockout)", async () => {
    const { w, verify } = setup();
    await lockOut(w, verify);
    w.clock.advance(899);
    expect(await verify(bill(CUSTOMER))).toMatchObject({ outcome: "locked", retryAfterSeconds: 1 });
    w.clock.advance(1);
    const again = await failTimes(verify, CUSTOMER, 4);
    expect(again.every((o) => JSON.stringify(o) === '{"outcome":"failed","lockedOut":false}')).toBe(true);
    expect((await verify(bill(CUSTOMER))).outcome).toBe("verified");
  });

  it("after a lockout, the right code gets through", async () => {
    const { w, verify } = setup();
    await lockOut(w, verify);
    w.clock.advance(900);
    expect((await verify(bill(CUSTOMER))).outcome).toBe("verified");
  });

  it("the second lockout is twice as long, and they keep doubling up to 24 hours", async () => {
    // The daily cap would refuse first: lift it to watch the lockouts alone.
    const { w, verify } = setup({ dailyMaxFailures: 1_000 });
    const expected = [900, 1800, 3600, 7200, 14400, 28800, 57600, 86400, 86400, 86400];
    const seen: number[] = [];
    for (const _ of expected) {
      await lockOut(w, verify);
      const locked = await verify(bill(CUSTOMER));
      if (locked.outcome !== "locked") throw new Error(`expected locked, got ${locked.outcome}`);
      seen.push(locked.retryAfterSeconds);
      w.clock.advance(locked.retryAfterSeconds);
    }
    expect(seen).toEqual(expected);
  });

  it("a success does not wipe the failures before it: an attacker's count survives the owner's success", async () => {
    const { verify } = setup();
    await failTimes(verify, CUSTOMER, 4);
    expect((await verify(bill(CUSTOMER))).outcome).toBe("verified");
    expect(await verify(bill(CUSTOMER, WRONG_CODE))).toEqual({ outcome: "failed", lockedOut: true });
  });

  it("a full window without a lockout refuses until the window ends", async () => {
    // Five attempts reserved at once: none of them is evaluated as the 5th failure yet.
    const { w, verify } = setup();
    for (let i = 0; i < 5; i++) await w.ports.limiter.reserve(CUSTOMER, w.clock.now());
    w.clock.advance(60);
    expect(await verify(bill(CUSTOMER))).toMatchObject({ outcome: "locked", retryAfterSeconds: 840 });
  });

  it("parallel guesses cannot beat the limit: at most 5 are evaluated", async () => {
    const { w, verify } = setup();
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => verify(bill(CUSTOMER, String(10000 + i)))),
    );
    expect(outcomes.filter((o) => o.outcome === "failed")).toHaveLength(5);
    expect(outcomes.filter((o) => o.outcome === "locked")).toHaveLength(15);
    expect(w.calls.filter((c) => c === "directory.lookup")).toHaveLength(5);
    expect(await verify(bill(CUSTOMER))).toMatchObject({ outcome: "locked" });
  });

  it("lockouts are per customer number", async () => {
    const { w, verify } = setup();
    w.seedAccount("2345678");
    await lockOut(w, verify);
    expect((await verify(bill("2345678"))).outcome).toBe("verified");
  });
});

describe("verifyOwnership: already enrolled", () => {
  it("an ACTIVE profile gives already-enrolled and no token", async () => {
    const { w, verify } = setup();
    w.seedProfile({
      customerNumber: CUSTOMER,
      status: "ACTIVE",
      email: "a@example.com",
      billing: "electronic",
    });
    expect(await verify(bill(CUSTOMER))).toEqual({ outcome: "already-enrolled" });
    expect(await verify(account(CUSTOMER))).toEqual({ outcome: "already-enrolled" });
    expect(w.stores.verificationTokens.size).toBe(0);
  });

  it("after a real enrollment and confirmation", async () => {
    const { w, verify } = setup();
    const token = await w.verified(CUSTOMER);
    await w.enroll(token, "jean@example.com");
    expect(await confirmEmail(w.latestToken(), w.confirmDeps)).toEqual({ outcome: "active" });
    const before = w.stores.verificationTokens.size;
    expect(await verify(bill(CUSTOMER))).toEqual({ outcome: "already-enrolled" });
    expect(w.stores.verificationTokens.size).toBe(before);
  });

  it("wrong data for an enrolled account fail: the enrollment is not revealed", async () => {
    const { w, verify } = setup();
    w.seedProfile({ customerNumber: CUSTOMER, status: "ACTIVE" });
    expect(await verify(bill(CUSTOMER, WRONG_CODE))).toEqual({ outcome: "failed", lockedOut: false });
  });

  it("a pending (unconfirmed) profile does not block verification", async () => {
    const { w, verify } = setup();
    w.seedProfile({ customerNumber: CUSTOMER, status: "PENDING_CONFIRMATION", email: "a@example.com" });
    expect((await verify(bill(CUSTOMER))).outcome).toBe("verified");
  });
});
