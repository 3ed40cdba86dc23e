import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { apiWorld } from "../support/api-client";
import { startLocalApi } from "../support/local-api";

/**
 * Runs every enrollment flow with the functions logging at DEBUG and reads everything they wrote:
 * no access code, phone, postal code, amount, password or token may appear in it.
 */
const written: string[] = [];
let api: { url: string; close(): Promise<void> };
const world = apiWorld(() => api.url);

beforeAll(async () => {
  // Before the handlers are imported in this worker: their logger reads its level once.
  process.env.POWERTOOLS_LOG_LEVEL = "DEBUG";
  const capture = (stream: NodeJS.WriteStream) => {
    const original = stream.write.bind(stream);
    vi.spyOn(stream, "write").mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
      written.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      return (original as (c: unknown, ...r: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write);
  };
  capture(process.stdout);
  capture(process.stderr);
  api = await startLocalApi();
});
afterAll(async () => {
  vi.restoreAllMocks();
  await api.close();
  world.close();
});

describe("logs", () => {
  it("carry the audit trail of every attempt and none of the secrets", async () => {
    const n = "9300011";
    const secrets = { accessCode: "86420", phone: "8195550177", postalCode: "J8Y3G5", amount: "61.27" };
    await world.seedAccount(n, {
      accessCode: secrets.accessCode,
      phone: secrets.phone,
      postalCode: secrets.postalCode,
      lastDebitAmount: secrets.amount,
    });
    const password = "Secret-Passphrase-4242";
    await world.verifyBill(n, "11111"); // a failure
    const byAccount = await world.post("/v1/enrollment/verifications", {
      method: "account",
      customerNumber: n,
      phone: "(819) 555-0177",
      postalCode: "j8y 3g5",
      lastDebitAmount: "61,27",
    });
    const verificationToken = byAccount.json.verificationToken as string;
    const email = `logs.${n}@example.com`;
    expect((await world.enroll(verificationToken, email, password)).status).toBe(201);
    const [confirmation] = await world.confirmationTokensSentTo(email);
    expect((await world.confirm(confirmation as string)).status).toBe(200);
    await world.enroll("C".repeat(43), email, password); // an invalid token

    const logs = written.join("");
    const audit = logs.split("\n").filter((line) => line.includes('"audit"'));
    expect(audit.some((l) => l.includes('"audit":"verification"') && l.includes('"outcome":"failed"'))).toBe(
      true,
    );
    expect(audit.some((l) => l.includes('"audit":"enrollment"') && l.includes('"outcome":"created"'))).toBe(
      true,
    );
    expect(audit.some((l) => l.includes('"audit":"confirmation"'))).toBe(true);
    expect(audit.every((l) => l.includes('"customer":"93****1"') || !l.includes("customer"))).toBe(true);
    for (const secret of [
      secrets.accessCode,
      secrets.phone,
      "555-0177",
      secrets.postalCode,
      "j8y 3g5",
      secrets.amount,
      "61,27",
      password,
      verificationToken,
      confirmation as string,
      n,
    ]) {
      expect(logs, `a log line contains ${secret}`).not.toContain(secret);
    }
  });
});
