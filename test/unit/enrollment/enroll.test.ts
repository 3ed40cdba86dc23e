import { describe, expect, it } from "vitest";
import { confirmEmail } from "../../../lambdas/domain/enrollment/confirm-email";
import { CONFIRMATION_TTL_SECONDS, ENROLLMENT_LOCK_SECONDS } from "../../../lambdas/domain/enrollment/enroll";
import { tokenHash } from "../../../lambdas/domain/enrollment/tokens";
import {
  type FaultPhase,
  InjectedFault,
  PASSWORD,
  type PortMethod,
  T0,
  WEB_BASE_URL,
  type World,
  world,
} from "../../support/fakes/enrollment-fakes";

const CUSTOMER = "1234567";
const OTHER = "2345678";
const E0 = "first.try@example.com";
const E1 = "jean.tremblay@example.com";
const E2 = "jean.tremblay@example.org";

function setup() {
  const w = world();
  w.seedAccount(CUSTOMER);
  w.seedAccount(OTHER, { accessCode: "67890" });
  return w;
}

const created = (email: string, customerNumber = CUSTOMER) => ({
  outcome: "created",
  customerNumber,
  email,
  status: "PENDING_CONFIRMATION",
});

/** What the use case tells the handler when the address has another account's profile: the same 201. */
const taken = (email: string) => ({ ...created(email), outcome: "address-taken" });

const confirm = (w: World, token: string) => confirmEmail(token, w.confirmDeps);

/** Tries every link ever e-mailed (a wrong one changes nothing): the tokens that confirmed. */
async function workingLinks(w: World): Promise<string[]> {
  const working: string[] = [];
  for (const token of w.sentTokens()) {
    if ((await confirm(w, token)).outcome === "active") working.push(token);
  }
  return working;
}

describe("enroll: a new profile", () => {
  it("creates the user with its customer number and password, e-mails one link, answers PENDING_CONFIRMATION", async () => {
    const w = setup();
    const token = await w.verified(CUSTOMER);

    expect(await w.enroll(token, E1)).toEqual(created(E1));

    expect(w.users()).toEqual([
      { email: E1, customerNumber: CUSTOMER, language: "fr", password: PASSWORD, emailVerified: false },
    ]);
    expect(w.mails).toHaveLength(1);
    const mail = w.mails[0];
    expect(mail?.to).toBe(E1);
    expect(mail?.language).toBe("fr");
    expect(mail?.link).toMatch(
      new RegExp(`^${WEB_BASE_URL.replace(/\./g, "\\.")}/confirmation\\?token=[A-Za-z0-9_-]{43}$`),
    );

    const link = w.latestToken(E1);
    const profile = w.profile(CUSTOMER);
    expect(profile).toMatchObject({
      customerNumber: CUSTOMER,
      status: "PENDING_CONFIRMATION",
      email: E1,
      language: "fr",
      billing: "paper",
      confirmationTokenHash: tokenHash(link),
      cognitoEmails: [E1],
      lockedUntil: 0,
    });
    expect(profile?.pendingEmail).toBeUndefined();
    expect(w.stores.confirmationTokens.get(tokenHash(link))).toEqual({
      customerNumber: CUSTOMER,
      expiresAtMs: T0.getTime() + CONFIRMATION_TTL_SECONDS * 1000,
    });
    expect(CONFIRMATION_TTL_SECONDS).toBe(24 * 3600);
  });

  it("never stores the password or a token in a table", async () => {
    const w = setup();
    const token = await w.verified(CUSTOMER);
    await w.enroll(token, E1);
    const link = w.latestToken();
    const tables = JSON.stringify(
      [w.stores.profiles, w.stores.verificationTokens, w.stores.confirmationTokens, w.stores.attempts].map(
        (m) => [...m.entries()].map(([k, v]) => [k, { ...v, cognitoEmails: undefined }]),
      ),
    );
    expect(tables).not.toContain(PASSWORD);
    expect(tables).not.toContain(token);
    expect(tables).not.toContain(link);
  });

  it("writes the mail in the enrollment's language", async () => {
    const w = setup();
    await w.enroll(await w.verified(CUSTOMER), E1, { language: "en" });
    expect(w.mails[0]?.language).toBe("en");
    expect(w.user(E1)?.language).toBe("en");
    expect(w.profile(CUSTOMER)?.language).toBe("en");
  });

  it("builds the link without a double slash when the base URL ends with one", async () => {
    const w = world({ webBaseUrl: "https://portal.example.test/" });
    w.seedAccount(CUSTOMER);
    await w.enroll(await w.verified(CUSTOMER), E1);
    expect(w.mails[0]?.link).toMatch(/^https:\/\/portal\.example\.test\/confirmation\?token=[\w-]{43}$/);
  });

  it("the same request repeated gives the same answer, creates no user and sends no second mail", async () => {
    const w = setup();
    const token = await w.verified(CUSTOMER);
    const first = await w.enroll(token, E1);
    const link = w.latestToken();
    w.calls.splice(0);

    const again = await w.enroll(token, E1);

    expect(again).toEqual(first);
    expect(w.calls).not.toContain("identity.createUser");
    expect(w.calls).not.toContain("mailer.sendConfirmation");
    expect(w.users(CUSTOMER)).toHaveLength(1);
    expect(w.mails).toHaveLength(1);
    expect(await confirm(w, link)).toEqual({ outcome: "active" });
  });

  it("the same request sent twice at once: one user, one link", async () => {
    const w = setup();
    const token = await w.verified(CUSTOMER);
    const outcomes = await Promise.all([w.enroll(token, E1), w.enroll(token, E1)]);
    // One copy writes; the other is told it is in progress (or, if it came late, gets the same 201).
    expect(outcomes).toContainEqual(created(E1));
    for (const outcome of outcomes) expect([created(E1), { outcome: "in-progress" }]).toContainEqual(outcome);
    expect(w.users(CUSTOMER).map((u) => u.email)).toEqual([E1]);
    expect(w.sentTokens()).toHaveLength(1);
    expect(await workingLinks(w)).toHaveLength(1);
  });
});

describe("enroll: invalid tokens", () => {
  it("a token already used with another e-mail is invalid", async () => {
    const w = setup();
    const token = await w.verified(CUSTOMER);
    await w.enroll(token, E1);
    w.calls.splice(0);

    expect(await w.enroll(token, E2)).toEqual({ outcome: "invalid-token" });
    expect(w.calls).toEqual(["verificationTokens.consume"]);
    expect(w.users().map((u) => u.email)).toEqual([E1]);
    expect(w.mails).toHaveLength(1);
    expect(await confirm(w, w.latestToken())).toEqual({ outcome: "active" });
  });

  it("a token used first by another e-mail stays bound to it, even when that enrollment failed", async () => {
    const w = setup();
    const token = await w.verified(CUSTOMER);
    w.faults.failOn("identity.createUser");
    await expect(w.enroll(token, E1)).rejects.toThrow(InjectedFault);
    expect(await w.enroll(token, E2)).toEqual({ outcome: "invalid-token" });
  });

  it("an expired token is invalid", async () => {
    const w = setup();
    const token = await w.verified(CUSTOMER);
    w.clock.advance(15 * 60);
    expect(await w.enroll(token, E1)).toEqual({ outcome: "invalid-token" });
    expect(w.users()).toEqual([]);
    expect(w.mails).toEqual([]);
  });

  it("a token is still valid just before it expires", async () => {
    const w = setup();
    const token = await w.verified(CUSTOMER);
    w.clock.advance(15 * 60 - 1);
    expect(await w.enroll(token, E1)).toEqual(created(E1));
  });

  it("an unknown token is invalid", async () => {
    const w = setup();
    await w.verified(CUSTOMER);
    expect(await w.enroll("A".repeat(43), E1)).toEqual({ outcome: "invalid-token" });
    expect(w.users()).toEqual([]);
  });

  it("a token of the wrong shape is invalid, refused before any store or Cognito call", async () => {
    const w = setup();
    const token = await w.verified(CUSTOMER);
    w.calls.splice(0);
    for (const wrong of ["", "short", `${token}=`, "é".repeat(43), "A".repeat(129), "A".repeat(16_000)])
      expect(await w.enroll(wrong, E1)).toEqual({ outcome: "invalid-token" });
    expect(w.calls).toEqual([]);
    expect(await w.enroll(token, E1)).toEqual(created(E1));
  });
});

describe("enroll: conflicts", () => {
  it("the e-mail of another account's user: the same 201, the user untouched, the profile as it was, the address told", async () => {
    const w = setup();
    await w.enroll(await w.verified(OTHER, "67890"), E1);
    const otherUser = { ...w.user(E1) };
    const mails = w.mails.length;

    expect(await w.enroll(await w.verified(CUSTOMER), E1, { language: "en" })).toEqual(taken(E1));

    expect(w.user(E1)).toEqual(otherUser);
    expect(w.users(CUSTOMER)).toEqual([]);
    // No link to a stranger: the address learns it already has a profile, in the request's language.
    expect(w.mails).toHaveLength(mails);
    expect(w.profileExistsMails).toEqual([{ to: E1, language: "en", siteUrl: WEB_BASE_URL }]);
    const profile = w.profile(CUSTOMER);
    expect(profile?.lockedUntil).toBe(0);
    expect(profile?.pendingEmail).toBeUndefined();
    expect(profile?.cognitoEmails).toEqual([]);
    expect(profile?.email).toBeUndefined();
    expect(profile?.confirmationTokenHash).toBeUndefined();
    expect(profile?.status).not.toBe("ACTIVE");

    // The lock is released: a later enrollment works at once.
    expect(await w.enroll(await w.verified(CUSTOMER), E2)).toEqual(created(E2));
    expect(w.users(CUSTOMER).map((u) => u.email)).toEqual([E2]);
    expect(await confirm(w, w.latestToken(E2))).toEqual({ outcome: "active" });
    // The other account's enrollment is intact.
    expect(await confirm(w, w.latestToken(E1))).toEqual({ outcome: "active" });
    expect(w.user(E1)?.customerNumber).toBe(OTHER);
  });

  it("an address in use after an unconfirmed enrollment: that enrollment stays as it was (its user, its link)", async () => {
    const w = setup();
    await w.enroll(await w.verified(CUSTOMER), E0);
    const link0 = w.latestToken(E0);
    await w.enroll(await w.verified(OTHER, "67890"), E1);

    expect(await w.enroll(await w.verified(CUSTOMER), E1)).toEqual(taken(E1));

    expect(w.profile(CUSTOMER)).toMatchObject({ email: E0, confirmationTokenHash: tokenHash(link0) });
    // The profile still points at E0 and its link: E0's user must still be there for it to work.
    expect(w.users(CUSTOMER).map((u) => u.email)).toEqual([E0]);
    await expect(confirm(w, link0)).resolves.toEqual({ outcome: "active" });
    expect(w.user(E0)?.emailVerified).toBe(true);
  });

  it("an account with an ACTIVE profile: already-enrolled, nothing created", async () => {
    const w = setup();
    const t1 = await w.verified(CUSTOMER);
    const t2 = await w.verified(CUSTOMER);
    await w.enroll(t1, E1);
    expect(await confirm(w, w.latestToken())).toEqual({ outcome: "active" });

    expect(await w.enroll(t2, E2)).toEqual({ outcome: "already-enrolled" });
    expect(w.users().map((u) => u.email)).toEqual([E1]);
    expect(w.mails).toHaveLength(1);
    expect(w.profile(CUSTOMER)).toMatchObject({ status: "ACTIVE", email: E1 });
  });

  it("an ACTIVE profile seen only by the lock (activated between the read and the lock): already-enrolled", async () => {
    const w = setup();
    const token = await w.verified(CUSTOMER);
    w.seedProfile({ customerNumber: CUSTOMER, status: "ACTIVE", email: E0 });
    expect(
      await w.ports.profiles.acquire(
        CUSTOMER,
        { id: tokenHash(token), lockOwner: "test-request", email: E1, language: "fr" },
        T0,
        30,
      ),
    ).toEqual({ acquired: false, reason: "ALREADY_ENROLLED" });
    expect(await w.enroll(token, E1)).toEqual({ outcome: "already-enrolled" });
    expect(w.users()).toEqual([]);
  });

  it("a request that died holding the lock: in-progress; once the lock expires the enrollment goes through", async () => {
    const w = setup();
    const t1 = await w.verified(CUSTOMER);
    const t2 = await w.verified(CUSTOMER);
    // t1 dies holding the lock: it fails, and so does giving the lock back (a timeout, a lost process).
    w.faults.failOn("identity.setPassword");
    w.faults.failOn("profiles.release");
    await expect(w.enroll(t1, E1)).rejects.toThrow(InjectedFault);

    expect(await w.enroll(t2, E2)).toEqual({ outcome: "in-progress" });
    expect(w.user(E2)).toBeUndefined();
    expect(w.mails).toEqual([]);

    w.clock.advance(ENROLLMENT_LOCK_SECONDS);
    expect(await w.enroll(t2, E2)).toEqual({ outcome: "in-progress" });
    w.clock.advance(1);
    expect(await w.enroll(t2, E2)).toEqual(created(E2));
    expect(w.users(CUSTOMER).map((u) => u.email)).toEqual([E2]);
    expect(await workingLinks(w)).toEqual([w.latestToken(E2)]);
  });
});

describe("enroll: replacing an unconfirmed enrollment", () => {
  it("a new verification and another e-mail: exactly one user (the new one), only the new link confirms", async () => {
    const w = setup();
    await w.enroll(await w.verified(CUSTOMER), E1);
    const link1 = w.latestToken(E1);

    expect(await w.enroll(await w.verified(CUSTOMER), E2)).toEqual(created(E2));
    const link2 = w.latestToken(E2);

    expect(link2).not.toBe(link1);
    expect(w.users(CUSTOMER).map((u) => u.email)).toEqual([E2]);
    expect(w.profile(CUSTOMER)?.cognitoEmails).toEqual([E2]);
    expect(await confirm(w, link1)).toEqual({ outcome: "invalid-token" });
    expect(await confirm(w, link2)).toEqual({ outcome: "active" });
    expect(await confirm(w, link1)).toEqual({ outcome: "invalid-token" });
    expect(w.profile(CUSTOMER)).toMatchObject({ status: "ACTIVE", email: E2, billing: "electronic" });
  });

  it("a new verification and the same e-mail: one user, a new link, the old one dead", async () => {
    const w = setup();
    await w.enroll(await w.verified(CUSTOMER), E1);
    const link1 = w.latestToken(E1);
    expect(await w.enroll(await w.verified(CUSTOMER), E1, { password: "Another-password-7" })).toEqual(
      created(E1),
    );
    const link2 = w.latestToken(E1);

    expect(link2).not.toBe(link1);
    expect(w.users(CUSTOMER)).toMatchObject([{ email: E1, password: "Another-password-7" }]);
    expect(await confirm(w, link1)).toEqual({ outcome: "invalid-token" });
    expect(await confirm(w, link2)).toEqual({ outcome: "active" });
  });

  it("three replacements in a row: one user, one working link", async () => {
    const w = setup();
    const emails = ["a@example.com", "b@example.com", "c@example.com", "d@example.com"];
    for (const email of emails) {
      expect(await w.enroll(await w.verified(CUSTOMER), email)).toEqual(created(email));
      // Four enrollments fit in a day only 8 hours apart (3 e-mails in any 24 hours).
      w.clock.advance(8 * 3600);
    }
    expect(w.users(CUSTOMER).map((u) => u.email)).toEqual(["d@example.com"]);
    expect(await workingLinks(w)).toEqual([w.latestToken("d@example.com")]);
  });

  it("a repeat of an earlier, replaced request does not take the account back", async () => {
    // A client retries its first request after the customer already enrolled again with another
    // address: "the same request repeated ... creates nothing new".
    const w = setup();
    const t1 = await w.verified(CUSTOMER);
    await w.enroll(t1, E1);
    await w.enroll(await w.verified(CUSTOMER), E2);
    const link2 = w.latestToken(E2);
    const mails = w.mails.length;

    await w.enroll(t1, E1);

    expect(w.users(CUSTOMER).map((u) => u.email)).toEqual([E2]);
    expect(w.mails).toHaveLength(mails);
    expect(await confirm(w, link2)).toEqual({ outcome: "active" });
  });
});

// ---------------------------------------------------------------------------------------------
// Crashes between steps
// ---------------------------------------------------------------------------------------------

type Prior = "fresh" | "replacing";
interface FailureCase {
  readonly step: PortMethod;
  readonly phase: FaultPhase;
  readonly prior: Prior;
}

/** Steps of an enrollment that can fail; the first group is the brief's, the second covers the rest. */
const STEPS: readonly { step: PortMethod; priors: readonly Prior[] }[] = [
  { step: "identity.createUser", priors: ["fresh", "replacing"] },
  { step: "identity.setPassword", priors: ["fresh", "replacing"] },
  { step: "confirmationTokens.store", priors: ["fresh", "replacing"] },
  { step: "profiles.complete", priors: ["fresh", "replacing"] },
  { step: "mailer.sendConfirmation", priors: ["fresh", "replacing"] },
  { step: "profiles.markEmailSent", priors: ["fresh", "replacing"] },
  { step: "identity.deleteUser", priors: ["replacing"] },
  // Beyond the brief's list:
  { step: "verificationTokens.consume", priors: ["fresh"] },
  { step: "profiles.acquire", priors: ["fresh", "replacing"] },
  { step: "identity.customerNumberOf", priors: ["replacing"] },
  { step: "profiles.forgetCognitoEmail", priors: ["replacing"] },
];

const CASES: FailureCase[] = STEPS.flatMap(({ step, priors }) =>
  priors.flatMap((prior) => (["before", "after"] as const).map((phase) => ({ step, phase, prior }))),
);

/** Mails to the crashed enrollment's address once its retry succeeded: two when the first mail went out unrecorded. */
function expectedMails({ step, phase }: FailureCase): number {
  if (step === "mailer.sendConfirmation" && phase === "after") return 2;
  if (step === "profiles.markEmailSent" && phase === "before") return 2;
  return 1;
}

/** The account's state before the crashing enrollment (E1): nothing, or an unconfirmed enrollment of E0. */
async function crashed(c: FailureCase) {
  const w = setup();
  if (c.prior === "replacing") expect(await w.enroll(await w.verified(CUSTOMER), E0)).toEqual(created(E0));
  const token = await w.verified(CUSTOMER);
  w.faults.failOn(c.step, 1, c.phase);
  await expect(w.enroll(token, E1)).rejects.toThrow(InjectedFault);
  expect(w.faults.pending).toBe(0);
  return { w, token };
}

describe("enroll: a crash at any step, then the same request again", () => {
  it.each(CASES)("$step ($phase, $prior): one user, one working link", async (c) => {
    const { w, token } = await crashed(c);

    expect(await w.enroll(token, E1)).toEqual(created(E1));

    expect(w.users(CUSTOMER).map((u) => u.email)).toEqual([E1]);
    expect(w.user(E1)?.password).toBe(PASSWORD);
    expect(w.profile(CUSTOMER)?.cognitoEmails).toEqual([E1]);
    const mails = w.mailsTo(E1);
    expect(mails).toHaveLength(expectedMails(c));
    expect(new Set(mails.map((m) => m.link)).size).toBe(1);
    expect(await workingLinks(w)).toEqual([w.latestToken(E1)]);
    expect(w.profile(CUSTOMER)).toMatchObject({ status: "ACTIVE", email: E1, billing: "electronic" });
    expect(w.user(E1)?.emailVerified).toBe(true);
  });
});

describe("enroll: a crash at any step, then a new enrollment with another e-mail once the lock expired", () => {
  it.each(CASES)("$step ($phase, $prior): only the new user remains, only its link works", async (c) => {
    const { w } = await crashed(c);
    w.clock.advance(ENROLLMENT_LOCK_SECONDS + 1);

    expect(await w.enroll(await w.verified(CUSTOMER), E2)).toEqual(created(E2));

    expect(w.users(CUSTOMER).map((u) => u.email)).toEqual([E2]);
    expect(w.users()).toHaveLength(1);
    expect(w.profile(CUSTOMER)?.cognitoEmails).toEqual([E2]);
    expect(w.mailsTo(E2)).toHaveLength(1);
    expect(await workingLinks(w)).toEqual([w.latestToken(E2)]);
    expect(w.user(E2)?.emailVerified).toBe(true);
  });
});

describe("enroll: a crash while giving up on an e-mail in use", () => {
  it("abandon fails: the retry gives the same 201, tells the address once, and releases the lock", async () => {
    const w = setup();
    await w.enroll(await w.verified(OTHER, "67890"), E1);
    const token = await w.verified(CUSTOMER);
    w.faults.failOn("profiles.abandon");
    await expect(w.enroll(token, E1)).rejects.toThrow(InjectedFault);

    expect(await w.enroll(token, E1)).toEqual(taken(E1));
    expect(w.profileExistsMails).toHaveLength(1);
    expect(w.profile(CUSTOMER)?.lockedUntil).toBe(0);
    expect(await w.enroll(await w.verified(CUSTOMER), E2)).toEqual(created(E2));
    expect(w.users(CUSTOMER).map((u) => u.email)).toEqual([E2]);
    expect(w.user(E1)?.customerNumber).toBe(OTHER);
  });
});

describe("enroll: fewer round trips, the same answers", () => {
  it("reads no profile before the lock: the lock's refusal says why", async () => {
    const w = setup();
    const token = await w.verified(CUSTOMER);
    w.calls.splice(0);
    expect(await w.enroll(token, E1)).toEqual(created(E1));
    expect(w.calls).not.toContain("profiles.get");
    expect(w.calls.slice(0, 3)).toEqual(["verificationTokens.consume", "quota.reserve", "profiles.acquire"]);

    // The same request again: the lock refuses it as completed, the same 201, nothing else.
    w.calls.splice(0);
    expect(await w.enroll(token, E1)).toEqual(created(E1));
    expect(w.calls).toEqual(["verificationTokens.consume", "quota.reserve", "profiles.acquire"]);
  });

  it("a replaced enrollment's repeat, after the newer one expired: the same 201, the account untouched", async () => {
    const w = setup();
    const t1 = await w.verified(CUSTOMER);
    expect(await w.enroll(t1, E1)).toEqual(created(E1));
    const t2 = await w.verified(CUSTOMER);
    expect(await w.enroll(t2, E2)).toEqual(created(E2));
    // As an expiry leaves it: no status, no address, no current enrollment; the list stays.
    const profile = w.profile(CUSTOMER);
    w.seedProfile({
      customerNumber: CUSTOMER,
      billing: "paper",
      lockedUntil: 0,
      completedEnrollments: new Set(profile?.completedEnrollments ?? []),
    });
    const users = w.users().length;
    expect(await w.enroll(t1, E1)).toEqual(created(E1));
    expect(w.users()).toHaveLength(users);
    expect(w.profile(CUSTOMER)?.status).toBeUndefined();
  });

  it("an active account whose e-mail cap is full still answers already-enrolled", async () => {
    const w = setup();
    const spare = await w.verified(CUSTOMER);
    for (let i = 0; i < 3; i++) {
      expect((await w.enroll(await w.verified(CUSTOMER), `n${i}@example.com`)).outcome).toBe("created");
    }
    expect(await confirm(w, w.latestToken())).toEqual({ outcome: "active" });
    expect(await w.enroll(spare, E1)).toEqual({ outcome: "already-enrolled" });
  });

  it("the confirmation token is written while Cognito sets the password; a failure waits for both", async () => {
    const w = setup();
    const token = await w.verified(CUSTOMER);
    const held = w.faults.holdOn("identity.setPassword");
    w.faults.failOn("confirmationTokens.store", 1, "after");
    let settled = false;
    const pending = w.enroll(token, E1).finally(() => {
      settled = true;
    });
    const failure = expect(pending).rejects.toBeInstanceOf(InjectedFault);
    await held.reached;
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(w.stores.confirmationTokens.size).toBe(1);
    // The password is still being set: the request neither answered nor gave its lock back.
    expect(settled).toBe(false);
    expect(w.calls).not.toContain("profiles.release");
    held.release();
    await failure;
    expect(w.calls.at(-1)).toBe("profiles.release");

    expect(await w.enroll(token, E1)).toEqual(created(E1));
    expect(await workingLinks(w)).toHaveLength(1);
  });
});
