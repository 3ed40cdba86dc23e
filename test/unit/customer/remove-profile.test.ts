import { describe, expect, it } from "vitest";
import { type RemovalDeps, removeProfile } from "../../../lambdas/domain/customer/remove-profile";
import type { Profile } from "../../../lambdas/domain/enrollment/ports";

/** In-memory profile, user pool and log of calls, in the order the removal makes them. */
function world(profile?: Profile, users: Record<string, string> = {}) {
  const calls: string[] = [];
  let stored: (Profile & Record<string, unknown>) | undefined = profile ? { ...profile } : undefined;
  const pool = new Map(Object.entries(users));
  const disabled = new Set<string>();
  let failDeleteOnce = false;
  const deps: RemovalDeps = {
    now: () => new Date("2026-12-01T15:00:00Z"),
    profiles: {
      async revokeTokens(_customer, at) {
        calls.push("revokeTokens");
        if (!stored) return false;
        stored = { ...stored, tokensRevokedAt: at.toISOString() };
        return true;
      },
    },
    removals: {
      async beginRemoval(_customer, lock) {
        calls.push("beginRemoval");
        if (!stored) return null;
        const before = stored;
        const { status: _s, confirmationTokenHash: _c, electronicSince: _e, ...rest } = stored;
        stored = { ...rest, lockOwner: lock.lockOwner, billing: "paper" };
        return before;
      },
      async finishRemoval(_customer, lock, _now, reason, forgotten) {
        calls.push(`finishRemoval:${reason}:${forgotten.join(",")}`);
        if (!stored || stored.lockOwner !== lock.lockOwner) return false;
        const { email: _e, language: _l, pendingEmail: _p, cognitoEmails, ...rest } = stored;
        stored = {
          ...rest,
          billing: "paper",
          cognitoEmails: (cognitoEmails ?? []).filter((e) => !forgotten.includes(e)),
        };
        return true;
      },
    },
    identity: {
      async customerNumberOf(email) {
        calls.push(`customerNumberOf:${email}`);
        return pool.get(email) ?? null;
      },
      async disableUser(email) {
        calls.push(`disableUser:${email}`);
        disabled.add(email);
      },
      async deleteUser(email) {
        calls.push(`deleteUser:${email}`);
        if (failDeleteOnce) {
          failDeleteOnce = false;
          throw new Error("Cognito down");
        }
        pool.delete(email);
      },
    },
  };
  return {
    deps,
    calls,
    pool,
    disabled,
    profile: () => stored,
    failNextDelete: () => {
      failDeleteOnce = true;
    },
    /** An enrollment takes the lock, as acquire() would. */
    stealLock: (owner: string) => {
      if (stored) stored = { ...stored, lockOwner: owner };
    },
  };
}

const active: Profile = {
  customerNumber: "9000001",
  status: "ACTIVE",
  email: "jean@example.com",
  language: "en",
  billing: "electronic",
  cognitoEmails: ["jean@example.com", "other@example.com", "typo@example.com"],
};

describe("removeProfile", () => {
  it("marks the tokens first, then takes the account, then disables and deletes only its own users, then clears the profile", async () => {
    const w = world(active, { "jean@example.com": "9000001", "other@example.com": "9000999" });
    const outcome = await removeProfile("9000001", "revoked", w.deps);
    expect(outcome).toEqual({ outcome: "removed", email: "jean@example.com", language: "en" });
    expect(w.calls).toEqual([
      "revokeTokens",
      "beginRemoval",
      "customerNumberOf:jean@example.com",
      "disableUser:jean@example.com",
      "deleteUser:jean@example.com",
      "customerNumberOf:other@example.com",
      "customerNumberOf:typo@example.com",
      // Another account's address is forgotten, one with no user is kept for the next enrollment.
      "finishRemoval:revoked:jean@example.com,other@example.com",
    ]);
    expect([...w.pool.keys()]).toEqual(["other@example.com"]);
    expect(w.profile()).toMatchObject({ billing: "paper", tokensRevokedAt: "2026-12-01T15:00:00.000Z" });
    expect(w.profile()?.status).toBeUndefined();
    expect(w.profile()?.email).toBeUndefined();
  });

  it("a repeat is harmless and says there was nothing left to remove", async () => {
    const w = world(active, { "jean@example.com": "9000001" });
    await removeProfile("9000001", "closed-by-customer", w.deps);
    expect(await removeProfile("9000001", "closed-by-customer", w.deps)).toEqual({
      outcome: "not-enrolled",
    });
    expect(w.profile()).toMatchObject({ billing: "paper" });
  });

  it("no profile at all: nothing written, nobody to tell", async () => {
    const w = world(undefined);
    expect(await removeProfile("9000002", "closed", w.deps)).toEqual({ outcome: "not-enrolled" });
    expect(w.calls).toEqual(["revokeTokens"]);
  });

  it("a failure between disabling and deleting leaves the user disabled, the address listed, and the repeat finishes", async () => {
    const w = world(active, { "jean@example.com": "9000001" });
    w.failNextDelete();
    await expect(removeProfile("9000001", "revoked", w.deps)).rejects.toThrow("Cognito down");
    expect(w.disabled.has("jean@example.com")).toBe(true);
    // Already no notice: no longer ACTIVE nor electronic; the address still there for the repeat.
    expect(w.profile()).toMatchObject({ billing: "paper", email: "jean@example.com" });
    expect(w.profile()?.status).toBeUndefined();
    expect(await removeProfile("9000001", "revoked", w.deps)).toMatchObject({
      outcome: "removed",
      email: "jean@example.com",
    });
    expect(w.pool.size).toBe(0);
    expect(w.profile()?.email).toBeUndefined();
  });

  it("an enrollment in flight loses: the removal's lock owner replaces its own", async () => {
    const w = world(
      { ...active, status: "PENDING_CONFIRMATION", lockOwner: "enrollment-1" },
      { "jean@example.com": "9000001" },
    );
    await removeProfile("9000001", "revoked", w.deps);
    // Its complete() is conditional on lockOwner = "enrollment-1": it fails from now on.
    expect(w.profile()?.lockOwner).not.toBe("enrollment-1");
  });

  it("a removal whose lock was taken meanwhile does not clear the profile of whoever holds it", async () => {
    const w = world(active, { "jean@example.com": "9000001" });
    const identity = w.deps.identity;
    const deps: RemovalDeps = {
      ...w.deps,
      identity: {
        ...identity,
        deleteUser: async (email) => {
          await identity.deleteUser(email);
          w.stealLock("someone-else");
        },
      },
    };
    await removeProfile("9000001", "revoked", deps);
    expect(w.profile()?.email).toBe("jean@example.com");
  });
});
