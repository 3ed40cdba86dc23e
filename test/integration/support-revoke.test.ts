import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { customerAuthorizer } from "../../lambdas/adapters/customer-authorizer";
import { createDocumentClient } from "../../lambdas/adapters/dynamodb";
import { attemptLimiter } from "../../lambdas/adapters/security-store";
import { securityTable, tableName } from "../../lambdas/definitions/tables";
import { LOCAL_CREDENTIALS, LOCAL_PREFIX, LOCAL_REGION } from "../../local/settings";
import { apiWorld } from "../support/api-client";
import { startLocalApi } from "../support/local-api";
import { runCli } from "../support/run-cli";
import { signedInCustomers } from "../support/signed-in-customer";
import { tempFiles } from "../support/temp-files";

/**
 * `npm run support -- revoke` on the emulators, after a real enrollment through the API.
 * Customer numbers of this file: 9001xxx.
 */
const { endpoints } = inject("localStack");
let api: Awaited<ReturnType<typeof startLocalApi>>;
const world = apiWorld(() => api.url);
const customers = signedInCustomers(world, () => api.url);
const files = tempFiles("support-revoke");
writeFileSync(join(files.dir, "endpoints.json"), JSON.stringify(endpoints));
const raw = new DynamoDBClient({
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
  endpoint: endpoints.dynamodb,
});
const limiter = attemptLimiter(createDocumentClient(raw), tableName(LOCAL_PREFIX, securityTable), {
  maxFailures: 5,
  windowSeconds: 900,
  lockoutSeconds: 900,
  dailyMaxFailures: 10,
});

beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(async () => {
  await api.close();
  world.close();
  customers.close();
  raw.destroy();
  files.cleanup();
});

/**
 * The CLI in a child process, without blocking this worker: the local API runs in it, and an event
 * loop held by spawnSync lets its keep-alive sockets time out under the next request (ECONNRESET).
 */
const support = (args: string[]) => runCli("local/support/cli.ts", args, files.dir);

const SUBJECT_FR = "Votre profil Services en ligne a été retiré";

describe("npm run support -- revoke", () => {
  it("deletes the user, refuses its tokens, clears the lockout, tells both addresses, and the owner enrolls afresh", async () => {
    const customer = "9001001";
    const enrolled = "intrus.9001001@example.com";
    const contact = "proprietaire.9001001@example.com";
    await world.seedAccount(customer, { contactEmail: contact });
    await customers.enrollAndConfirm(customer, enrolled);
    const tokens = await customers.signIn(enrolled);
    expect((await customers.call("GET", "/v1/me", tokens.id)).status).toBe(200);
    // The real owner tried and got locked out meanwhile.
    for (let i = 0; i < 5; i++) {
      const reserved = await limiter.reserve(customer, new Date());
      if (!reserved.allowed) throw new Error("refused before the lockout");
      await limiter.recordFailure(customer, reserved, new Date());
    }
    expect((await world.verifyBill(customer)).status).toBe(429);

    const revoked = await support(["revoke", customer]);
    expect(revoked.stderr).toBe("");
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`${customer}: profile revoked`);
    expect(revoked.stdout).toContain("told i•••@example.com and p•••@example.com");
    expect(revoked.stdout).not.toContain(enrolled);

    expect(await world.usersOf(customer)).toEqual([]);
    // The local API remembered its allow of that token: the handler refuses anyway (not ACTIVE)...
    for (const token of [tokens.id, tokens.access]) {
      expect([401, 403]).toContain((await customers.call("GET", "/v1/me", token)).status);
    }
    // ...and an authorizer deciding afresh refuses both at once (401: the user is gone, and the
    // sign-out mark would refuse them even before the deletion).
    const fresh = customerAuthorizer();
    for (const token of [tokens.id, tokens.access]) {
      expect((await fresh.authorize(`Bearer ${token}`)).outcome).toBe("unauthorized");
    }
    expect(await customers.profile(customer)).toMatchObject({ billing: "paper", removalReason: "revoked" });
    const stored = await customers.profile(customer);
    for (const gone of ["status", "email", "confirmationTokenHash", "electronicSince"])
      expect(stored).not.toHaveProperty(gone);

    for (const to of [enrolled, contact]) {
      const mails = (await world.mailsTo(to)).filter((m) => m.subject === SUBJECT_FR);
      expect(mails, to).toHaveLength(1);
      expect(mails[0]?.text).toContain("i•••@example.com");
      expect(mails[0]?.text).toContain("1 800 567-6353");
    }

    // Verification starts afresh (no lockout), and the owner enrolls with their own address.
    await customers.enrollAndConfirm(customer, contact);
    expect(await world.usersOf(customer)).toEqual([contact]);
    // Tokens carry their sign-in time in whole seconds, and one of the revoke's second is refused
    // (it cannot be told from one made before the mark): the owner signs in in a later second.
    await new Promise((done) => setTimeout(done, 1100));
    const owner = await customers.signIn(contact);
    expect((await customers.call("GET", "/v1/me", owner.id)).json).toMatchObject({
      email: contact,
      status: "ACTIVE",
    });

    const status = JSON.parse((await support(["status", customer, "--json"])).stdout);
    expect(status.events).toContainEqual(
      expect.objectContaining({ kind: "support", action: "revoke", outcome: "done" }),
    );
    expect(status.events.find((e: { action?: string }) => e.action === "revoke").actor as string).toMatch(
      /^local:/,
    );
  });

  it("a repeat (or an account that never enrolled) is exit 0, tells nobody, with a stable --json shape", async () => {
    const customer = "9001002";
    await world.seedAccount(customer, { contactEmail: "contact.9001002@example.com" });
    const first = await support(["revoke", customer, "--json"]);
    expect(first.code).toBe(0);
    const body = JSON.parse(first.stdout);
    expect(Object.keys(body)).toEqual(["ok", "command", "customerNumber", "revoked", "removed", "told"]);
    expect(body).toEqual({
      ok: true,
      command: "revoke",
      customerNumber: customer,
      revoked: true,
      removed: false,
      told: [],
    });
    expect((await support(["revoke", customer])).stdout).toContain("no online profile to revoke");
    expect(await world.mailsTo("contact.9001002@example.com")).toEqual([]);
  });

  it("an unknown customer number is exit 1", async () => {
    const out = await support(["revoke", "9001999", "--json"]);
    expect(out.code).toBe(1);
    expect(JSON.parse(out.stdout)).toMatchObject({ ok: false, command: "revoke", error: "UNKNOWN_CUSTOMER" });
  });
});
