import { readFileSync } from "node:fs";
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
} from "@aws-sdk/client-cognito-identity-provider";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { cognitoIdentity } from "../../lambdas/adapters/cognito-identity";
import { createDocumentClient } from "../../lambdas/adapters/dynamodb";
import { enrollmentEmailQuota } from "../../lambdas/adapters/enrollment-quota";
import { profileStore } from "../../lambdas/adapters/profile-store";
import { confirmationTokens, verificationTokens } from "../../lambdas/adapters/security-store";
import { sesClient, sesMailer } from "../../lambdas/adapters/ses-mailer";
import { profilesTable, securityTable } from "../../lambdas/definitions/tables";
import {
  ENROLLMENT_EMAIL_QUOTA,
  ENROLLMENT_LOCK_SECONDS,
  enroll,
} from "../../lambdas/domain/enrollment/enroll";
import { newToken, tokenHash } from "../../lambdas/domain/enrollment/tokens";
import { currentKey, decodeKeyRing } from "../../lambdas/domain/key-ring";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../local/settings";
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

let block = 0;
function customer(): string {
  block++;
  return String(9400000 + block * 10);
}

const postRoutes = ["/v1/enrollment/verifications", "/v1/enrollments", "/v1/enrollments/confirmation"];

describe("no request body gives a 5xx", () => {
  it.each(postRoutes)("%s: any JSON value", async (route) => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (value) => {
        const res = await world.post(route, JSON.stringify(value));
        expect(res.status).toBeLessThan(500);
        expect(res.json).toHaveProperty(res.status >= 400 ? "error.code" : []);
      }),
      { numRuns: 60 },
    );
  });

  it.each(postRoutes)("%s: the right keys with values of any shape", async (route) => {
    const keys = [
      "method",
      "customerNumber",
      "accessCode",
      "phone",
      "postalCode",
      "lastDebitAmount",
      "verificationToken",
      "email",
      "password",
      "language",
      "token",
    ];
    const anyValue = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom(
        "bill",
        "account",
        "fr",
        "en",
        "9900001",
        "12345",
        "84,37",
        "",
        " ",
        "\u0000",
        "é".repeat(300),
      ),
      fc.string({ maxLength: 200 }),
      fc.double(),
    );
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom(...keys), anyValue), async (body) => {
        const res = await world.post(route, body);
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 80 },
    );
  });

  it("raw bytes that are not JSON give 400 MALFORMED_JSON or 415, never 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 100 }), async (text) => {
        const res = await world.post("/v1/enrollments", text.startsWith("{") ? `${text}\u0000` : `{${text}`);
        expect(res.status).toBe(400);
      }),
      { numRuns: 40 },
    );
    const form = await fetch(`${api.url}/v1/enrollments`, {
      method: "POST",
      body: "a=b",
      headers: { "Content-Type": "text/plain" },
    });
    expect(form.status).toBe(415);
    const big = await world.post("/v1/enrollments", { password: "x".repeat(17 * 1024) });
    expect(big.status).toBe(413);
  });
});

describe("Cognito throttling and failures", () => {
  const cognito = mockClient(CognitoIdentityProviderClient);
  afterEach(() => cognito.reset());
  afterAll(() => cognito.restore());

  it("answers 503 with Retry-After when Cognito throttles, and the same request then completes", async () => {
    const n = customer();
    await world.seedAccount(n);
    const token = (await world.verifyBill(n)).json.verificationToken as string;
    cognito
      .on(AdminCreateUserCommand)
      .rejects(Object.assign(new Error("Rate exceeded"), { name: "TooManyRequestsException" }));
    const throttled = await world.enroll(token, `busy.${n}@example.com`);
    expect(throttled.status).toBe(503);
    expect(throttled.headers.get("retry-after")).toBe("2");
    expect((throttled.json.error as { code: string }).code).toBe("SERVICE_UNAVAILABLE");
    cognito.restore();
    const retried = await world.enroll(token, `busy.${n}@example.com`);
    expect(retried.status).toBe(201);
    expect(await world.usersOf(n)).toEqual([`busy.${n}@example.com`]);
  });
});

describe("a failure between any two steps leaves nothing orphaned", () => {
  /** The real adapters on the emulators, with one step made to fail once. */
  function deps(...failing: string[]) {
    const { endpoints, environment } = inject("localStack");
    const raw = new DynamoDBClient({
      endpoint: endpoints.dynamodb,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    const cognito = new CognitoIdentityProviderClient({
      endpoint: endpoints.cognito.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    const client = createDocumentClient(raw);
    const security = environment[securityTable.envVar] as string;
    const failed = new Set<string>();
    const once = <T extends object>(name: string, target: T): T =>
      new Proxy(target, {
        get(obj, key, receiver) {
          const value = Reflect.get(obj, key, receiver);
          const method = `${name}.${String(key)}`;
          if (typeof value !== "function" || !failing.includes(method)) return value;
          return async (...args: unknown[]) => {
            if (!failed.has(method)) {
              failed.add(method);
              throw new Error(`injected failure in ${method}`);
            }
            return value.apply(obj, args);
          };
        },
      });
    return {
      deps: {
        verificationTokens: once("verificationTokens", verificationTokens(client, security)),
        confirmationTokens: once("confirmationTokens", confirmationTokens(client, security)),
        profiles: once("profiles", profileStore(client, environment[profilesTable.envVar] as string)),
        identity: once("identity", cognitoIdentity(cognito, endpoints.cognito.userPoolId)),
        mailer: once(
          "mailer",
          sesMailer(sesClient(), { from: "test@example.com", supportPhone: "1 800 567-6353" }),
        ),
        emailQuota: once("emailQuota", enrollmentEmailQuota(client, security, ENROLLMENT_EMAIL_QUOTA)),
        confirmationKey: currentKey(
          decodeKeyRing(readFileSync(environment.CONFIRMATION_KEY_FILE as string, "utf8")),
        ),
        webBaseUrl: "http://localhost:5173",
        now: () => new Date(),
      },
      close: () => {
        raw.destroy();
        cognito.destroy();
      },
    };
  }

  it.each([
    "identity.createUser",
    "identity.setPassword",
    "confirmationTokens.store",
    "profiles.complete",
    "mailer.sendConfirmation",
    "profiles.markEmailSent",
  ])(
    "after a failure in %s, retrying the same request ends with one user and one working link",
    async (step) => {
      const n = customer();
      await world.seedAccount(n);
      const token = (await world.verifyBill(n)).json.verificationToken as string;
      const email = `step.${n}@example.com`;
      const { deps: injected, close } = deps(step);
      try {
        const request = {
          verificationToken: token,
          email,
          password: "un mot de passe sûr",
          language: "fr" as const,
        };
        await expect(enroll(request, injected)).rejects.toThrow(`injected failure in ${step}`);
        const retried = await world.enroll(token, email);
        expect(retried.status).toBe(201);
        expect(await world.usersOf(n)).toEqual([email]);
        const links = [...new Set(await world.confirmationTokensSentTo(email))];
        expect(links).toHaveLength(1);
        expect((await world.confirm(links[0] as string)).status).toBe(200);
      } finally {
        close();
      }
    },
  );

  it("a new enrollment after a failed one removes the half-made user", async () => {
    const n = customer();
    await world.seedAccount(n);
    const first = (await world.verifyBill(n)).json.verificationToken as string;
    const { deps: injected, close } = deps("identity.setPassword");
    try {
      const request = {
        verificationToken: first,
        email: `half.${n}@example.com`,
        password: "un mot de passe sûr",
        language: "fr" as const,
      };
      await expect(enroll(request, injected)).rejects.toThrow();
      expect(await world.usersOf(n)).toEqual([`half.${n}@example.com`]);
      const second = (await world.verifyBill(n)).json.verificationToken as string;
      expect((await world.enroll(second, `whole.${n}@example.com`)).status).toBe(201);
      expect(await world.usersOf(n)).toEqual([`whole.${n}@example.com`]);
    } finally {
      close();
    }
  });

  /** The user's email_verified attribute, read from the emulator. */
  async function emailVerified(email: string): Promise<string | undefined> {
    const { endpoints } = inject("localStack");
    const cognito = new CognitoIdentityProviderClient({
      endpoint: endpoints.cognito.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    try {
      const user = await cognito.send(
        new AdminGetUserCommand({ UserPoolId: endpoints.cognito.userPoolId, Username: email }),
      );
      return user.UserAttributes?.find((a) => a.Name === "email_verified")?.Value;
    } finally {
      cognito.destroy();
    }
  }

  it("an old link never confirms another account's user (issue 11 item 3: the exact sequence)", async () => {
    const x = customer();
    const y = customer();
    await world.seedAccount(x);
    await world.seedAccount(y);
    const e0 = `old.${x}@example.com`;
    const e1 = `new.${x}@example.com`;
    const request = (verificationToken: string, email: string) => ({
      verificationToken,
      email,
      password: "un mot de passe sûr",
      language: "fr" as const,
    });
    expect(
      (await world.enroll((await world.verifyBill(x)).json.verificationToken as string, e0)).status,
    ).toBe(201);
    const [link0] = await world.confirmationTokensSentTo(e0);
    // (1) A re-enrollment fails after deleting the old user, before complete().
    const { deps: injected, close } = deps("profiles.complete");
    try {
      const t1 = (await world.verifyBill(x)).json.verificationToken as string;
      await expect(enroll(request(t1, e1), injected)).rejects.toThrow(
        "injected failure in profiles.complete",
      );
      expect(await world.usersOf(x)).toEqual([e1]);
      // (2) Another account registers the old address.
      expect(
        (await world.enroll((await world.verifyBill(y)).json.verificationToken as string, e0)).status,
      ).toBe(201);
      expect(await world.usersOf(y)).toEqual([e0]);
      // (3) The first account tries that address: in use (the same 201), abandon() removes pendingEmail.
      expect(
        (await world.enroll((await world.verifyBill(x)).json.verificationToken as string, e0)).status,
      ).toBe(201);

      // The old link confirms nothing: not y's user, not x's account.
      expect((await world.confirm(link0 as string)).status).toBe(401);
      expect(await emailVerified(e0)).toBe("false");
      const profile = await injected.profiles.get(x);
      expect(profile?.status).toBe("PENDING_CONFIRMATION");
      expect(profile?.confirmationTokenHash).toBeUndefined();
      // y's own link works.
      const linkY = (await world.confirmationTokensSentTo(e0)).at(-1) as string;
      expect(linkY).not.toBe(link0);
      expect((await world.confirm(linkY)).status).toBe(200);
      // And x enrolls normally (a day later: its 3 enrollment e-mails of the day are used), ending with
      // one user and one working link: the orphan of (1) is gone.
      const e2 = `later.${x}@example.com`;
      const later = { ...injected, now: () => new Date(Date.now() + (24 * 3600 + 1) * 1000) };
      // A verification of that day: its token, issued as verifyOwnership issues it.
      const t2 = newToken();
      await injected.verificationTokens.issue(
        tokenHash(t2),
        x,
        new Date(later.now().getTime() + 15 * 60 * 1000),
      );
      expect((await enroll(request(t2, e2), later)).outcome).toBe("created");
      expect(await world.usersOf(x)).toEqual([e2]);
      const links = await world.confirmationTokensSentTo(e2);
      expect(links).toHaveLength(1);
      expect((await world.confirm(links[0] as string)).status).toBe(200);
    } finally {
      close();
    }
  });

  it("a request that died holding the lock: others wait (409), then the next one cleans up", async () => {
    const n = customer();
    await world.seedAccount(n);
    const first = (await world.verifyBill(n)).json.verificationToken as string;
    // Dies after creating the user, and cannot give the lock back (a timeout, a lost process).
    const { deps: injected, close } = deps("identity.setPassword", "profiles.release");
    try {
      const request = {
        verificationToken: first,
        email: `dead.${n}@example.com`,
        password: "un mot de passe sûr",
        language: "fr" as const,
      };
      await expect(enroll(request, injected)).rejects.toThrow();
      const second = (await world.verifyBill(n)).json.verificationToken as string;
      const waiting = await world.enroll(second, `next.${n}@example.com`);
      expect(waiting.status).toBe(409);
      expect((waiting.json.error as { code: string }).code).toBe("ENROLLMENT_IN_PROGRESS");
      expect(waiting.headers.get("retry-after")).toBe("5");
      const later = { ...injected, now: () => new Date(Date.now() + (ENROLLMENT_LOCK_SECONDS + 1) * 1000) };
      const done = await enroll(
        {
          verificationToken: second,
          email: `next.${n}@example.com`,
          password: "un mot de passe sûr",
          language: "fr",
        },
        later,
      );
      expect(done.outcome).toBe("created");
      expect(await world.usersOf(n)).toEqual([`next.${n}@example.com`]);
    } finally {
      close();
    }
  });
});
