import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiWorld } from "../support/api-client";
import { startLocalApi } from "../support/local-api";

let api: { url: string; close(): Promise<void> };
const world = apiWorld(() => api.url);
beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(async () => {
  await api.close();
  world.close();
});

/** Customer numbers of this file: 95xxxxx, one block per test. */
let block = 0;
function customer(): string {
  block++;
  return String(9500000 + block * 10);
}

async function verified(customerNumber: string): Promise<string> {
  const res = await world.verifyBill(customerNumber);
  expect(res.status).toBe(200);
  return res.json.verificationToken as string;
}

describe("POST /v1/enrollment/verifications", () => {
  it("200 with a token valid 15 minutes for the bill form", async () => {
    const n = customer();
    await world.seedAccount(n);
    const before = Date.now();
    const res = await world.verifyBill(n);
    expect(res.status).toBe(200);
    expect(res.json.verificationToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const expires = Date.parse(res.json.expiresAt as string);
    expect(expires - before).toBeGreaterThanOrEqual(15 * 60 * 1000 - 1000);
    expect(expires - before).toBeLessThanOrEqual(15 * 60 * 1000 + 5000);
  });

  it("200 for the account form with the tolerated spellings", async () => {
    const n = customer();
    await world.seedAccount(n, { phone: "5145551234", postalCode: "H2X1Y4", lastDebitAmount: "73.15" });
    for (const form of [
      { phone: "(514) 555-1234", postalCode: "h2x 1y4", lastDebitAmount: "73,15" },
      { phone: "+1 514.555.1234", postalCode: "H2X-1Y4", lastDebitAmount: 73.15 },
    ]) {
      const res = await world.post("/v1/enrollment/verifications", {
        method: "account",
        customerNumber: n,
        ...form,
      });
      expect(res.status).toBe(200);
    }
  });

  it("400 VALIDATION_FAILED naming each malformed field", async () => {
    const res = await world.post("/v1/enrollment/verifications", {
      method: "account",
      customerNumber: "123456",
      phone: "555-1234",
      postalCode: "J4K 1A",
      lastDebitAmount: "84.375",
    });
    expect(res.status).toBe(400);
    expect((res.json.error as { code: string }).code).toBe("VALIDATION_FAILED");
    expect((res.json.error as { fields: unknown[] }).fields).toEqual(
      expect.arrayContaining([
        { field: "customerNumber", code: "INVALID_FORMAT" },
        { field: "phone", code: "INVALID_FORMAT" },
        { field: "postalCode", code: "INVALID_FORMAT" },
        { field: "lastDebitAmount", code: "INVALID_FORMAT" },
      ]),
    );
  });

  it("400 REQUIRED for a missing field, the method included, as on the other routes", async () => {
    const fields = async (body: unknown) =>
      ((await world.post("/v1/enrollment/verifications", body)).json.error as { fields: unknown }).fields;
    expect(await fields({})).toEqual([{ field: "method", code: "REQUIRED" }]);
    expect(await fields({ method: "bill" })).toEqual([
      { field: "customerNumber", code: "REQUIRED" },
      { field: "accessCode", code: "REQUIRED" },
    ]);
    expect(await fields({ method: "account", customerNumber: "1234567" })).toEqual([
      { field: "phone", code: "REQUIRED" },
      { field: "postalCode", code: "REQUIRED" },
      { field: "lastDebitAmount", code: "REQUIRED" },
    ]);
  });

  it("403 for wrong data and for an unknown customer, byte for byte the same answer", async () => {
    const known = customer();
    const unknown = customer();
    await world.seedAccount(known);
    const wrong = await world.verifyBill(known, "11111");
    const missing = await world.verifyBill(unknown, "11111");
    expect(wrong.status).toBe(403);
    expect(missing.status).toBe(403);
    expect(missing.text).toBe(wrong.text);
    const headers = (h: Headers) => [...h.entries()].filter(([k]) => k !== "date");
    expect(headers(missing.headers)).toEqual(headers(wrong.headers));
    expect((wrong.json.error as { message: string }).message).toContain("1 800 567-6353");
  });

  it("429 with Retry-After after 5 failures, for right and wrong data alike, unknown numbers too", async () => {
    for (const [n, seeded] of [
      [customer(), true],
      [customer(), false],
    ] as const) {
      if (seeded) await world.seedAccount(n);
      for (let i = 0; i < 5; i++) expect((await world.verifyBill(n, "11111")).status).toBe(403);
      const locked = await world.verifyBill(n, "24680", {
        "Accept-Language": "en",
        Origin: "http://localhost:5173",
      });
      expect(locked.status).toBe(429);
      expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(800);
      // Without it, the page's fetch() sees no Retry-After at all.
      expect(locked.headers.get("access-control-expose-headers")).toBe("Retry-After");
      expect((locked.json.error as { code: string; message: string }).code).toBe("TOO_MANY_ATTEMPTS");
      expect((locked.json.error as { message: string }).message).toMatch(/^Too many failed attempts/);
    }
  });

  it("lets at most 5 of 50 parallel wrong guesses be evaluated", async () => {
    const n = customer();
    await world.seedAccount(n);
    const results = await Promise.all(Array.from({ length: 50 }, () => world.verifyBill(n, "13579")));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 403).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(45);
    expect(statuses.every((s) => s === 403 || s === 429)).toBe(true);
    expect((await world.verifyBill(n)).status).toBe(429);
  });

  it("a success keeps the failures before it: the 5th failure in the window still locks", async () => {
    const n = customer();
    await world.seedAccount(n);
    for (let i = 0; i < 3; i++) expect((await world.verifyBill(n, "11111")).status).toBe(403);
    expect((await world.verifyBill(n)).status).toBe(200);
    expect((await world.verifyBill(n, "11111")).status).toBe(403);
    expect((await world.verifyBill(n, "11111")).status).toBe(403);
    const locked = await world.verifyBill(n);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(890);
  });
});

describe("enrollment and confirmation", () => {
  it("creates the profile, e-mails a link, confirms it, then refuses a second enrollment", async () => {
    const n = customer();
    await world.seedAccount(n);
    const token = await verified(n);
    const email = `client.${n}@example.com`;
    const created = await world.enroll(token, `  Client.${n}@Example.com `);
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ customerNumber: n, email, status: "PENDING_CONFIRMATION" });
    expect(await world.usersOf(n)).toEqual([email]);

    const again = await world.enroll(token, email);
    expect(again.status).toBe(201);
    expect(again.json).toEqual(created.json);
    const links = await world.confirmationTokensSentTo(email);
    expect(links).toHaveLength(1);

    const confirmed = await world.confirm(links[0] as string);
    expect(confirmed.status).toBe(200);
    expect(confirmed.json).toEqual({ status: "ACTIVE", billing: "electronic" });
    expect((await world.confirm(links[0] as string)).status).toBe(200);

    const verifyAgain = await world.verifyBill(n);
    expect(verifyAgain.status).toBe(409);
    expect((verifyAgain.json.error as { code: string }).code).toBe("ALREADY_ENROLLED");
  });

  it("401 INVALID_TOKEN for an unknown token, or a token used by another request", async () => {
    const n = customer();
    await world.seedAccount(n);
    const token = await verified(n);
    expect((await world.enroll("A".repeat(43), "x@example.com")).status).toBe(401);
    expect((await world.enroll(token, `first.${n}@example.com`)).status).toBe(201);
    const other = await world.enroll(token, `second.${n}@example.com`);
    expect(other.status).toBe(401);
    expect((other.json.error as { code: string }).code).toBe("INVALID_TOKEN");
    expect((await world.confirm("B".repeat(43))).status).toBe(401);
  });

  it("401 INVALID_TOKEN for a token of the wrong shape; 400 only for a missing or non-string one", async () => {
    const n = customer();
    await world.seedAccount(n);
    const token = await verified(n);
    const code = (res: { json: Record<string, unknown> }) => (res.json.error as { code: string }).code;
    for (const wrong of ["", "short", `${token}!`, "é".repeat(43), "A".repeat(10_000)]) {
      const enrolled = await world.enroll(wrong, `wrong.${n}@example.com`);
      expect([enrolled.status, code(enrolled)]).toEqual([401, "INVALID_TOKEN"]);
      const confirmed = await world.confirm(wrong);
      expect([confirmed.status, code(confirmed)]).toEqual([401, "INVALID_TOKEN"]);
    }
    const missing = await world.post("/v1/enrollments/confirmation", {});
    expect([missing.status, missing.json]).toEqual([
      400,
      {
        error: {
          code: "VALIDATION_FAILED",
          message: "Certains champs sont invalides.",
          fields: [{ field: "token", code: "REQUIRED" }],
        },
      },
    ]);
    for (const value of [null, 42]) {
      const mistyped = await world.post("/v1/enrollments/confirmation", { token: value });
      expect((mistyped.json.error as { fields: unknown }).fields).toEqual([
        { field: "token", code: "INVALID_TYPE" },
      ]);
    }
    // None of it used the real token up.
    expect((await world.enroll(token, `right.${n}@example.com`)).status).toBe(201);
  });

  it("an address with another account's profile, in any letter case: the same 201, nothing created, the address told", async () => {
    const a = customer();
    const b = customer();
    await world.seedAccount(a);
    await world.seedAccount(b);
    const email = `shared.${a}@example.com`;
    const free = `free.${b}@example.com`;
    expect((await world.enroll(await verified(a), email)).status).toBe(201);
    const [link] = await world.confirmationTokensSentTo(email);
    expect((await world.confirm(link as string)).status).toBe(200);

    // The answer for a free address and for one in use, byte for byte (but the address itself).
    const toFree = await world.enroll(await verified(b), free);
    const inUse = await world.enroll(await verified(b), `Shared.${a}@EXAMPLE.com`, undefined, "en");
    expect([inUse.status, inUse.json]).toEqual([
      201,
      { customerNumber: b, email, status: "PENDING_CONFIRMATION" },
    ]);
    expect(toFree.text.replace(free, email)).toBe(inUse.text);
    const headers = (h: Headers) => [...h.entries()].filter(([k]) => k !== "date" && k !== "content-length");
    expect(headers(inUse.headers)).toEqual(headers(toFree.headers));

    // No user for b with it, no link to it: the "already has a profile" message instead, in English.
    expect(await world.usersOf(b)).toEqual([free]);
    expect(await world.usersOf(a)).toEqual([email]);
    expect(await world.confirmationTokensSentTo(email)).toEqual([link]);
    const told = (await world.mailsTo(email)).at(-1);
    expect(told?.subject).toBe("You already have an online services profile – Cablevision");
    expect(told?.text).toContain("Forgot password");
    expect(told?.text).not.toMatch(/token=/);
    // b's own enrollment is intact: its link still works.
    const [freeLink] = await world.confirmationTokensSentTo(free);
    expect((await world.confirm(freeLink as string)).status).toBe(200);
  });

  it("429 TOO_MANY_ENROLLMENTS with Retry-After past 3 enrollment e-mails a day; a repeat does not count", async () => {
    const n = customer();
    const holder = customer();
    await world.seedAccount(n);
    await world.seedAccount(holder);
    const taken = `taken.${holder}@example.com`;
    expect((await world.enroll(await verified(holder), taken)).status).toBe(201);

    const first = await verified(n);
    expect((await world.enroll(first, `one.${n}@example.com`)).status).toBe(201);
    // The same request repeated: the same 201, the same one slot.
    expect((await world.enroll(first, `one.${n}@example.com`)).status).toBe(201);
    // An address in use takes a slot too (its owner is e-mailed).
    expect((await world.enroll(await verified(n), taken)).status).toBe(201);
    expect((await world.enroll(await verified(n), `two.${n}@example.com`)).status).toBe(201);

    for (const email of [`three.${n}@example.com`, taken]) {
      const refused = await world.post(
        "/v1/enrollments",
        { verificationToken: await verified(n), email, password: "un mot de passe sûr", language: "fr" },
        { "Accept-Language": "en", Origin: "http://localhost:5173" },
      );
      expect(refused.status).toBe(429);
      const error = refused.json.error as { code: string; message: string };
      expect(error.code).toBe("TOO_MANY_ENROLLMENTS");
      expect(error.message).toMatch(/^Too many enrollments for this account today.*1 800 567-6353/);
      const retryAfter = Number(refused.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThan(24 * 3600 - 120);
      expect(retryAfter).toBeLessThanOrEqual(24 * 3600);
      expect(refused.headers.get("access-control-expose-headers")).toBe("Retry-After");
    }
    expect(await world.mailsTo(`three.${n}@example.com`)).toEqual([]);
    expect((await world.mailsTo(taken)).length).toBe(2);
    expect(await world.usersOf(n)).toEqual([`two.${n}@example.com`]);
    // The repeat of an earlier request still gets its 201 past the cap.
    expect((await world.enroll(first, `one.${n}@example.com`)).status).toBe(201);
  });

  it("replaces an unconfirmed profile: the old link stops working, the new one works", async () => {
    const n = customer();
    await world.seedAccount(n);
    const typo = `tremblay.${n}@exmaple.com`;
    const right = `tremblay.${n}@example.com`;
    expect((await world.enroll(await verified(n), typo)).status).toBe(201);
    expect((await world.enroll(await verified(n), right)).status).toBe(201);
    expect(await world.usersOf(n)).toEqual([right]);
    const [oldLink] = await world.confirmationTokensSentTo(typo);
    const [newLink] = await world.confirmationTokensSentTo(right);
    expect((await world.confirm(oldLink as string)).status).toBe(401);
    expect((await world.confirm(newLink as string)).status).toBe(200);
  });

  it("parallel enrollments for one account leave one Cognito user and one working link", async () => {
    const n = customer();
    await world.seedAccount(n);
    const tokens: string[] = [];
    for (let i = 0; i < 8; i++) tokens.push(await verified(n));
    const emails = tokens.map((_, i) => `race${i}.${n}@example.com`);
    const results = await Promise.all(tokens.map((t, i) => world.enroll(t, emails[i] as string)));
    const statuses = results.map((r) => r.status);
    // 429 once the account's 3 enrollment e-mails of the day are taken.
    expect(statuses.every((s) => s === 201 || s === 409 || s === 429)).toBe(true);
    expect(statuses).toContain(201);
    for (const r of results.filter((x) => x.status !== 201)) {
      expect((r.json.error as { code: string }).code).toBe(
        r.status === 409 ? "ENROLLMENT_IN_PROGRESS" : "TOO_MANY_ENROLLMENTS",
      );
    }
    expect(await world.usersOf(n)).toHaveLength(1);
    const links = (await Promise.all(emails.map((e) => world.confirmationTokensSentTo(e)))).flat();
    const outcomes = await Promise.all(links.map((l) => world.confirm(l)));
    expect(outcomes.filter((o) => o.status === 200)).toHaveLength(1);
  });

  it("400 for a password under 10 characters or a malformed e-mail, without consuming the token", async () => {
    const n = customer();
    await world.seedAccount(n);
    const token = await verified(n);
    const short = await world.enroll(token, `ok.${n}@example.com`, "court");
    expect(short.status).toBe(400);
    expect((short.json.error as { fields: unknown }).fields).toEqual([
      { field: "password", code: "TOO_SHORT" },
    ]);
    const bad = await world.enroll(token, "not-an-email");
    expect((bad.json.error as { fields: unknown }).fields).toEqual([
      { field: "email", code: "INVALID_FORMAT" },
    ]);
    expect((await world.enroll(token, `ok.${n}@example.com`)).status).toBe(201);
  });
});
