import { describe, expect, it } from "vitest";
import { world } from "../../support/fakes/enrollment-fakes";

const CUSTOMER = "1234567";

describe("an enrollment whose account is taken from it mid-flight", () => {
  it("answers 409 in-progress, e-mails no link, and throws nothing (it was a 500)", async () => {
    const w = world();
    w.seedAccount(CUSTOMER);
    const token = await w.verified(CUSTOMER);
    // The enrollment has created the user and stored its link; before it completes, a removal
    // (support's revoke, DELETE /v1/me) takes the account's lock.
    const hold = w.faults.holdOn("profiles.complete");
    const running = w.enroll(token, "jean@example.com");
    await hold.reached;
    const profile = w.profile(CUSTOMER);
    if (!profile) throw new Error("no profile");
    w.seedProfile({
      ...profile,
      completedEnrollments: undefined,
      lockOwner: "removal",
    } as Parameters<typeof w.seedProfile>[0]);
    hold.release();

    expect(await running).toEqual({ outcome: "in-progress" });
    expect(w.mails).toHaveLength(0);
    expect(w.profile(CUSTOMER)?.confirmationTokenHash).toBeUndefined();
  });
});
