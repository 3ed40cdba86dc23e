import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  UpdateUserAttributesCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { localDocumentLinks, readLocalDocumentsKey } from "../../lambdas/adapters/document-links";
import { createDocumentClient } from "../../lambdas/adapters/dynamodb";
import { localEnv } from "../../lambdas/definitions/environment";
import { profilesTable, tableName } from "../../lambdas/definitions/tables";
import { CUSTOMER_NUMBER_CLAIM } from "../../lambdas/definitions/user-pool";
import { addDays, dateInTimeZone } from "../../lambdas/domain/dates";
import { LOCAL_CREDENTIALS, LOCAL_PREFIX, LOCAL_REGION } from "../../local/settings";
import { apiWorld } from "../support/api-client";
import {
  claimsOf,
  cognitoLocalKey,
  signJwt,
  unsignedJwt,
  withBadSignature,
  withClaims,
} from "../support/jwt";
import { startLocalApi } from "../support/local-api";
import { tempFiles } from "../support/temp-files";

/**
 * The signed-in customer's routes on the emulators, with real tokens of cognito-local: two customers
 * enrolled through the API (verify, enroll, confirm), signed in with USER_PASSWORD_AUTH.
 */

const { endpoints, environment } = inject("localStack");
let api: { url: string; close(): Promise<void> };
const world = apiWorld(() => api.url);
const files = tempFiles("me-api");
const cognito = new CognitoIdentityProviderClient({
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
  endpoint: endpoints.cognito.endpoint,
});
const rawDynamo = new DynamoDBClient({
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
  endpoint: endpoints.dynamodb,
});
const ddb = createDocumentClient(rawDynamo);
const PASSWORD = "un mot de passe sûr";

interface Tokens {
  readonly id: string;
  readonly access: string;
}

interface Customer {
  readonly customerNumber: string;
  readonly email: string;
  tokens: Tokens;
}

async function signIn(email: string): Promise<Tokens> {
  const out = await cognito.send(
    new InitiateAuthCommand({
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: endpoints.cognito.clientId,
      AuthParameters: { USERNAME: email, PASSWORD },
    }),
  );
  const id = out.AuthenticationResult?.IdToken;
  const access = out.AuthenticationResult?.AccessToken;
  if (!id || !access) throw new Error(`no tokens for ${email}`);
  return { id, access };
}

/** Seeds the account, verifies it, enrolls, and (unless told otherwise) confirms; then signs in. */
async function enrolledCustomer(customerNumber: string, confirm = true): Promise<Customer> {
  const email = `client.${customerNumber}@example.com`;
  await world.seedAccount(customerNumber);
  const verified = await world.verifyBill(customerNumber);
  expect(verified.status).toBe(200);
  const enrolled = await world.enroll(verified.json.verificationToken as string, email, PASSWORD);
  expect(enrolled.status).toBe(201);
  if (confirm) {
    const [link] = await world.confirmationTokensSentTo(email);
    expect((await world.confirm(link as string)).status).toBe(200);
  }
  return { customerNumber, email, tokens: await signIn(email) };
}

async function call(
  method: string,
  path: string,
  options: { token?: string; authorization?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.authorization !== undefined) headers.Authorization = options.authorization;
  else if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers["Content-Type"] ??= "application/json";
  const res = await fetch(`${api.url}${path}`, {
    method,
    headers,
    ...(options.body !== undefined
      ? { body: typeof options.body === "string" ? options.body : JSON.stringify(options.body) }
      : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

async function storedProfile(customerNumber: string) {
  const out = await ddb.send(
    new GetCommand({
      TableName: tableName(LOCAL_PREFIX, profilesTable),
      Key: { customerNumber },
      ConsistentRead: true,
    }),
  );
  return out.Item as Record<string, unknown>;
}

/** The user's `locale` attribute as the pool holds it. */
async function localeOf(email: string): Promise<string | undefined> {
  const out = await cognito.send(
    new AdminGetUserCommand({ UserPoolId: endpoints.cognito.userPoolId, Username: email }),
  );
  return out.UserAttributes?.find((attribute) => attribute.Name === "locale")?.Value;
}

const errorCode = (res: { json: Record<string, unknown> }) => (res.json.error as { code?: string })?.code;
const webOrigin = "http://localhost:5173";
/** The names of a response's Access-Control-* headers. */
const accessControlHeaders = (res: { headers: Headers }) =>
  [...res.headers.keys()].filter((name) => name.startsWith("access-control-"));

/** Customer numbers of this file: 96xxxxx. */
const alice = "9600010";
const bob = "9600020";
const pending = "9600030";
const noContract = "9600040";
const lateConfirmer = "9600050";
let a: Customer;
let b: Customer;
let c: Customer;

beforeAll(async () => {
  api = await startLocalApi();
  // Document links point at this test's API (the global setup's stack serves none).
  process.env[localEnv.apiUrl] = api.url;
  [a, b, c] = await Promise.all([
    enrolledCustomer(alice),
    enrolledCustomer(bob),
    enrolledCustomer(noContract),
  ]);
  await world.importRows("bills", "billId,customerNumber,billingDate,dueDate,amountDue,balance,documentKey", [
    `B-2026-09-${alice},${alice},2026-09-20,2026-10-11,80.00,0.00,`,
    `B-2026-11-${alice},${alice},2026-11-20,2026-12-11,84.37,84.37,sample.pdf`,
    `B-2026-10-${alice},${alice},2026-10-20,2026-11-10,84.37,-12.50,`,
    `B-2026-11-${bob},${bob},2026-11-18,2026-12-09,73.15,73.15,sample.pdf`,
  ]);
  await world.importRows("contracts", "contractId,customerNumber,startDate,endDate,services,documentKey", [
    `C-${alice},${alice},2024-03-01,,Internet 120:55.00|Télé de base:32.50,sample.pdf`,
    `C-${bob},${bob},2023-09-15,2026-09-14,Internet 60:45,`,
  ]);
}, 120_000);

afterAll(async () => {
  await api.close();
  world.close();
  files.cleanup();
  cognito.destroy();
  rawDynamo.destroy();
});

describe("cognito-local tokens", () => {
  it("carry what the authorizer relies on: the customer number in the id token, client_id in the access token", () => {
    const id = claimsOf(a.tokens.id);
    const access = claimsOf(a.tokens.access);
    expect(id).toMatchObject({
      token_use: "id",
      aud: endpoints.cognito.clientId,
      iss: `${endpoints.cognito.endpoint}/${endpoints.cognito.userPoolId}`,
      email: a.email,
      [CUSTOMER_NUMBER_CLAIM]: alice,
    });
    expect(access).toMatchObject({ token_use: "access", client_id: endpoints.cognito.clientId });
    expect(access).not.toHaveProperty(CUSTOMER_NUMBER_CLAIM);
    expect(access).not.toHaveProperty("aud");
  });
});

describe("GET /v1/me", () => {
  it("200 with the owner's id token and with their access token", async () => {
    for (const token of [a.tokens.id, a.tokens.access]) {
      const res = await call("GET", "/v1/me", { token });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({
        customerNumber: alice,
        email: a.email,
        language: "fr",
        billing: "electronic",
        status: "ACTIVE",
      });
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });

  it("another customer's token gives that customer's profile, never the first one's", async () => {
    const res = await call("GET", "/v1/me", { token: b.tokens.access });
    expect(res.status).toBe(200);
    expect(res.json.customerNumber).toBe(bob);
    expect(res.json.email).toBe(b.email);
  });

  it("403 FORBIDDEN for a valid token of an account whose enrollment is not confirmed, in the request's language", async () => {
    const unconfirmed = await enrolledCustomer(pending, false);
    for (const token of [unconfirmed.tokens.id, unconfirmed.tokens.access]) {
      const res = await call("GET", "/v1/me", { token, headers: { Origin: webOrigin } });
      expect(res.status).toBe(403);
      expect(res.json).toEqual({ error: { code: "FORBIDDEN", message: "Accès refusé." } });
      expect(res.headers.get("access-control-allow-origin")).toBe(webOrigin);
      expect(res.headers.get("access-control-expose-headers")).toBe("Retry-After");
      const en = await call("GET", "/v1/me", {
        token,
        headers: { "Accept-Language": "en-CA,en;q=0.9", Origin: "https://evil.example" },
      });
      expect(en.status).toBe(403);
      expect(en.json).toEqual({ error: { code: "FORBIDDEN", message: "Access denied." } });
      expect(accessControlHeaders(en)).toEqual([]);
    }
  });

  it("a token obtained before confirming works on the very next request once the enrollment is confirmed", async () => {
    const late = await enrolledCustomer(lateConfirmer, false);
    for (const token of [late.tokens.id, late.tokens.access]) {
      expect((await call("GET", "/v1/me", { token })).status).toBe(403);
    }
    const [link] = await world.confirmationTokensSentTo(late.email);
    expect((await world.confirm(link as string)).status).toBe(200);
    for (const token of [late.tokens.id, late.tokens.access]) {
      const res = await call("GET", "/v1/me", { token });
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ customerNumber: lateConfirmer, status: "ACTIVE" });
    }
  });
});

describe("every bad token gets the contract's 401 (judged by the authorizer, answered by the route)", () => {
  const routes: [string, string][] = [
    ["GET", "/v1/me"],
    ["PATCH", "/v1/me"],
    ["GET", "/v1/me/bills"],
    ["GET", `/v1/me/bills/B-2026-11-${alice}`],
    ["GET", "/v1/me/contract"],
  ];
  const now = () => Math.floor(Date.now() / 1000);

  /** What the emulator would issue for Alice, signed with its own key, with these changes. */
  function emulatorToken(changes: Record<string, unknown>): string {
    return signJwt({ ...claimsOf(a.tokens.id), ...changes }, cognitoLocalKey());
  }

  it("a crafted token with the emulator's key and valid claims passes (so the 401s below are for their flaw)", async () => {
    const res = await call("GET", "/v1/me", { token: emulatorToken({ iat: now(), exp: now() + 600 }) });
    expect(res.status).toBe(200);
    expect(res.json.customerNumber).toBe(alice);
  });

  const bad: [string, () => string | undefined][] = [
    ["no Authorization header", () => undefined],
    ["an empty bearer", () => "Bearer "],
    ["another scheme", () => `Basic ${Buffer.from("a:b").toString("base64")}`],
    ["not a JWT", () => "Bearer not-a-jwt"],
    ["an expired id token", () => `Bearer ${emulatorToken({ iat: now() - 7200, exp: now() - 3600 })}`],
    ["a forged signature", () => `Bearer ${withBadSignature(a.tokens.id)}`],
    [
      "claims changed under the original signature",
      () => `Bearer ${withClaims(a.tokens.id, { [CUSTOMER_NUMBER_CLAIM]: bob })}`,
    ],
    [
      "alg: none",
      () =>
        `Bearer ${unsignedJwt({ ...claimsOf(a.tokens.id), [CUSTOMER_NUMBER_CLAIM]: bob, exp: now() + 600 })}`,
    ],
    [
      "another client's id token",
      () => `Bearer ${emulatorToken({ aud: "another-client", exp: now() + 600 })}`,
    ],
    [
      "another issuer",
      () => `Bearer ${emulatorToken({ iss: "http://localhost:1/other_pool", exp: now() + 600 })}`,
    ],
    [
      "a refresh-like token (no token_use)",
      () => `Bearer ${emulatorToken({ token_use: undefined, exp: now() + 600 })}`,
    ],
  ];

  for (const [label, authorization] of bad) {
    it(`401 UNAUTHORIZED for ${label}, on every signed-in route`, async () => {
      for (const [method, path] of routes) {
        const value = authorization();
        const res = await call(method, path, {
          ...(value !== undefined ? { authorization: value } : {}),
          ...(method === "PATCH" ? { body: { billing: "paper" } } : {}),
          headers: { Origin: webOrigin },
        });
        expect(res.status, `${label}: ${method} ${path}`).toBe(401);
        expect(res.json).toEqual({ error: { code: "UNAUTHORIZED", message: "Authentification requise." } });
        expect(res.headers.get("cache-control")).toBe("no-store");
        expect(res.headers.get("access-control-allow-origin")).toBe(webOrigin);
        expect(res.headers.get("access-control-expose-headers")).toBe("Retry-After");
        // In English when preferred; another origin, or none, gets no Access-Control-* header.
        for (const headers of [
          { "Accept-Language": "en", Origin: "https://evil.example" },
          { "Accept-Language": "en" },
        ] as Record<string, string>[]) {
          const other = await call(method, path, {
            ...(value !== undefined ? { authorization: value } : {}),
            ...(method === "PATCH" ? { body: { billing: "paper" } } : {}),
            headers,
          });
          expect(other.status, `${label}: ${method} ${path}`).toBe(401);
          expect(other.json).toEqual({
            error: { code: "UNAUTHORIZED", message: "Authentication required." },
          });
          expect(accessControlHeaders(other)).toEqual([]);
        }
      }
    });
  }

  it("the refused PATCHes changed nothing", async () => {
    expect((await storedProfile(alice)).billing).toBe("electronic");
  });
});

describe("GET /v1/me/bills", () => {
  it("the owner's bills, newest first, amounts as strings with two decimals", async () => {
    const res = await call("GET", "/v1/me/bills", { token: a.tokens.id });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      bills: [
        {
          billId: `B-2026-11-${alice}`,
          billingDate: "2026-11-20",
          dueDate: "2026-12-11",
          amountDue: "84.37",
          balance: "84.37",
          availableOn: "2026-11-23",
        },
        {
          billId: `B-2026-10-${alice}`,
          billingDate: "2026-10-20",
          dueDate: "2026-11-10",
          amountDue: "84.37",
          balance: "-12.50",
          availableOn: "2026-10-23",
        },
        {
          billId: `B-2026-09-${alice}`,
          billingDate: "2026-09-20",
          dueDate: "2026-10-11",
          amountDue: "80.00",
          balance: "0.00",
          availableOn: "2026-09-23",
        },
      ],
      next: null,
    });
  });

  it("another customer's token lists only that customer's bills", async () => {
    const res = await call("GET", "/v1/me/bills", { token: b.tokens.access });
    expect(res.status).toBe(200);
    expect((res.json.bills as { billId: string }[]).map((bill) => bill.billId)).toEqual([`B-2026-11-${bob}`]);
  });

  it("an empty list for a customer without bills", async () => {
    const res = await call("GET", "/v1/me/bills", { token: c.tokens.id });
    expect(res).toMatchObject({ status: 200, json: { bills: [], next: null } });
  });
});

describe("GET /v1/me/bills, page by page (dates relative to today in Toronto)", () => {
  const dave = "9600060";
  const erin = "9600070";
  let d: Customer;
  let e: Customer;
  const today = dateInTimeZone(new Date());
  const row = (customerNumber: string, billId: string, billingDate: string) =>
    `${billId},${customerNumber},${billingDate},${addDays(billingDate, 21)},10.00,10.00,sample.pdf`;
  /** Billed k months ago: available, whatever the notice delay (a few days). */
  const monthly = (customerNumber: string, k: number) =>
    row(customerNumber, `B-M${String(k).padStart(2, "0")}-${customerNumber}`, addDays(today, -30 * k));
  /** Billed today: its notice, and so its display, is days away. */
  const billedToday = (customerNumber: string, i: number) =>
    row(customerNumber, `B-T${String(i).padStart(2, "0")}-${customerNumber}`, today);

  async function pages(token: string): Promise<{ bills: { billId: string; availableOn: string }[] }[]> {
    const out: { bills: { billId: string; availableOn: string }[] }[] = [];
    let next: unknown = null;
    do {
      const query = typeof next === "string" ? `?next=${encodeURIComponent(next)}` : "";
      const res = await call("GET", `/v1/me/bills${query}`, { token });
      expect(res.status).toBe(200);
      out.push(res.json as { bills: { billId: string; availableOn: string }[] });
      next = res.json.next;
      expect(next === null || typeof next === "string").toBe(true);
    } while (next !== null && out.length < 10);
    return out;
  }

  beforeAll(async () => {
    [d, e] = await Promise.all([enrolledCustomer(dave), enrolledCustomer(erin)]);
    await world.importRows(
      "bills",
      "billId,customerNumber,billingDate,dueDate,amountDue,balance,documentKey",
      [
        // Dave: 60 available bills and two not yet available, newest of all.
        ...Array.from({ length: 60 }, (_, i) => monthly(dave, i + 1)),
        billedToday(dave, 1),
        row(dave, `B-Y-${dave}`, addDays(today, -1)),
        // Erin: 30 not yet available in a row before 30 available: more than one Query's worth.
        ...Array.from({ length: 30 }, (_, i) => billedToday(erin, i + 1)),
        ...Array.from({ length: 30 }, (_, i) => monthly(erin, i + 1)),
      ],
    );
  }, 60_000);

  it("60 available bills: 24, 24 and 12, newest first, none missing or twice, next null at the end", async () => {
    const all = await pages(d.tokens.id);
    expect(all.map((p) => p.bills.length)).toEqual([24, 24, 12]);
    const ids = all.flatMap((p) => p.bills.map((b) => b.billId));
    expect(ids).toEqual(Array.from({ length: 60 }, (_, i) => `B-M${String(i + 1).padStart(2, "0")}-${dave}`));
    expect(all.flatMap((p) => p.bills).every((b) => b.availableOn <= today)).toBe(true);
  });

  it("a bill not yet available is in no page, and its id is a 404 until then", async () => {
    const ids = (await pages(d.tokens.access)).flatMap((p) => p.bills.map((b) => b.billId));
    expect(ids).not.toContain(`B-T01-${dave}`);
    expect(ids).not.toContain(`B-Y-${dave}`);
    for (const billId of [`B-T01-${dave}`, `B-Y-${dave}`]) {
      const res = await call("GET", `/v1/me/bills/${billId}`, { token: d.tokens.id });
      expect(res.status, billId).toBe(404);
      expect(errorCode(res)).toBe("NOT_FOUND");
      expect(res.json).not.toHaveProperty("documentUrl");
    }
    expect((await call("GET", `/v1/me/bills/B-M01-${dave}`, { token: d.tokens.id })).status).toBe(200);
  });

  it("30 bills not yet available ahead of 30 available: full pages all the same (24, then 6)", async () => {
    const all = await pages(e.tokens.id);
    expect(all.map((p) => p.bills.length)).toEqual([24, 6]);
    expect(all.flatMap((p) => p.bills.map((b) => b.billId))).toEqual(
      Array.from({ length: 30 }, (_, i) => `B-M${String(i + 1).padStart(2, "0")}-${erin}`),
    );
  });

  it("400 VALIDATION_FAILED for an altered cursor, another customer's, or one that is no cursor", async () => {
    const first = await call("GET", "/v1/me/bills", { token: d.tokens.id });
    const cursor = first.json.next as string;
    const flip = (at: number) =>
      `${cursor.slice(0, at)}${cursor[at] === "A" ? "B" : "A"}${cursor.slice(at + 1)}`;
    for (const next of [
      flip(0),
      flip(Math.floor(cursor.length / 2)),
      flip(cursor.length - 1),
      "x",
      "a".repeat(300),
      "%00",
    ]) {
      const res = await call("GET", `/v1/me/bills?next=${encodeURIComponent(next)}`, {
        token: d.tokens.id,
        headers: { "Accept-Language": "en" },
      });
      expect(res.status, next).toBe(400);
      expect(res.json).toEqual({
        error: {
          code: "VALIDATION_FAILED",
          message: "Some fields are invalid.",
          fields: [{ field: "next", code: "INVALID_FORMAT" }],
        },
      });
    }
    // Dave's cursor in Erin's hands: refused, and no bill of either comes back.
    for (const token of [e.tokens.id, e.tokens.access, a.tokens.id]) {
      const res = await call("GET", `/v1/me/bills?next=${cursor}`, { token });
      expect(res.status).toBe(400);
      expect(res.json).not.toHaveProperty("bills");
      expect(JSON.stringify(res.json)).not.toContain(dave);
    }
    // The genuine cursor still works for its owner.
    expect((await call("GET", `/v1/me/bills?next=${cursor}`, { token: d.tokens.id })).status).toBe(200);
  });
});

describe("GET /v1/me/bills/{billId}", () => {
  it("the owner's bill with a documentUrl valid 5 minutes, and without one where there is no document", async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await call("GET", `/v1/me/bills/B-2026-11-${alice}`, { token: a.tokens.access });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      billId: `B-2026-11-${alice}`,
      amountDue: "84.37",
      documentUrl: expect.stringMatching(
        /^http:\/\/127\.0\.0\.1:\d+\/local\/documents\/sample\.pdf\?expires=\d+&signature=/,
      ),
    });
    const expires = Number(new URL(res.json.documentUrl as string).searchParams.get("expires"));
    expect(expires - before).toBeGreaterThanOrEqual(299);
    expect(expires - before).toBeLessThanOrEqual(302);

    const plain = await call("GET", `/v1/me/bills/B-2026-10-${alice}`, { token: a.tokens.access });
    expect(plain.status).toBe(200);
    expect(plain.json).not.toHaveProperty("documentUrl");
    expect(plain.json.balance).toBe("-12.50");
  });

  it("404 for another customer's bill, an unknown id or a malformed one", async () => {
    for (const [token, billId] of [
      [b.tokens.id, `B-2026-11-${alice}`],
      [a.tokens.id, `B-2026-11-${bob}`],
      [a.tokens.id, "B-1999-01-0000000"],
      [a.tokens.id, "..%2F..%2Fetc"],
      [a.tokens.id, "x".repeat(300)],
    ] as const) {
      const res = await call("GET", `/v1/me/bills/${billId}`, { token });
      expect(res.status, billId).toBe(404);
      expect(errorCode(res)).toBe("NOT_FOUND");
    }
  });
});

describe("documentUrl locally", () => {
  async function link(): Promise<string> {
    const res = await call("GET", `/v1/me/bills/B-2026-11-${alice}`, { token: a.tokens.id });
    return res.json.documentUrl as string;
  }

  it("serves the PDF within its 5 minutes", async () => {
    const res = await fetch(await link());
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.subarray(0, 5).toString()).toBe("%PDF-");
  });

  it("403 in the contract's shape for a tampered signature, another key, or an expired link", async () => {
    const url = new URL(await link());
    const tampered = new URL(url);
    const signature = url.searchParams.get("signature") as string;
    tampered.searchParams.set("signature", `${signature.slice(0, -1)}${signature.endsWith("A") ? "B" : "A"}`);
    const otherKey = new URL(url);
    otherKey.pathname = "/local/documents/other.pdf";
    const later = new URL(url);
    later.searchParams.set("expires", String(Number(url.searchParams.get("expires")) + 3600));
    // Signed with the right key, but 10 minutes ago: expired 5 minutes ago.
    const expired = await localDocumentLinks({
      baseUrl: api.url,
      secret: readLocalDocumentsKey(environment[localEnv.documentsKeyFile] as string),
      now: () => new Date(Date.now() - 10 * 60 * 1000),
    }).urlFor("sample.pdf");
    for (const target of [tampered.href, otherKey.href, later.href, expired]) {
      const res = await fetch(target);
      expect(res.status, target).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("FORBIDDEN");
    }
    const unsigned = await fetch(`${api.url}/local/documents/sample.pdf`);
    expect(unsigned.status).toBe(403);
  });
});

describe("GET /v1/me/contract", () => {
  it("the owner's contract, prices as strings, with a documentUrl", async () => {
    const res = await call("GET", "/v1/me/contract", { token: a.tokens.id });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      contractId: `C-${alice}`,
      startDate: "2024-03-01",
      endDate: null,
      services: [
        { name: "Internet 120", monthlyPrice: "55.00" },
        { name: "Télé de base", monthlyPrice: "32.50" },
      ],
      documentUrl: expect.stringContaining("/local/documents/sample.pdf?expires="),
    });
  });

  it("another customer's token gives that customer's contract", async () => {
    const res = await call("GET", "/v1/me/contract", { token: b.tokens.id });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      contractId: `C-${bob}`,
      startDate: "2023-09-15",
      endDate: "2026-09-14",
      services: [{ name: "Internet 60", monthlyPrice: "45.00" }],
    });
  });

  it("404 when the customer has no contract", async () => {
    const res = await call("GET", "/v1/me/contract", { token: c.tokens.access });
    expect(res.status).toBe(404);
    expect(errorCode(res)).toBe("NOT_FOUND");
  });
});

describe("PATCH /v1/me", () => {
  it("400 for any field but billing and language, and for a value outside their choices", async () => {
    const unknown = await call("PATCH", "/v1/me", {
      token: b.tokens.id,
      body: { billing: "paper", email: "someone@example.com", customerNumber: alice },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toMatchObject({
      code: "VALIDATION_FAILED",
      fields: expect.arrayContaining([
        { field: "email", code: "UNKNOWN_FIELD" },
        { field: "customerNumber", code: "UNKNOWN_FIELD" },
      ]),
    });
    const wrong = await call("PATCH", "/v1/me", {
      token: b.tokens.id,
      body: { billing: "fax", language: "de" },
    });
    expect(wrong.status).toBe(400);
    expect((wrong.json.error as { fields: unknown[] }).fields).toEqual(
      expect.arrayContaining([
        { field: "billing", code: "INVALID_FORMAT" },
        { field: "language", code: "INVALID_FORMAT" },
      ]),
    );
    expect((await call("PATCH", "/v1/me", { token: b.tokens.id, body: "{", headers: {} })).status).toBe(400);
    const noJson = await call("PATCH", "/v1/me", {
      token: b.tokens.id,
      body: "billing=paper",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(noJson.status).toBe(415);
    expect((await storedProfile(bob)).billing).toBe("electronic");
  });

  it("paper stops, electronic resumes from now: electronicSince moves only on the switch back", async () => {
    const activated = await storedProfile(bob);
    expect(activated.electronicSince).toBe(activated.activatedAt);

    const paper = await call("PATCH", "/v1/me", { token: b.tokens.access, body: { billing: "paper" } });
    expect(paper.status).toBe(200);
    expect(paper.json).toMatchObject({ customerNumber: bob, billing: "paper", status: "ACTIVE" });
    const afterPaper = await storedProfile(bob);
    expect(afterPaper.billing).toBe("paper");
    expect(afterPaper.electronicSince).toBe(activated.electronicSince);
    expect(
      (await call("PATCH", "/v1/me", { token: b.tokens.access, body: { billing: "paper" } })).status,
    ).toBe(200);

    const before = new Date().toISOString();
    const electronic = await call("PATCH", "/v1/me", { token: b.tokens.id, body: { billing: "electronic" } });
    expect(electronic.status).toBe(200);
    expect(electronic.json.billing).toBe("electronic");
    const afterElectronic = await storedProfile(bob);
    expect(afterElectronic.billing).toBe("electronic");
    expect((afterElectronic.electronicSince as string) >= before).toBe(true);
    expect(afterElectronic.activatedAt).toBe(activated.activatedAt);

    // The same request again changes nothing.
    expect(
      (await call("PATCH", "/v1/me", { token: b.tokens.id, body: { billing: "electronic" } })).status,
    ).toBe(200);
    expect((await storedProfile(bob)).electronicSince).toBe(afterElectronic.electronicSince);
  });

  it("changes the language, and an empty body changes nothing", async () => {
    const en = await call("PATCH", "/v1/me", { token: b.tokens.id, body: { language: "en" } });
    expect(en).toMatchObject({ status: 200, json: { language: "en", billing: "electronic" } });
    expect((await call("GET", "/v1/me", { token: b.tokens.id })).json.language).toBe("en");
    expect(await localeOf(b.email)).toBe("en-CA");
    const empty = await call("PATCH", "/v1/me", { token: b.tokens.id, body: {} });
    expect(empty).toMatchObject({ status: 200, json: { language: "en" } });
    expect(
      (await call("PATCH", "/v1/me", { token: b.tokens.id, body: { language: "fr" } })).json.language,
    ).toBe("fr");
    expect(await localeOf(b.email)).toBe("fr-CA");
  });

  it("the language becomes the Cognito user's locale, so that Cognito's own e-mails follow it", async () => {
    expect(await localeOf(a.email)).toBe("fr-CA");
    const en = await call("PATCH", "/v1/me", { token: a.tokens.access, body: { language: "en" } });
    expect(en.status).toBe(200);
    expect(await localeOf(a.email)).toBe("en-CA");
    // Billing alone leaves it; the same language again keeps it.
    await call("PATCH", "/v1/me", { token: a.tokens.access, body: { billing: "electronic" } });
    expect((await call("PATCH", "/v1/me", { token: a.tokens.id, body: { language: "en" } })).status).toBe(
      200,
    );
    expect(await localeOf(a.email)).toBe("en-CA");
    expect((await call("PATCH", "/v1/me", { token: a.tokens.id, body: { language: "fr" } })).status).toBe(
      200,
    );
    expect(await localeOf(a.email)).toBe("fr-CA");
  });
});

describe("custom:customerNumber", () => {
  it("cannot be changed by the customer through Cognito, and their tokens keep their own number", async () => {
    await expect(
      cognito.send(
        new UpdateUserAttributesCommand({
          AccessToken: a.tokens.access,
          UserAttributes: [{ Name: CUSTOMER_NUMBER_CLAIM, Value: bob }],
        }),
      ),
    ).rejects.toMatchObject({ name: "InvalidParameterException" });
    const fresh = await signIn(a.email);
    expect(claimsOf(fresh.id)[CUSTOMER_NUMBER_CLAIM]).toBe(alice);
    const res = await call("GET", "/v1/me/bills", { token: fresh.id });
    expect((res.json.bills as { billId: string }[]).every((bill) => bill.billId.endsWith(alice))).toBe(true);
  });
});
