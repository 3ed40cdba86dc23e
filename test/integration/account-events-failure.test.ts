import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountEventsTable } from "../../lambdas/definitions/tables";
import { apiWorld } from "../support/api-client";
import { startLocalApi } from "../support/local-api";

/**
 * The account's events are support's record, not the customer's problem: when they cannot be
 * written (here a table that does not exist), a verification answers exactly as it would have.
 * Customer numbers of this file: 87xxxxx.
 */
let api: Awaited<ReturnType<typeof startLocalApi>>;
const world = apiWorld(() => api.url);
beforeAll(async () => {
  api = await startLocalApi({ [accountEventsTable.envVar]: "enrollment-local-NoSuchEventsTable" });
});
afterAll(async () => {
  await api.close();
  world.close();
});

describe("an account event that cannot be written", () => {
  it("leaves the verification's answers as they are: 200 with a token, 403 for a wrong code, never a 5xx", async () => {
    await world.seedAccount("8700001", { accessCode: "24680" });
    const wrong = await world.verifyBill("8700001", "13579");
    expect(wrong.status).toBe(403);
    expect(wrong.json).toMatchObject({ error: { code: "VERIFICATION_FAILED" } });
    const right = await world.verifyBill("8700001", "24680");
    expect(right.status).toBe(200);
    expect(typeof right.json.verificationToken).toBe("string");
  });
});
