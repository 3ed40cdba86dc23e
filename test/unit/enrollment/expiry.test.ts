import { describe, expect, it } from "vitest";
import { confirmEmail } from "../../../lambdas/domain/enrollment/confirm-email";
import { CONFIRMATION_TTL_SECONDS } from "../../../lambdas/domain/enrollment/enroll";
import {
  expireEnrollment,
  sweepExpiredEnrollments,
} from "../../../lambdas/domain/enrollment/expire-enrollments";
import { InjectedFault, T0, type World, world } from "../../support/fakes/enrollment-fakes";

/**
 * Issue 11 item 2: an unconfirmed enrollment must not hold its address forever. 24 hours after it
 * began it expires: its Cognito users are deleted, its link dies, the profile is back to not
 * enrolled. The scheduled sweep finds it; an enrollment that needs the address expires it at once.
 */

const SQUATTER = "1234567";
const OWNER = "2345678";
const ADDRESS = "jean.tremblay@example.com";
const DAY = CONFIRMATION_TTL_SECONDS;

function setup() {
  const w = world();
  w.seedAccount(SQUATTER);
  w.seedAccount(OWNER, { accessCode: "67890" });
  return w;
}

const confirm = (w: World, token: string) => confirmEmail(token, w.confirmDeps);

/** The squatter's enrollment of ADDRESS at T0, never confirmed: its link. */
async function squatted(w: World): Promise<string> {
  expect((await w.enroll(await w.verified(SQUATTER), ADDRESS)).outcome).toBe("created");
  return w.latestToken(ADDRESS);
}

function expectNotEnrolled(w: World, customerNumber: string) {
  const profile = w.profile(customerNumber);
  expect(profile?.status).toBeUndefined();
  expect(profile?.email).toBeUndefined();
  expect(profile?.confirmationTokenHash).toBeUndefined();
  expect(profile?.pendingSince).toBeUndefined();
  expect(profile?.cognitoEmails).toEqual([]);
  expect(profile?.billing).toBe("paper");
  expect(w.users(customerNumber)).toEqual([]);
}

describe("the scheduled sweep", () => {
  it("keeps an enrollment younger than 24 hours, expires it at 24 hours", async () => {
    const w = setup();
    const link = await squatted(w);
    expect(w.profile(SQUATTER)?.pendingSince).toBe(T0.getTime());

    w.clock.advance(DAY - 1);
    expect(await w.sweep()).toEqual({ expired: 0, kept: 0, failed: 0 });
    expect(w.users(SQUATTER)).toHaveLength(1);

    w.clock.advance(1);
    expect(await w.sweep()).toEqual({ expired: 1, kept: 0, failed: 0 });
    expectNotEnrolled(w, SQUATTER);
    expect(await confirm(w, link)).toEqual({ outcome: "invalid-token" });
    // Nothing left to do: a second run finds nothing.
    expect(await w.sweep()).toEqual({ expired: 0, kept: 0, failed: 0 });
  });

  it("a replacement restarts the 24 hours", async () => {
    const w = setup();
    await squatted(w);
    w.clock.advance(DAY - 60);
    expect((await w.enroll(await w.verified(SQUATTER), "other@example.com")).outcome).toBe("created");
    w.clock.advance(60);
    expect((await w.sweep()).expired).toBe(0);
    w.clock.advance(DAY - 60);
    expect((await w.sweep()).expired).toBe(1);
    expectNotEnrolled(w, SQUATTER);
  });

  it("never touches an ACTIVE profile", async () => {
    const w = setup();
    const link = await squatted(w);
    expect(await confirm(w, link)).toEqual({ outcome: "active" });
    w.clock.advance(10 * DAY);
    expect(await w.sweep()).toEqual({ expired: 0, kept: 0, failed: 0 });
    expect(w.profile(SQUATTER)).toMatchObject({ status: "ACTIVE", email: ADDRESS });
    expect(w.user(ADDRESS)?.customerNumber).toBe(SQUATTER);
  });

  it("keeps an enrollment being written right now (its lock), and expires it on a later run", async () => {
    const w = setup();
    await squatted(w);
    w.clock.advance(DAY);
    const hold = w.faults.holdOn("identity.createUser");
    const running = w.enroll(await w.verified(SQUATTER), "late@example.com");
    await hold.reached;
    expect(await w.sweep()).toEqual({ expired: 0, kept: 1, failed: 0 });
    hold.release();
    expect((await running).outcome).toBe("created");
    expect(w.users(SQUATTER).map((u) => u.email)).toEqual(["late@example.com"]);
  });

  it("removes the user an enrollment left behind when it crashed before completing", async () => {
    const w = setup();
    // Crashes after creating the user, and cannot even give the lock back.
    w.faults.failOn("identity.setPassword");
    w.faults.failOn("profiles.release");
    await expect(w.enroll(await w.verified(SQUATTER), ADDRESS)).rejects.toThrow(InjectedFault);
    expect(w.users(SQUATTER)).toHaveLength(1);

    w.clock.advance(DAY);
    expect((await w.sweep()).expired).toBe(1);
    expectNotEnrolled(w, SQUATTER);
  });

  it("does not delete another account's user whose address the profile lists", async () => {
    const w = setup();
    await w.enroll(await w.verified(OWNER, "67890"), ADDRESS);
    // The squatter tried the owner's address first (201, nothing created), then its own.
    expect((await w.enroll(await w.verified(SQUATTER), ADDRESS)).outcome).toBe("address-taken");
    await w.enroll(await w.verified(SQUATTER), "mine@example.com");
    // As a crash between creating a user and giving up would leave it: the address listed.
    w.stores.profiles.get(SQUATTER)?.cognitoEmails?.add(ADDRESS);
    expect(w.profile(SQUATTER)?.cognitoEmails).toEqual(["mine@example.com", ADDRESS]);
    expect(await confirm(w, w.latestToken(ADDRESS))).toEqual({ outcome: "active" });
    w.clock.advance(DAY);
    expect((await w.sweep()).expired).toBe(1);
    expect(w.user(ADDRESS)?.customerNumber).toBe(OWNER);
    expect(w.user("mine@example.com")).toBeUndefined();
  });

  it("a failure midway: the link is already dead, one account's failure does not stop the others, the next run finishes", async () => {
    const w = setup();
    const link = await squatted(w);
    await w.enroll(await w.verified(OWNER, "67890"), "owner@example.com");
    w.clock.advance(DAY);
    w.faults.failOn("identity.deleteUser");
    const failed: string[] = [];
    expect(await sweepWith(w, failed)).toEqual({ expired: 1, kept: 0, failed: 1 });
    expect(failed).toEqual([SQUATTER]);
    expect(await confirm(w, link)).toEqual({ outcome: "invalid-token" });
    expectNotEnrolled(w, OWNER);

    // Its lock (taken by the failed run) has not run out yet: kept; once it has, expired.
    expect(await w.sweep()).toEqual({ expired: 0, kept: 1, failed: 0 });
    w.clock.advance(31);
    expect(await w.sweep()).toEqual({ expired: 1, kept: 0, failed: 0 });
    expectNotEnrolled(w, SQUATTER);
  });

  it("afterwards the account enrolls again normally", async () => {
    const w = setup();
    await squatted(w);
    w.clock.advance(DAY);
    await w.sweep();
    expect((await w.enroll(await w.verified(SQUATTER), ADDRESS)).outcome).toBe("created");
    expect(await confirm(w, w.latestToken(ADDRESS))).toEqual({ outcome: "active" });
    expect(w.profile(SQUATTER)).toMatchObject({ status: "ACTIVE", email: ADDRESS, billing: "electronic" });
  });
});

/** The sweep with an error callback; the failed run cannot give its lock back either. */
function sweepWith(w: World, failed: string[]) {
  w.faults.failOn("profiles.release");
  return sweepExpiredEnrollments(w.sweepDeps, { onError: (customerNumber) => failed.push(customerNumber) });
}

describe("an enrollment that needs an address held by another account's unconfirmed enrollment", () => {
  it("older than 24 hours: the holder's enrollment expires, the new one gets the address", async () => {
    const w = setup();
    const squatterLink = await squatted(w);
    w.clock.advance(DAY);

    expect((await w.enroll(await w.verified(OWNER, "67890"), ADDRESS)).outcome).toBe("created");

    expect(w.user(ADDRESS)?.customerNumber).toBe(OWNER);
    expectNotEnrolled(w, SQUATTER);
    expect(await confirm(w, squatterLink)).toEqual({ outcome: "invalid-token" });
    expect(await confirm(w, w.latestToken(ADDRESS))).toEqual({ outcome: "active" });
    expect(w.profileExistsMails).toEqual([]);
  });

  it("younger than 24 hours: it keeps the address (the usual answer, the address told)", async () => {
    const w = setup();
    const squatterLink = await squatted(w);
    w.clock.advance(DAY - 1);

    expect((await w.enroll(await w.verified(OWNER, "67890"), ADDRESS)).outcome).toBe("address-taken");

    expect(w.user(ADDRESS)?.customerNumber).toBe(SQUATTER);
    expect(w.users(OWNER)).toEqual([]);
    expect(w.profileExistsMails.map((m) => m.to)).toEqual([ADDRESS]);
    expect(await confirm(w, squatterLink)).toEqual({ outcome: "active" });
  });

  it("confirmed: never expired, however old", async () => {
    const w = setup();
    await confirm(w, await squatted(w));
    w.clock.advance(30 * DAY);
    expect((await w.enroll(await w.verified(OWNER, "67890"), ADDRESS)).outcome).toBe("address-taken");
    expect(w.profile(SQUATTER)).toMatchObject({ status: "ACTIVE", email: ADDRESS });
  });

  it("expireEnrollment on its own: kept before 24 hours, expired at 24 hours, kept once done", async () => {
    const w = setup();
    await squatted(w);
    const deps = w.sweepDeps;
    expect(await expireEnrollment(SQUATTER, deps, new Date(T0.getTime() + (DAY - 1) * 1000))).toBe("kept");
    expect(await expireEnrollment(SQUATTER, deps, new Date(T0.getTime() + DAY * 1000))).toBe("expired");
    expect(await expireEnrollment(SQUATTER, deps, new Date(T0.getTime() + DAY * 1000))).toBe("kept");
  });
});
