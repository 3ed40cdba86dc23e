import { describe, expect, it } from "vitest";
import { confirmEmail } from "../../../lambdas/domain/enrollment/confirm-email";
import { type QuotaState, reserveEmail } from "../../../lambdas/domain/enrollment/email-quota";
import { ENROLLMENT_EMAIL_QUOTA } from "../../../lambdas/domain/enrollment/enroll";
import { InjectedFault, T0, WEB_BASE_URL, world } from "../../support/fakes/enrollment-fakes";

/**
 * Issue 11 item 1: an account may not be a relay. Its enrollments send at most 3 e-mails in any 24
 * hours (links and "already has a profile" alike); the same request repeated never counts twice.
 */

const CUSTOMER = "1234567";
const OTHER = "2345678";
const DAY = 24 * 3600;

function setup() {
  const w = world();
  w.seedAccount(CUSTOMER);
  w.seedAccount(OTHER, { accessCode: "67890" });
  return w;
}

const address = (i: number) => `probe${i}@example.com`;

describe("the rules (email-quota.ts)", () => {
  const config = { max: 3, windowSeconds: DAY };
  const empty: QuotaState = { sends: [], notified: [] };

  it("3 slots in any 24 hours; the 4th waits until the oldest is 24 hours old", () => {
    let state: QuotaState = empty;
    for (const [i, at] of [0, 1000, 2000].entries()) {
      const decision = reserveEmail(state, `e${i}`, at, config);
      if (!decision.allowed || !decision.next) throw new Error("refused");
      state = decision.next;
    }
    expect(reserveEmail(state, "e3", 5000, config)).toEqual({
      allowed: false,
      retryAfterSeconds: DAY - 5,
    });
    expect(reserveEmail(state, "e3", DAY * 1000 - 1, config)).toEqual({
      allowed: false,
      retryAfterSeconds: 1,
    });
    expect(reserveEmail(state, "e3", DAY * 1000, config)).toMatchObject({ allowed: true, notified: false });
  });

  it("an enrollment that holds a slot keeps it, changing nothing, even when the window is full", () => {
    const state = {
      sends: [
        { id: "a", at: 0 },
        { id: "b", at: 1 },
        { id: "c", at: 2 },
      ],
      notified: ["b"],
    };
    expect(reserveEmail(state, "a", 10, config)).toEqual({ allowed: true, notified: false });
    expect(reserveEmail(state, "b", 10, config)).toEqual({ allowed: true, notified: true });
  });

  it("is the cap of limits.ts: 3 a day", () => {
    expect(ENROLLMENT_EMAIL_QUOTA).toEqual({ max: 3, windowSeconds: DAY });
  });
});

describe("enroll: at most 3 enrollment e-mails per account per day", () => {
  it("the 4th enrollment of the day is refused with its Retry-After, and writes nothing", async () => {
    const w = setup();
    for (let i = 0; i < 3; i++) {
      expect((await w.enroll(await w.verified(CUSTOMER), address(i))).outcome).toBe("created");
      w.clock.advance(60);
    }
    const before = structuredClone(w.stores.profiles.get(CUSTOMER));
    const token = await w.verified(CUSTOMER);
    w.calls.splice(0);

    expect(await w.enroll(token, address(3))).toEqual({
      outcome: "too-many-enrollments",
      // The first slot (at T0) frees 24 hours after it; it is now T0 + 3 minutes.
      retryAfterSeconds: DAY - 180,
    });

    expect(w.calls).not.toContain("profiles.acquire");
    expect(w.calls).not.toContain("identity.createUser");
    expect(w.stores.profiles.get(CUSTOMER)).toEqual(before);
    expect(w.user(address(3))).toBeUndefined();
    expect(w.mailsTo(address(3))).toEqual([]);
    // The third enrollment is intact: its link still works.
    expect((await confirmEmail(w.latestToken(address(2)), w.confirmDeps)).outcome).toBe("active");
  });

  it("the same address three times counts three times", async () => {
    const w = setup();
    for (let i = 0; i < 3; i++)
      expect((await w.enroll(await w.verified(CUSTOMER), address(0))).outcome).toBe("created");
    expect((await w.enroll(await w.verified(CUSTOMER), address(0))).outcome).toBe("too-many-enrollments");
    expect(w.mailsTo(address(0))).toHaveLength(3);
  });

  it("the same request repeated (same token, same e-mail) does not take the cap again", async () => {
    const w = setup();
    const first = await w.verified(CUSTOMER);
    for (let i = 0; i < 5; i++) expect((await w.enroll(first, address(0))).outcome).toBe("created");
    expect((await w.enroll(await w.verified(CUSTOMER), address(1))).outcome).toBe("created");
    // A retry after a failure keeps its slot too.
    const third = await w.verified(CUSTOMER);
    w.faults.failOn("mailer.sendConfirmation");
    await expect(w.enroll(third, address(2))).rejects.toThrow(InjectedFault);
    expect((await w.enroll(third, address(2))).outcome).toBe("created");
    expect((await w.enroll(third, address(2))).outcome).toBe("created");

    expect(w.stores.emailQuota.get(CUSTOMER)?.sends).toHaveLength(3);
    expect((await w.enroll(await w.verified(CUSTOMER), address(3))).outcome).toBe("too-many-enrollments");
  });

  it("the window slides: one slot frees 24 hours after it was taken", async () => {
    const w = setup();
    for (let i = 0; i < 3; i++) {
      await w.enroll(await w.verified(CUSTOMER), address(i));
      w.clock.advance(3600);
    }
    // T0 + 3 h: the first slot frees at T0 + 24 h.
    w.clock.set(new Date(T0.getTime() + DAY * 1000 - 1000));
    expect(await w.enroll(await w.verified(CUSTOMER), address(3))).toEqual({
      outcome: "too-many-enrollments",
      retryAfterSeconds: 1,
    });
    w.clock.advance(1);
    expect((await w.enroll(await w.verified(CUSTOMER), address(3))).outcome).toBe("created");
    expect((await w.enroll(await w.verified(CUSTOMER), address(4))).outcome).toBe("too-many-enrollments");
  });

  it("another account has its own cap", async () => {
    const w = setup();
    for (let i = 0; i < 3; i++) await w.enroll(await w.verified(CUSTOMER), address(i));
    expect((await w.enroll(await w.verified(OTHER, "67890"), address(9))).outcome).toBe("created");
  });
});

describe("enroll: probing addresses in use gets no further than 3 e-mails a day", () => {
  it('"already has a profile" e-mails count against the same cap', async () => {
    const w = setup();
    // Three addresses that already have another account's profile (confirmed or not).
    for (let i = 0; i < 3; i++) {
      const holder = `300000${i}`;
      w.seedAccount(holder);
      await w.enroll(await w.verified(holder), address(i));
    }
    for (let i = 0; i < 3; i++)
      expect((await w.enroll(await w.verified(CUSTOMER), address(i))).outcome).toBe("address-taken");
    expect(w.profileExistsMails.map((m) => m.to)).toEqual([address(0), address(1), address(2)]);

    // The 4th, to an address in use or a free one, is refused alike: the cap tells nothing either.
    expect((await w.enroll(await w.verified(CUSTOMER), address(0))).outcome).toBe("too-many-enrollments");
    expect((await w.enroll(await w.verified(CUSTOMER), address(7))).outcome).toBe("too-many-enrollments");
    expect(w.profileExistsMails).toHaveLength(3);
    expect(w.users(CUSTOMER)).toEqual([]);
  });

  it("the same request repeated tells the address once and keeps its one slot", async () => {
    const w = setup();
    await w.enroll(await w.verified(OTHER, "67890"), address(0));
    const token = await w.verified(CUSTOMER);
    for (let i = 0; i < 4; i++) expect((await w.enroll(token, address(0))).outcome).toBe("address-taken");
    expect(w.profileExistsMails).toEqual([{ to: address(0), language: "fr", siteUrl: WEB_BASE_URL }]);
    expect(w.stores.emailQuota.get(CUSTOMER)?.sends).toHaveLength(1);
  });

  it("a failed notice is sent by the retry", async () => {
    const w = setup();
    await w.enroll(await w.verified(OTHER, "67890"), address(0));
    const token = await w.verified(CUSTOMER);
    w.faults.failOn("mailer.sendProfileExists");
    await expect(w.enroll(token, address(0))).rejects.toThrow(InjectedFault);
    expect(w.profile(CUSTOMER)?.lockedUntil).toBe(0);
    expect((await w.enroll(token, address(0))).outcome).toBe("address-taken");
    expect(w.profileExistsMails).toHaveLength(1);
  });
});
