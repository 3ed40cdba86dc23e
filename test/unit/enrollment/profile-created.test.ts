import { describe, expect, it } from "vitest";
import { dateInTimeZone } from "../../../lambdas/domain/dates";
import { profileCreatedEmail } from "../../../lambdas/domain/emails/profile-created-email";
import { confirmEmail, maskEmail } from "../../../lambdas/domain/enrollment/confirm-email";
import type { ProfileCreatedMail } from "../../../lambdas/domain/enrollment/ports";
import { world } from "../../support/fakes/enrollment-fakes";

/** Contract §4 (v2): the contact address on file learns the day a profile is created with another one. */
const CUSTOMER = "1234567";

function setup(contactEmail: string | undefined, options: { failFirst?: boolean } = {}) {
  const w = world();
  w.seedAccount(CUSTOMER);
  const sent: ProfileCreatedMail[] = [];
  let failures = options.failFirst ? 1 : 0;
  const deps = {
    ...w.confirmDeps,
    profileCreated: {
      contacts: {
        contactOf: async () => ({
          ...(contactEmail ? { email: contactEmail } : {}),
          language: "fr" as const,
        }),
      },
      notifier: {
        sendProfileCreated: async (mail: ProfileCreatedMail) => {
          if (failures-- > 0) throw new Error("SES down");
          sent.push(mail);
        },
      },
    },
  };
  const enrollAndConfirm = async (email: string) => {
    expect((await w.enroll(await w.verified(CUSTOMER), email)).outcome).toBe("created");
    return w.latestToken(email);
  };
  return { w, deps, sent, enrollAndConfirm };
}

describe("'was this you?' notice", () => {
  it("tells the contact address, masked and dated, when the enrolled address is another one; once", async () => {
    const s = setup("owner@example.net");
    const link = await s.enrollAndConfirm("attacker@example.com");
    expect(await confirmEmail(link, s.deps)).toEqual({ outcome: "active" });
    expect(await confirmEmail(link, s.deps)).toEqual({ outcome: "active" });
    expect(s.sent).toEqual([
      {
        to: "owner@example.net",
        language: "fr",
        maskedEmail: "a•••@example.com",
        date: dateInTimeZone(s.w.clock.now()),
      },
    ]);
  });

  it("says nothing when the contact is the enrolled address (any case), or when there is none", async () => {
    for (const contact of ["Jean@Example.com", undefined]) {
      const s = setup(contact);
      expect(await confirmEmail(await s.enrollAndConfirm("jean@example.com"), s.deps)).toEqual({
        outcome: "active",
      });
      expect(s.sent).toEqual([]);
    }
  });

  it("a failed notice fails the confirmation, and its retry sends it: the owner is never left untold", async () => {
    const s = setup("owner@example.net", { failFirst: true });
    const link = await s.enrollAndConfirm("attacker@example.com");
    await expect(confirmEmail(link, s.deps)).rejects.toThrow("SES down");
    expect(s.w.profile(CUSTOMER)?.status).not.toBe("ACTIVE");
    expect(await confirmEmail(link, s.deps)).toEqual({ outcome: "active" });
    expect(s.sent).toHaveLength(1);
  });

  it("the e-mail names the date and the masked address, and the support phone, in French and English", () => {
    const fr = profileCreatedEmail({
      language: "fr",
      maskedEmail: maskEmail("jean@example.com"),
      date: "2026-12-01",
      supportPhone: "1 800 567-6353",
    });
    expect(fr.text).toContain("1er décembre 2026");
    expect(fr.text).toContain("j•••@example.com");
    expect(fr.text).toContain("1 800 567-6353");
    const en = profileCreatedEmail({
      language: "en",
      maskedEmail: "j•••@example.com",
      date: "2026-12-01",
      supportPhone: "1 800 567-6353",
    });
    expect(en.text).toContain("December 1, 2026");
    expect(en.html).toContain("j•••@example.com");
  });
});
