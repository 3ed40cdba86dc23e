import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customerAuthorizer } from "../../lambdas/adapters/customer-authorizer";
import { apiWorld } from "../support/api-client";
import { startLocalApi } from "../support/local-api";
import { signedInCustomers } from "../support/signed-in-customer";

/**
 * DELETE /v1/me through the local API on the emulators, after a real enrollment.
 * Customer numbers of this file: 9002xxx.
 */
let api: Awaited<ReturnType<typeof startLocalApi>>;
const world = apiWorld(() => api.url);
const customers = signedInCustomers(world, () => api.url);

beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(async () => {
  await api.close();
  world.close();
  customers.close();
});

describe("DELETE /v1/me", () => {
  it("204: the user is gone, its tokens refused, paper bills, the address told; a repeat is harmless; the customer enrolls again", async () => {
    const customer = "9002001";
    const email = "ferme.9002001@example.com";
    await world.seedAccount(customer, { contactEmail: "contact.9002001@example.com" });
    await customers.enrollAndConfirm(customer, email);
    const tokens = await customers.signIn(email);
    expect((await customers.call("GET", "/v1/me", tokens.id)).json).toMatchObject({ billing: "electronic" });

    const closed = await customers.call("DELETE", "/v1/me", tokens.id);
    expect(closed.status).toBe(204);
    expect(closed.text).toBe("");

    expect(await world.usersOf(customer)).toEqual([]);
    const profile = await customers.profile(customer);
    expect(profile).toMatchObject({ billing: "paper", removalReason: "closed-by-customer" });
    for (const gone of ["status", "email", "electronicSince", "activatedAt"])
      expect(profile).not.toHaveProperty(gone);
    expect(typeof profile?.tokensRevokedAt).toBe("string");

    // The local API reuses its allow of the id token (up to 180 s): the handler refuses anyway;
    // the access token, decided afresh, is refused by the authorizer.
    expect((await customers.call("GET", "/v1/me", tokens.id)).status).toBe(403);
    expect((await customers.call("GET", "/v1/me", tokens.access)).status).toBe(401);
    const fresh = customerAuthorizer();
    expect((await fresh.authorize(`Bearer ${tokens.id}`)).outcome).toBe("unauthorized");

    // A repeat with the same token: 204 where the allow is reused, 401 where it is decided afresh.
    expect((await customers.call("DELETE", "/v1/me", tokens.id)).status).toBe(204);
    expect((await customers.call("DELETE", "/v1/me", tokens.access)).status).toBe(401);

    // Told once, in French (the profile's language), masked; the contact address is not told.
    const mails = (await world.mailsTo(email)).filter((m) => m.subject.includes("retiré"));
    expect(mails).toHaveLength(1);
    expect(mails[0]?.text).toContain("a été fermé");
    expect(mails[0]?.text).toContain("f•••@example.com");
    expect(await world.mailsTo("contact.9002001@example.com")).toHaveLength(1); // "was this you?" only

    // May enroll again later, even with the same address.
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

  it("without a token: 401", async () => {
    const res = await fetch(`${api.url}/v1/me`, { method: "DELETE" });
    expect(res.status).toBe(401);
  });
});
