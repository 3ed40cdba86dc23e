import { describe, expect, it } from "vitest";
import { confirmEmail } from "../../../lambdas/domain/enrollment/confirm-email";
import { CONFIRMATION_TTL_SECONDS } from "../../../lambdas/domain/enrollment/enroll";
import { tokenHash } from "../../../lambdas/domain/enrollment/tokens";
import { InjectedFault, T0, type World, world, type YieldMode } from "../../support/fakes/enrollment-fakes";

const CUSTOMER = "1234567";
const E1 = "jean.tremblay@example.com";
const E2 = "jean.tremblay@example.org";

function setup(mode?: YieldMode) {
  const w = world(mode ? { yield: mode } : {});
  w.seedAccount(CUSTOMER);
  return w;
}

const confirm = (w: World, token: string) => confirmEmail(token, w.confirmDeps);

/** An enrollment of `email`, completed: the token of its link. */
async function enrolled(w: World, email: string): Promise<string> {
  expect((await w.enroll(await w.verified(CUSTOMER), email)).outcome).toBe("created");
  return w.latestToken(email);
}

describe("confirmEmail", () => {
  it("activates: profile ACTIVE, billing electronic, activatedAt set, the user's e-mail verified", async () => {
    const w = setup();
    const link = await enrolled(w, E1);
    w.clock.advance(3600);

    expect(await confirm(w, link)).toEqual({ outcome: "active" });

    expect(w.profile(CUSTOMER)).toMatchObject({
      status: "ACTIVE",
      billing: "electronic",
      email: E1,
      activatedAt: new Date(T0.getTime() + 3600 * 1000).toISOString(),
    });
    expect(w.stores.profiles.get(CUSTOMER)?.emailVerified).toBe(true);
    expect(w.user(E1)?.emailVerified).toBe(true);
  });

  it("repeating it gives active again and changes nothing", async () => {
    const w = setup();
    const link = await enrolled(w, E1);
    await confirm(w, link);
    const activatedAt = w.profile(CUSTOMER)?.activatedAt;
    w.clock.advance(600);
    w.calls.splice(0);

    expect(await confirm(w, link)).toEqual({ outcome: "active" });
    expect(await confirm(w, link)).toEqual({ outcome: "active" });

    expect(w.profile(CUSTOMER)?.activatedAt).toBe(activatedAt);
    expect(w.calls).not.toContain("profiles.activate");
  });

  it("the same link clicked twice at once: both active", async () => {
    const w = setup("immediate");
    const link = await enrolled(w, E1);
    expect(await Promise.all([confirm(w, link), confirm(w, link)])).toEqual([
      { outcome: "active" },
      { outcome: "active" },
    ]);
    expect(w.profile(CUSTOMER)?.status).toBe("ACTIVE");
  });

  it("an unknown token is invalid", async () => {
    const w = setup();
    await enrolled(w, E1);
    expect(await confirm(w, "B".repeat(43))).toEqual({ outcome: "invalid-token" });
    expect(w.profile(CUSTOMER)?.status).toBe("PENDING_CONFIRMATION");
  });

  it("a token of the wrong shape is invalid, refused before any store or Cognito call", async () => {
    const w = setup();
    const link = await enrolled(w, E1);
    w.calls.splice(0);
    for (const wrong of ["", "short", `${link}=`, "é".repeat(43), "A".repeat(129), "A".repeat(16_000)])
      expect(await confirm(w, wrong)).toEqual({ outcome: "invalid-token" });
    expect(w.calls).toEqual([]);
    expect(await confirm(w, link)).toEqual({ outcome: "active" });
  });

  it("the verification token is not a confirmation token", async () => {
    const w = setup();
    const verification = await w.verified(CUSTOMER);
    await w.enroll(verification, E1);
    expect(await confirm(w, verification)).toEqual({ outcome: "invalid-token" });
  });

  it("an expired token is invalid (24 hours)", async () => {
    const w = setup();
    const link = await enrolled(w, E1);
    w.clock.advance(CONFIRMATION_TTL_SECONDS);
    expect(await confirm(w, link)).toEqual({ outcome: "invalid-token" });
    expect(w.profile(CUSTOMER)?.status).toBe("PENDING_CONFIRMATION");
    expect(w.user(E1)?.emailVerified).toBe(false);
  });

  it("a token is still valid just before it expires", async () => {
    const w = setup();
    const link = await enrolled(w, E1);
    w.clock.advance(CONFIRMATION_TTL_SECONDS - 1);
    expect(await confirm(w, link)).toEqual({ outcome: "active" });
  });

  it("a confirmation token stored for an account without a profile e-mail is invalid", async () => {
    const w = setup();
    const token = "C".repeat(43);
    await w.ports.confirmationTokens.store(tokenHash(token), CUSTOMER, new Date(T0.getTime() + 60_000));
    expect(await confirm(w, token)).toEqual({ outcome: "invalid-token" });
  });

  it("the link of an earlier, replaced enrollment is invalid, before and after the new one is confirmed", async () => {
    const w = setup();
    const link1 = await enrolled(w, E1);
    const link2 = await enrolled(w, E2);

    expect(await confirm(w, link1)).toEqual({ outcome: "invalid-token" });
    expect(w.profile(CUSTOMER)?.status).toBe("PENDING_CONFIRMATION");
    expect(await confirm(w, link2)).toEqual({ outcome: "active" });
    expect(await confirm(w, link1)).toEqual({ outcome: "invalid-token" });
    expect(w.profile(CUSTOMER)?.email).toBe(E2);
  });

  it("while a newer enrollment is pending (lock taken, not completed) the older link is invalid", async () => {
    const w = setup();
    const link1 = await enrolled(w, E1);
    const newer = await w.verified(CUSTOMER);
    const acquired = await w.ports.profiles.acquire(
      CUSTOMER,
      { id: tokenHash(newer), lockOwner: "newer-request", email: E2, language: "fr" },
      w.clock.now(),
      30,
    );
    expect(acquired.acquired).toBe(true);

    expect(await confirm(w, link1)).toEqual({ outcome: "invalid-token" });
    expect(w.profile(CUSTOMER)?.status).toBe("PENDING_CONFIRMATION");
    expect(w.user(E1)?.emailVerified).toBe(false);
  });

  it("a newer enrollment that crashed before completing: the older link stays invalid, even after its lock expires", async () => {
    const w = setup();
    const link1 = await enrolled(w, E1);
    const newer = await w.verified(CUSTOMER);
    w.faults.failOn("identity.setPassword");
    await expect(w.enroll(newer, E2)).rejects.toThrow(InjectedFault);

    expect(await confirm(w, link1)).toEqual({ outcome: "invalid-token" });
    w.clock.advance(3600);
    expect(await confirm(w, link1)).toEqual({ outcome: "invalid-token" });
    // The newer request, retried, completes and its own link works.
    expect((await w.enroll(newer, E2)).outcome).toBe("invalid-token"); // its verification token is 15 min old
    expect((await w.enroll(await w.verified(CUSTOMER), E2)).outcome).toBe("created");
    expect(await confirm(w, w.latestToken(E2))).toEqual({ outcome: "active" });
  });

  it("the link of an account confirmed through a later link stays invalid", async () => {
    const w = setup();
    const link1 = await enrolled(w, E1);
    const link2 = await enrolled(w, E1);
    expect(await confirm(w, link2)).toEqual({ outcome: "active" });
    expect(await confirm(w, link1)).toEqual({ outcome: "invalid-token" });
  });

  it("activation lost to a newer enrollment that took the lock in between: invalid, not active", async () => {
    const w = setup();
    const link1 = await enrolled(w, E1);
    const newer = await w.verified(CUSTOMER);
    // The confirmation has read the profile and marks the e-mail verified: a newer enrollment takes the lock now.
    const hold = w.faults.holdOn("profiles.activate");
    const confirming = confirm(w, link1);
    await hold.reached;
    await w.ports.profiles.acquire(
      CUSTOMER,
      { id: tokenHash(newer), lockOwner: "newer-request", email: E2, language: "fr" },
      w.clock.now(),
      30,
    );
    hold.release();

    expect(await confirming).toEqual({ outcome: "invalid-token" });
    expect(w.profile(CUSTOMER)?.status).toBe("PENDING_CONFIRMATION");
  });
});

describe("confirmEmail racing a new enrollment of the same account (deterministic)", () => {
  it("the older link, checked just before a newer enrollment replaced its user: invalid-token, not an error", async () => {
    const w = setup("none");
    const link1 = await enrolled(w, E1);
    const newer = await w.verified(CUSTOMER);
    // The confirmation found the profile current (no pending enrollment) and is about to verify E1...
    const hold = w.faults.holdOn("identity.markEmailVerified");
    const confirming = confirm(w, link1).then(
      (o) => o.outcome as string,
      (e: unknown) => `error: ${(e as Error).name}`,
    );
    await hold.reached;
    // ...when a newer enrollment runs through: E1's user is deleted, E2 takes its place.
    expect((await w.enroll(newer, E2)).outcome).toBe("created");
    hold.release();

    expect(await confirming).toBe("invalid-token");
    expect(w.users(CUSTOMER).map((u) => u.email)).toEqual([E2]);
    expect(await confirm(w, w.latestToken(E2))).toEqual({ outcome: "active" });
  });
});

describe("confirmEmail racing a new enrollment of the same account", () => {
  const MODES: YieldMode[] = [
    "microtask",
    "immediate",
    ...Array.from({ length: 20 }, (_, i) => ({ seed: i + 1 })),
  ];

  it.each(MODES)(
    "%o: an answer (never an error), and an ACTIVE account always has its verified user",
    async (mode) => {
      const w = setup(mode);
      const link1 = await enrolled(w, E1);
      const newer = await w.verified(CUSTOMER);

      const [confirmed, enrolledAgain] = await Promise.all([
        confirm(w, link1).then(
          (o) => o.outcome as string,
          (e: unknown) => `error: ${(e as Error).name}`,
        ),
        w.enroll(newer, E2).then(
          (o) => o.outcome as string,
          (e: unknown) => `error: ${(e as Error).name}`,
        ),
      ]);

      expect(["active", "invalid-token"]).toContain(confirmed);
      expect(["created", "already-enrolled"]).toContain(enrolledAgain);
      const profile = w.profile(CUSTOMER);
      expect(w.users(CUSTOMER)).toHaveLength(1);
      if (profile?.status === "ACTIVE") {
        expect(confirmed).toBe("active");
        expect(enrolledAgain).toBe("already-enrolled");
        expect(w.users(CUSTOMER)).toMatchObject([{ email: E1, emailVerified: true }]);
      } else {
        expect(confirmed).toBe("invalid-token");
        expect(enrolledAgain).toBe("created");
        expect(w.users(CUSTOMER).map((u) => u.email)).toEqual([E2]);
        expect(await confirm(w, w.latestToken(E2))).toEqual({ outcome: "active" });
      }
    },
  );
});

describe("an old link never confirms another account's user (issue 11 item 3)", () => {
  const OTHER = "2345678";
  const E0 = "first.try@example.com";

  /**
   * The sequence found with injected faults: (1) a re-enrollment fails after deleting the old user
   * but before complete(); (2) another account registers the old address; (3) the first account
   * tries that address (in use: abandon() removes pendingEmail). The old link then marked the other
   * account's user verified and activated the first account on an address it had no user for.
   */
  async function sequence(w: World) {
    w.seedAccount(OTHER, { accessCode: "67890" });
    const link0 = await enrolled(w, E0);
    w.faults.failOn("profiles.complete");
    await expect(w.enroll(await w.verified(CUSTOMER), E1)).rejects.toThrow(InjectedFault);
    expect(w.user(E0)).toBeUndefined();
    expect((await w.enroll(await w.verified(OTHER, "67890"), E0)).outcome).toBe("created");
    expect((await w.enroll(await w.verified(CUSTOMER), E0)).outcome).toBe("address-taken");
    return link0;
  }

  it("the old link is dead: the other account's user untouched, the account not activated", async () => {
    const w = setup();
    const link0 = await sequence(w);

    expect(await confirm(w, link0)).toEqual({ outcome: "invalid-token" });

    expect(w.user(E0)).toMatchObject({ customerNumber: OTHER, emailVerified: false });
    expect(w.profile(CUSTOMER)?.status).toBe("PENDING_CONFIRMATION");
    // The other account's own link still works, and the first account enrolls normally later.
    expect(await confirm(w, w.latestToken(E0))).toEqual({ outcome: "active" });
    expect(w.profile(OTHER)).toMatchObject({ status: "ACTIVE", email: E0 });
    w.clock.advance(24 * 3600);
    expect((await w.enroll(await w.verified(CUSTOMER), E2)).outcome).toBe("created");
    expect(w.users(CUSTOMER).map((u) => u.email)).toEqual([E2]);
    expect(await confirm(w, w.latestToken(E2))).toEqual({ outcome: "active" });
  });

  it("the link dies with its user: deleting the old user removed its confirmation hash", async () => {
    const w = setup();
    await enrolled(w, E0);
    w.faults.failOn("profiles.complete");
    await expect(w.enroll(await w.verified(CUSTOMER), E1)).rejects.toThrow(InjectedFault);
    expect(w.profile(CUSTOMER)).toMatchObject({ email: E0 });
    expect(w.profile(CUSTOMER)?.confirmationTokenHash).toBeUndefined();
  });

  it("confirmEmail checks the user's customer number before marking it verified", async () => {
    const w = setup();
    w.seedAccount(OTHER, { accessCode: "67890" });
    const link = await enrolled(w, E1);
    // However the user of the profile's address came to be another account's (a seeded state here):
    w.stores.users.set(E1, { email: E1, customerNumber: OTHER, language: "fr", emailVerified: false });
    w.calls.splice(0);

    expect(await confirm(w, link)).toEqual({ outcome: "invalid-token" });

    expect(w.calls).toContain("identity.customerNumberOf");
    expect(w.calls).not.toContain("identity.markEmailVerified");
    expect(w.user(E1)?.emailVerified).toBe(false);
    expect(w.profile(CUSTOMER)?.status).toBe("PENDING_CONFIRMATION");
  });
});
