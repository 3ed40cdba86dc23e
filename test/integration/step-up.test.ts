import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { env } from "../../lambdas/definitions/environment";
import { securityTable, tableName } from "../../lambdas/definitions/tables";
import { ensureTables } from "../../local/provision";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../local/settings";
import { stepUpQueueDrained } from "../../local/step-up-queue";
import { apiWorld } from "../support/api-client";
import { startLocalApi } from "../support/local-api";

/**
 * Step-up on the local stack, reached by real HTTP traffic (contract §4 v2): a budget of 20 failed
 * verifications an hour, in a security table of this file's own so that other files' failures do
 * not count. Customer numbers of this file: 93xxxxx.
 */
const BUDGET = 20;
const { endpoints } = inject("localStack");
const PREFIX = `step-up-it-${process.pid}`;
let api: { url: string; close(): Promise<void> };
const world = apiWorld(() => api.url);
const OWNER = "9300001";
const NO_CONTACT = "9300002";
const contact = (n: string) => `contact.${n}@step-up-it.example`;

beforeAll(async () => {
  const raw = new DynamoDBClient({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint: endpoints.dynamodb,
  });
  await ensureTables(raw, PREFIX);
  raw.destroy();
  api = await startLocalApi({
    [securityTable.envVar]: tableName(PREFIX, securityTable),
    [env.verifyGlobalFailuresPerHour]: String(BUDGET),
  });
  await world.seedAccount(OWNER, { contactEmail: contact(OWNER) });
  await world.seedAccount(NO_CONTACT, { contactEmail: "" });
});
afterAll(async () => {
  await api.close();
  world.close();
});

/** What must be identical between step-up answers: status, header names, body shape. */
function shape(res: { status: number; headers: Headers; json: Record<string, unknown> }) {
  const headers = [...res.headers.keys()].filter((h) => !["date", "content-length"].includes(h)).sort();
  return { status: res.status, headers, keys: Object.keys(res.json).sort() };
}

async function codeSentTo(address: string): Promise<string | undefined> {
  await stepUpQueueDrained();
  const store = (await (await fetch(`${endpoints.ses}/store`)).json()) as {
    emails: { destination: { to: string[] }; body: { text: string } }[];
  };
  const mails = store.emails.filter((m) => m.destination.to.includes(address));
  return /\b(\d{6})\b/.exec(mails.at(-1)?.body.text ?? "")?.[1];
}

describe("step-up under attack", () => {
  it("starts after the budget's failures, answers right, wrong and unknown alike, and the code enrolls", async () => {
    // Bounded guessing over many customer numbers (unknown ones: they fail and lock alike).
    const statuses: number[] = [];
    for (let i = 0; i < 300 && statuses.at(-1) !== 202; i++) {
      statuses.push((await world.verifyBill(String(9310000 + i), "13579")).status);
    }
    expect(statuses.slice(0, BUDGET)).toEqual(Array(BUDGET).fill(403));
    expect(statuses.at(-1)).toBe(202);
    // At most one failure past the budget on one instance (the count is read after each failure).
    expect(statuses.length).toBeLessThanOrEqual(BUDGET + 1);

    const right = await world.verifyBill(OWNER, "24680");
    const wrong = await world.verifyBill(OWNER, "11111");
    const unknown = await world.verifyBill("9399999", "24680");
    expect(shape(right)).toEqual(shape(wrong));
    expect(shape(unknown)).toEqual(shape(right));
    expect(shape(right)).toMatchObject({ status: 202, keys: ["challengeId", "expiresAt"] });

    // Only the matched challenge's code is sent, to the contact address on file.
    const code = await codeSentTo(contact(OWNER));
    expect(code).toMatch(/^\d{6}$/);
    const answer = (challengeId: unknown, c: string) =>
      world.post(`/v1/enrollment/verifications/${challengeId}/code`, { code: c });
    const failed = await answer(wrong.json.challengeId, code as string);
    expect(failed.status).toBe(403);
    expect(await answer(unknown.json.challengeId, code as string)).toMatchObject({
      status: 403,
      text: failed.text,
    });

    const ok = await answer(right.json.challengeId, code as string);
    expect(ok.status).toBe(200);
    const enrolled = await world.enroll(
      ok.json.verificationToken as string,
      `owner.${OWNER}@step-up-it.example`,
    );
    expect(enrolled.status).toBe(201);
    const [link] = await world.confirmationTokensSentTo(`owner.${OWNER}@step-up-it.example`);
    expect((await world.confirm(link as string)).status).toBe(200);
    // Single use.
    expect((await answer(right.json.challengeId, code as string)).status).toBe(403);
  });

  it("a challenge dies after 3 wrong codes; an account with no contact e-mail gets no code", async () => {
    const challenge = await world.verifyBill(NO_CONTACT, "24680");
    expect(challenge.status).toBe(202);
    await stepUpQueueDrained();
    for (let i = 0; i < 3; i++) {
      const res = await world.post(`/v1/enrollment/verifications/${challenge.json.challengeId}/code`, {
        code: String(100000 + i),
      });
      expect(res.status).toBe(403);
    }
    expect(await codeSentTo(contact(NO_CONTACT))).toBeUndefined();
  });

  it("a malformed code is a 400, a malformed challenge id the same 403", async () => {
    const bad = await world.post("/v1/enrollment/verifications/abc/code", { code: "12" });
    expect(bad.status).toBe(400);
    const res = await world.post("/v1/enrollment/verifications/not-a-challenge/code", { code: "123456" });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ error: { code: "VERIFICATION_FAILED" } });
  });
});
