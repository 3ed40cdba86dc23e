import { describe, expect, it } from "vitest";
import { confirmEmail } from "../../../lambdas/domain/enrollment/confirm-email";
import type { EnrollmentOutcome } from "../../../lambdas/domain/enrollment/enroll";
import { type World, world, type YieldMode } from "../../support/fakes/enrollment-fakes";

const CUSTOMER = "1234567";
const N = 20;

const MODES: { name: string; mode: YieldMode }[] = [
  { name: "microtask", mode: "microtask" },
  { name: "setImmediate", mode: "immediate" },
  ...Array.from({ length: 25 }, (_, i) => ({ name: `random seed ${i + 1}`, mode: { seed: i + 1 } })),
];

async function tokens(w: World, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(await w.verified(CUSTOMER));
  return out;
}

/** Whatever an enrollment ends with, errors included (a concurrent deletion can make a step fail). */
const settle = (p: Promise<EnrollmentOutcome>) =>
  p.then(
    (o) => o.outcome as string,
    (e: unknown) => `error: ${(e as Error).name}`,
  );

/** The account's end state: one user, its e-mail on the profile, exactly one link that confirms. */
async function expectOneUserOneLink(w: World) {
  const users = w.users(CUSTOMER);
  expect(users.map((u) => u.email)).toHaveLength(1);
  const [user] = users;
  const profile = w.profile(CUSTOMER);
  expect(profile?.email).toBe(user?.email);
  expect(profile?.pendingEmail).toBeUndefined();
  expect(profile?.cognitoEmails).toEqual([user?.email]);

  const results = [];
  for (const token of w.sentTokens()) {
    results.push((await confirmEmail(token, w.confirmDeps)).outcome);
  }
  expect(results.filter((r) => r === "active")).toHaveLength(1);
  expect(results.filter((r) => r !== "active").every((r) => r === "invalid-token")).toBe(true);
  // The working link is the one mailed to the remaining user.
  expect(await confirmEmail(w.latestToken(user?.email), w.confirmDeps)).toEqual({ outcome: "active" });
  expect(w.user(user?.email ?? "")?.emailVerified).toBe(true);
}

describe("enrollment race: many enrollments for one account at once", () => {
  it.each(MODES)("$name: exactly one user and exactly one working link", async ({ mode }) => {
    const w = world({ yield: mode });
    w.seedAccount(CUSTOMER);
    const all = await tokens(w, N);

    const outcomes = await Promise.all(all.map((t, i) => settle(w.enroll(t, `customer${i}@example.com`))));

    expect(outcomes.filter((o) => o === "created").length).toBeGreaterThanOrEqual(1);
    // Past the account's 3 enrollment e-mails of the day, the rest are refused before they write.
    expect(outcomes.filter((o) => o !== "too-many-enrollments").length).toBeLessThanOrEqual(3);
    expect(outcomes.every((o) => ["created", "in-progress", "too-many-enrollments"].includes(o))).toBe(true);
    await expectOneUserOneLink(w);
  });

  it.each(MODES)("$name: the same, while the customer double-submits some requests", async ({ mode }) => {
    const w = world({ yield: mode });
    w.seedAccount(CUSTOMER);
    const all = await tokens(w, N / 2);
    // Every request is sent twice; the duplicates run at the same time as the others.
    const requests = [...all.keys(), ...all.keys()];

    const outcomes = await Promise.all(
      requests.map((i) => settle(w.enroll(all[i] ?? "", `customer${i}@example.com`))),
    );

    expect(outcomes).toContain("created");
    await expectOneUserOneLink(w);
  });

  it.each(MODES.slice(0, 8))("$name: afterwards the account enrolls again normally", async ({ mode }) => {
    const w = world({ yield: mode });
    w.seedAccount(CUSTOMER);
    const all = await tokens(w, N);
    await Promise.all(all.map((t, i) => settle(w.enroll(t, `customer${i}@example.com`))));

    // A day later: the race used up the day's enrollment e-mails.
    w.clock.advance(24 * 3600);
    expect((await w.enroll(await w.verified(CUSTOMER), "final@example.com")).outcome).toBe("created");
    expect(w.users(CUSTOMER).map((u) => u.email)).toEqual(["final@example.com"]);
    await expectOneUserOneLink(w);
  });
});

describe("enrollment race: a duplicate request lagging behind a newer enrollment (deterministic)", () => {
  it("the duplicate must not leave a second user behind", async () => {
    // A double-submitted request (A, twice: same token, same e-mail) and a newer enrollment (B).
    const w = world({ yield: "none" });
    w.seedAccount(CUSTOMER);
    const [tA = "", tB = ""] = await tokens(w, 2);
    const eA = "double.submit@example.com";
    const eB = "newer@example.com";

    // A's first copy takes the lock and is held just before it creates the user.
    const hold = w.faults.holdOn("identity.createUser");
    const lagging = settle(w.enroll(tA, eA));
    await hold.reached;
    // While it holds the lock, neither A's duplicate nor the newer enrollment B may write.
    expect((await w.enroll(tA, eA)).outcome).toBe("in-progress");
    expect((await w.enroll(tB, eB)).outcome).toBe("in-progress");
    // A resumes and finishes; then B replaces it, deleting eA's user.
    hold.release();
    await lagging;
    expect(w.users(CUSTOMER).map((u) => u.email)).toEqual([eA]);
    expect((await w.enroll(tB, eB)).outcome).toBe("created");
    expect(w.users(CUSTOMER).map((u) => u.email)).toEqual([eB]);
    await expectOneUserOneLink(w);
  });
});
