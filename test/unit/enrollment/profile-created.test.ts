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

describe("'was this you?' notice: the contact is read with the profile", () => {
  it("the contact read starts while the profile read is in flight (one round trip), and a refused link still answers invalid-token", async () => {
    const s = setup("owner@example.net");
    const link = await s.enrollAndConfirm("attacker@example.com");
    let contactReads = 0;
    const deps = {
      ...s.deps,
      profileCreated: {
        ...s.deps.profileCreated,
        contacts: {
          contactOf: async () => {
            contactReads++;
            return { email: "owner@example.net", language: "fr" as const };
          },
        },
      },
    };
    const held = s.w.faults.holdOn("profiles.get");
    const pending = confirmEmail(link, deps);
    await held.reached;
    expect(contactReads).toBe(1);
    held.release();
    expect(await pending).toEqual({ outcome: "active" });
    expect(s.sent).toHaveLength(1);
  });

  it("a failed contact read fails the confirmation, whose retry tells the owner", async () => {
    const s = setup("owner@example.net");
    const link = await s.enrollAndConfirm("attacker@example.com");
    let fail = true;
    const deps = {
      ...s.deps,
      profileCreated: {
        ...s.deps.profileCreated,
        contacts: {
          contactOf: async () => {
            if (fail) {
              fail = false;
              throw new Error("DynamoDB down");
            }
            return { email: "owner@example.net", language: "fr" as const };
          },
        },
      },
    };
    await expect(confirmEmail(link, deps)).rejects.toThrow("DynamoDB down");
    expect(await confirmEmail(link, deps)).toEqual({ outcome: "active" });
    expect(s.sent).toHaveLength(1);
  });

  it("a contact read that fails on a link refused anyway leaves no unhandled rejection", async () => {
    const s = setup("owner@example.net");
    const stale = await s.enrollAndConfirm("first@example.com");
    // A newer enrollment: the first link is no longer the profile's, refused after the reads.
    await s.enrollAndConfirm("second@example.com");
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const deps = {
        ...s.deps,
        profileCreated: {
          ...s.deps.profileCreated,
          contacts: { contactOf: () => Promise.reject(new Error("DynamoDB down")) },
        },
      };
      expect(await confirmEmail(stale, deps)).toEqual({ outcome: "invalid-token" });
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });
});
