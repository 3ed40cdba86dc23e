import { describe, expect, it } from "vitest";
import type { ProfileRemovedMail, RemovalDeps } from "../../../lambdas/domain/customer/remove-profile";
import type { Profile } from "../../../lambdas/domain/enrollment/ports";
import type { AccountEvent } from "../../../lambdas/domain/support/account-events";
import { type RevokeDeps, supportRevoke } from "../../../lambdas/domain/support/revoke";

/** supportRevoke with in-memory collaborators: who is told, what is recorded, what a failure does. */
function world(options: { profile?: Profile; contactEmail?: string; failDelete?: boolean }) {
  let profile = options.profile;
  const sent: ProfileRemovedMail[] = [];
  const events: AccountEvent[] = [];
  const cleared: string[] = [];
  const removal: RemovalDeps = {
    now: () => new Date("2026-12-01T15:00:00Z"),
    profiles: { revokeTokens: async () => profile !== undefined },
    removals: {
      beginRemoval: async () => profile ?? null,
      finishRemoval: async () => {
        profile = profile && { customerNumber: profile.customerNumber, billing: "paper" };
        return true;
      },
    },
    identity: {
      customerNumberOf: async () => "9000101",
      disableUser: async () => undefined,
      deleteUser: async () => {
        if (options.failDelete) throw new Error("Cognito down");
      },
    },
  };
  const deps: RevokeDeps = {
    accounts: {
      account: async (customerNumber) => ({
        known: customerNumber === "9000101",
        closed: false,
        language: "en",
        hasContactEmail: Boolean(options.contactEmail),
      }),
    },
    events: {
      record: async (_c, event) => {
        events.push(event);
      },
      recent: async () => events,
      all: async () => events,
    },
    actor: "local:agent",
    now: () => new Date("2026-12-01T15:00:00Z"),
    limiter: { clear: async (c) => void cleared.push(c) },
    removal,
    contacts: {
      contactOf: async () => ({
        ...(options.contactEmail ? { email: options.contactEmail } : {}),
        language: "en" as const,
      }),
    },
    notifier: { sendProfileRemoved: async (mail) => void sent.push(mail) },
  };
  return { deps, sent, events, cleared };
}

const active: Profile = {
  customerNumber: "9000101",
  status: "ACTIVE",
  email: "intruder@example.com",
  language: "fr",
  cognitoEmails: ["intruder@example.com"],
};

describe("supportRevoke", () => {
  it("tells the enrolled and the contact address in the account's language, clears the failures, records who", async () => {
    const w = world({ profile: active, contactEmail: "owner@example.com" });
    expect(await supportRevoke("9000101", w.deps)).toEqual({
      outcome: "revoked",
      removed: true,
      told: ["i•••@example.com", "o•••@example.com"],
    });
    expect(w.sent).toEqual([
      { to: "intruder@example.com", language: "en", reason: "revoked", maskedEmail: "i•••@example.com" },
      { to: "owner@example.com", language: "en", reason: "revoked", maskedEmail: "i•••@example.com" },
    ]);
    expect(w.cleared).toEqual(["9000101"]);
    expect(w.events).toEqual([
      {
        kind: "support",
        at: "2026-12-01T15:00:00.000Z",
        action: "revoke",
        actor: "local:agent",
        outcome: "done",
      },
    ]);
  });

  it("tells an address once when the contact address is the enrolled one (whatever its case)", async () => {
    const w = world({ profile: active, contactEmail: "Intruder@Example.com" });
    await supportRevoke("9000101", w.deps);
    expect(w.sent.map((m) => m.to)).toEqual(["intruder@example.com"]);
  });

  it("nothing to remove: the failures are still cleared, nobody is told", async () => {
    const w = world({ contactEmail: "owner@example.com" });
    expect(await supportRevoke("9000101", w.deps)).toEqual({ outcome: "revoked", removed: false, told: [] });
    expect(w.cleared).toEqual(["9000101"]);
    expect(w.sent).toEqual([]);
  });

  it("a failure is recorded as failed and thrown (the CLI exits 1); nobody is told yet", async () => {
    const w = world({ profile: active, contactEmail: "owner@example.com", failDelete: true });
    await expect(supportRevoke("9000101", w.deps)).rejects.toThrow("Cognito down");
    expect(w.events.map((e) => e.kind === "support" && e.outcome)).toEqual(["failed"]);
    expect(w.sent).toEqual([]);
  });

  it("an unknown customer number changes nothing", async () => {
    const w = world({ profile: active });
    expect(await supportRevoke("9000999", w.deps)).toEqual({ outcome: "unknown-customer" });
    expect(w.events).toEqual([]);
  });
});
