import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { DOCUMENTS_BUCKET_ENV } from "../../lambdas/definitions/documents";
import { addDays, dateInTimeZone } from "../../lambdas/domain/dates";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../local/settings";
import { apiWorld } from "../support/api-client";
import { startLocalApi } from "../support/local-api";
import { tempFiles } from "../support/temp-files";

/**
 * A presigned document link carries the function role's session token in its query string. S3's
 * server access logs record it (kept on purpose, lib/stacks/stateful-stack.ts); no other log may.
 * The bill and contract routes run here with the real S3 presigner, signing with a session token as
 * a Lambda role does, and with the most talkative logging an operator can set (DEBUG, and Powertools'
 * POWERTOOLS_LOGGER_LOG_EVENT): nothing they write may hold a link, its signature or its token, nor
 * the bearer token of the request. (API Gateway's own logs: test/infra/stateless-stack.test.ts.)
 */
const SESSION_TOKEN = "IQoJb3JpZ2luX2VjEDocumentLinkSessionToken0123456789";
const written: string[] = [];
let api: { url: string; close(): Promise<void> };
const world = apiWorld(() => api.url);
const files = tempFiles("no-document-links-in-logs");
const { endpoints } = inject("localStack");
const customerNumber = "9600110";
const email = `liens.${customerNumber}@example.com`;
const PASSWORD = "un mot de passe sûr";

beforeAll(async () => {
  // Before the handlers are imported in this worker: their logger reads its settings once.
  process.env.POWERTOOLS_LOG_LEVEL = "DEBUG";
  process.env.POWERTOOLS_LOGGER_LOG_EVENT = "true";
  const capture = (stream: NodeJS.WriteStream) => {
    const original = stream.write.bind(stream);
    vi.spyOn(stream, "write").mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
      written.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      return (original as (c: unknown, ...r: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write);
  };
  capture(process.stdout);
  capture(process.stderr);
  // The documents bucket as on AWS: the functions presign S3 links (no call is made to S3). Metrics on,
  // as on AWS, for their EMF lines are logs too.
  api = await startLocalApi({
    [DOCUMENTS_BUCKET_ENV]: "enrollment-test-documents",
    AWS_SESSION_TOKEN: SESSION_TOKEN,
    POWERTOOLS_METRICS_DISABLED: "false",
  });
}, 60_000);

afterAll(async () => {
  vi.restoreAllMocks();
  delete process.env.POWERTOOLS_LOGGER_LOG_EVENT;
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env[DOCUMENTS_BUCKET_ENV];
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
  await api.close();
  world.close();
  files.cleanup();
});

async function get(path: string, token: string) {
  const res = await fetch(`${api.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe("document links", () => {
  it("are in the responses of the bill and contract routes, and in no log line", async () => {
    await world.seedAccount(customerNumber);
    const verified = await world.verifyBill(customerNumber);
    const enrolled = await world.enroll(verified.json.verificationToken as string, email, PASSWORD);
    expect(enrolled.status).toBe(201);
    const [link] = await world.confirmationTokensSentTo(email);
    expect((await world.confirm(link as string)).status).toBe(200);
    const billingDate = addDays(dateInTimeZone(new Date()), -30);
    await world.importRows(
      "bills",
      "billId,customerNumber,billingDate,dueDate,amountDue,balance,documentKey",
      [
        `B-L-${customerNumber},${customerNumber},${billingDate},${addDays(billingDate, 21)},84.37,84.37,bills/B-L.pdf`,
      ],
    );
    await world.importRows("contracts", "contractId,customerNumber,startDate,endDate,services,documentKey", [
      `C-L-${customerNumber},${customerNumber},2024-03-01,,Internet 120:55.00,contracts/C-L.pdf`,
    ]);
    const cognito = new CognitoIdentityProviderClient({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoint: endpoints.cognito.endpoint,
    });
    const signedIn = await cognito.send(
      new InitiateAuthCommand({
        AuthFlow: "USER_PASSWORD_AUTH",
        ClientId: endpoints.cognito.clientId,
        AuthParameters: { USERNAME: email, PASSWORD },
      }),
    );
    cognito.destroy();
    const token = signedIn.AuthenticationResult?.AccessToken as string;

    written.length = 0;
    const list = await get("/v1/me/bills", token);
    const bill = await get(`/v1/me/bills/B-L-${customerNumber}`, token);
    const contract = await get("/v1/me/contract", token);
    const missing = await get("/v1/me/bills/B-none", token);
    const badCursor = await get("/v1/me/bills?next=bm9wZQ", token);
    expect([list.status, bill.status, contract.status, missing.status, badCursor.status]).toEqual([
      200, 200, 200, 404, 400,
    ]);

    const urls = [bill.json.documentUrl, contract.json.documentUrl] as string[];
    for (const url of urls) {
      // The links are what an S3 presigned GET with a role's credentials is.
      const params = new URL(url).searchParams;
      expect(params.get("X-Amz-Security-Token")).toBe(SESSION_TOKEN);
      expect(params.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
    }

    const logs = written.join("");
    // The capture works: the routes did write (their metrics).
    expect(logs).toContain("BillDocumentLinked");
    expect(logs).toContain("ContractViewed");
    const forbidden = [
      "documentUrl",
      "X-Amz-Security-Token",
      "X-Amz-Signature",
      "X-Amz-Credential",
      SESSION_TOKEN,
      encodeURIComponent(SESSION_TOKEN),
      token,
      ...urls,
      ...urls.map((url) => new URL(url).searchParams.get("X-Amz-Signature") as string),
    ];
    for (const secret of forbidden) {
      expect(logs, `a log line contains ${secret.slice(0, 40)}`).not.toContain(secret);
    }
  });
});
