import { execFile } from "node:child_process";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { apiWorld } from "../support/api-client";
import { startLocalApi } from "../support/local-api";
import { signedInCustomers } from "../support/signed-in-customer";
import { tempFiles } from "../support/temp-files";

/**
 * `npm run import -- accounts` of an account the billing system closed, for a customer enrolled
 * through the API: the profile is revoked (contract §5), and the account reopened enrolls afresh.
 * Customer numbers of this file: 9003xxx.
 */
const { endpoints, environment } = inject("localStack");
let api: Awaited<ReturnType<typeof startLocalApi>>;
const world = apiWorld(() => api.url);
const customers = signedInCustomers(world, () => api.url);
const files = tempFiles("import-closed");
writeFileSync(join(files.dir, "endpoints.json"), JSON.stringify(endpoints));
// The stack's own pepper: the accounts imported here must verify through the API.
copyFileSync(environment.PEPPER_FILE as string, join(files.dir, "pepper"));

beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(async () => {
  await api.close();
  world.close();
  customers.close();
  files.cleanup();
});

const HEADER =
  "customerNumber,accessCode,phone,postalCode,lastDebitAmount,language,balance,fullName,contactEmail,status";
const row = (customer: string, status: string) =>
  `${customer},24680,4505551234,J4K1A1,84.37,fr,84.37,Client Test,contact.${customer}@example.com,${status}`;

/**
 * The CLI in a child process, without blocking this worker: the local API runs in it, and an event
 * loop held by spawnSync lets its keep-alive sockets time out under the next request (ECONNRESET).
 */
function importAccounts(csv: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "local/import/cli.ts", "accounts", files.write(csv)],
      { encoding: "utf8", env: { ...process.env, LOCAL_DIR: files.dir, CI: "true" }, timeout: 60_000 },
      (error, stdout, stderr) => done({ code: error ? (error.code as number) : 0, stdout, stderr }),
    );
  });
}

describe("importing a closed account", () => {
  it("revokes its profile without e-mail; re-imported active, the customer enrolls afresh", async () => {
    const customer = "9003001";
    const email = "abonne.9003001@example.com";
    await world.seedAccount(customer);
    await customers.enrollAndConfirm(customer, email);
    const tokens = await customers.signIn(email);
    expect((await customers.call("GET", "/v1/me", tokens.id)).status).toBe(200);
    const mailsBefore = (await world.mailsTo(email)).length;

    const closed = await importAccounts(
      `${HEADER}\n${row(customer, "closed")}\n${row("9003002", "closed")}\n`,
    );
    expect(closed.stderr).toBe("");
    expect(closed.stdout).toBe("imported 2, rejected 0\n");
    expect(closed.code).toBe(0);

    expect(await world.usersOf(customer)).toEqual([]);
    const profile = await customers.profile(customer);
    expect(profile).toMatchObject({ billing: "paper", removalReason: "closed" });
    expect(profile).not.toHaveProperty("status");
    expect(profile).not.toHaveProperty("email");
    // The old tokens are refused (403 where the local API still remembers its allow, else 401).
    for (const token of [tokens.id, tokens.access])
      expect([401, 403]).toContain((await customers.call("GET", "/v1/me", token)).status);
    // No notice of any kind, to the enrolled address or the contact address.
    expect(await world.mailsTo(email)).toHaveLength(mailsBefore);
    expect(await world.mailsTo(`contact.${customer}@example.com`)).toEqual([]);
    // A closed account verifies like an unknown one.
    expect((await world.verifyBill(customer)).status).toBe(403);
    // An account with no profile is simply imported closed: nothing created for it.
    expect(await customers.profile("9003002")).toBeUndefined();

    // Importing the same closed file again is harmless.
    expect((await importAccounts(`${HEADER}\n${row(customer, "closed")}\n`)).stdout).toBe(
      "imported 1, rejected 0\n",
    );

    const reopened = await importAccounts(`${HEADER}\n${row(customer, "active")}\n`);
    expect(reopened.code).toBe(0);
    await customers.enrollAndConfirm(customer, email);
    // A token of the removal's second is refused (sign-in times are whole seconds): a later one.
    await new Promise((done) => setTimeout(done, 1100));
    const again = await customers.signIn(email);
    expect((await customers.call("GET", "/v1/me", again.id)).json).toMatchObject({
      email,
      status: "ACTIVE",
      billing: "electronic",
    });
  });
});
