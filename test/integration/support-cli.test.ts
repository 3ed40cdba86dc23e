import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { accountEvents } from "../../lambdas/adapters/account-events";
import { createDocumentClient } from "../../lambdas/adapters/dynamodb";
import { attemptLimiter } from "../../lambdas/adapters/security-store";
import { accountEventsTable, securityTable, tableName } from "../../lambdas/definitions/tables";
import { LOCAL_CREDENTIALS, LOCAL_PREFIX, LOCAL_REGION } from "../../local/settings";
import { apiWorld } from "../support/api-client";
import { startLocalApi } from "../support/local-api";
import { runCli } from "../support/run-cli";
import { tempFiles } from "../support/temp-files";

/**
 * `npm run support` as an agent runs it, against the emulators through a .local folder of its own.
 * Customer numbers of this file: 91xxxxx.
 */
const { endpoints } = inject("localStack");
let api: Awaited<ReturnType<typeof startLocalApi>>;
const world = apiWorld(() => api.url);
beforeAll(async () => {
  api = await startLocalApi();
});
const files = tempFiles("support-cli");
writeFileSync(join(files.dir, "endpoints.json"), JSON.stringify(endpoints));
const raw = new DynamoDBClient({
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
  endpoint: endpoints.dynamodb,
});
const client = createDocumentClient(raw);
const limiter = attemptLimiter(client, tableName(LOCAL_PREFIX, securityTable), {
  maxFailures: 5,
  windowSeconds: 900,
  lockoutSeconds: 900,
  dailyMaxFailures: 10,
});
const events = accountEvents(client, tableName(LOCAL_PREFIX, accountEventsTable));
afterAll(async () => {
  await api.close();
  raw.destroy();
  files.cleanup();
});

const support = (args: string[], localDir = files.dir) => runCli("local/support/cli.ts", args, localDir);

async function lockOut(customer: string) {
  const now = new Date();
  for (let i = 0; i < 5; i++) {
    const reserved = await limiter.reserve(customer, now);
    if (!reserved.allowed) throw new Error("refused before the lockout");
    await limiter.recordFailure(customer, reserved, now);
  }
}

describe("npm run support", () => {
  it("status of an account that is not enrolled: one screen, no secret, and the lookup recorded (exit 0)", async () => {
    await world.seedAccount("9100001", { accessCode: "13579", phone: "5145550199" });
    await events.record("9100001", {
      kind: "verification",
      at: new Date(Date.now() - 60_000).toISOString(),
      outcome: "failed",
      method: "bill",
      sourceIp: "203.0.113.x",
    });
    const { code, stdout, stderr } = await support(["status", "9100001"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain("Customer 9100001");
    expect(stdout).toContain("Enrollment      not enrolled");
    expect(stdout).toContain("Billing         paper");
    expect(stdout).toMatch(/Verification {4}0 failures in the last 15 minutes, 0 in 24 hours; not blocked/);
    expect(stdout).toMatch(/verification {2}failed +bill +203\.0\.113\.x/);
    expect(stdout).toMatch(/support {7}status done +by local:/);
    for (const secret of ["13579", "5145550199", "84.37", "J4K1A1"]) expect(stdout).not.toContain(secret);
  });

  it("--json gives the same facts in a stable shape", async () => {
    await world.seedAccount("9100002");
    const { code, stdout } = await support(["status", "9100002", "--json"]);
    expect(code).toBe(0);
    const body = JSON.parse(stdout);
    expect(Object.keys(body)).toEqual([
      "ok",
      "command",
      "customerNumber",
      "account",
      "enrollment",
      "billing",
      "deliverability",
      "verification",
      "stage",
      "events",
    ]);
    expect(body).toMatchObject({
      ok: true,
      command: "status",
      customerNumber: "9100002",
      account: { closed: false, language: "fr", contactEmail: false },
      enrollment: { state: "NOT_ENROLLED", email: null, since: null },
      billing: "paper",
      deliverability: { flag: null, since: null },
      verification: { failuresInWindow: 0, failuresToday: 0, blockedUntil: null, reason: null },
      stage: { stepUp: false },
    });
    expect(body.events[0]).toMatchObject({ kind: "support", action: "status", outcome: "done" });
  });

  it("unlock lifts a lockout that status shows, and both are recorded", async () => {
    await world.seedAccount("9100003");
    await lockOut("9100003");
    const before = JSON.parse((await support(["status", "9100003", "--json"])).stdout);
    expect(before.verification).toMatchObject({ failuresInWindow: 5, reason: "lockout" });
    expect(Date.parse(before.verification.blockedUntil)).toBeGreaterThan(Date.now());
    expect((await support(["status", "9100003"])).stdout).toContain("BLOCKED until");

    const unlocked = await support(["unlock", "9100003"]);
    expect(unlocked.code).toBe(0);
    expect(unlocked.stdout).toContain("9100003: failures and lockout cleared");
    const after = JSON.parse((await support(["status", "9100003", "--json"])).stdout);
    expect(after.verification).toEqual({
      failuresInWindow: 0,
      failuresToday: 0,
      blockedUntil: null,
      reason: null,
    });
    expect(after.events.map((e: { action: string }) => e.action).slice(0, 3)).toEqual([
      "status",
      "unlock",
      "status",
    ]);
    // The customer may verify again at once.
    expect((await limiter.reserve("9100003", new Date())).allowed).toBe(true);
  });

  it("shows the account's verification attempts made through the API: outcome, form, masked source", async () => {
    await world.seedAccount("9100004", { accessCode: "11223" });
    expect((await world.verifyBill("9100004", "99999")).status).toBe(403);
    expect((await world.verifyBill("9100004", "11223")).status).toBe(200);
    const { stdout } = await support(["status", "9100004", "--json"]);
    const body = JSON.parse(stdout);
    const attempts = body.events.filter((e: { kind: string }) => e.kind === "verification");
    expect(attempts.map((e: { outcome: string; method: string }) => [e.outcome, e.method])).toEqual([
      ["verified", "bill"],
      ["failed", "bill"],
    ]);
    // Locally the source is 127.0.0.1: its host part never reaches the table.
    for (const attempt of attempts) expect(attempt.sourceIp).toBe("127.0.0.x");
    expect(stdout).not.toContain("11223");
    expect(stdout).not.toContain("99999");
    // The failure that a success gives back stays counted, as the limiter counts it.
    expect(body.verification.failuresInWindow).toBe(1);
  });

  it("an unknown customer number is exit 1, with a JSON error under --json", async () => {
    const human = await support(["status", "9100999"]);
    expect(human.code).toBe(1);
    expect(human.stderr).toContain("no account 9100999");
    const json = await support(["unlock", "9100999", "--json"]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({
      ok: false,
      command: "unlock",
      error: "UNKNOWN_CUSTOMER",
      message: "no account 9100999 in the local stack",
    });
  });

  it("bad usage is exit 2 with the usage line", async () => {
    for (const args of [
      [],
      ["status"],
      ["wipe", "9100001"],
      ["status", "12345"],
      ["status", "9100001", "--force"],
    ]) {
      const { code, stdout, stderr } = await support(args);
      expect({ args, code }).toEqual({ args, code: 2 });
      expect(stdout).toBe("");
      expect(stderr).toContain(
        "usage: npm run support -- status|unlock|revoke CUSTOMER [--stage NAME] [--json]",
      );
    }
  });

  it("says what to do when the local stack is not running (exit 1)", async () => {
    const { code, stderr } = await support(["status", "9100001"], join(files.dir, "no-stack-here"));
    expect(code).toBe(1);
    expect(stderr).toContain("npm start");
  });

  it("an unknown stage is exit 1 and names the stage", async () => {
    const { code, stderr } = await support(["status", "9100001", "--stage", "moon"]);
    expect(code).toBe(1);
    expect(stderr).toContain("moon");
  });
});
