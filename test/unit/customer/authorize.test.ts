import { describe, expect, it } from "vitest";
import { authorize, bearerToken, cachedAuthorize } from "../../../lambdas/domain/customer/authorize";
import type { CustomerProfile, UserIdentity, VerifiedToken } from "../../../lambdas/domain/customer/ports";

const alice = { tokenUse: "id", sub: "sub-a", username: "user-a" } as const;
const tokens: Record<string, VerifiedToken> = {
  "id-alice": { ...alice, customerNumber: "9600010", email: "alice@example.com" },
  "access-alice": { tokenUse: "access", sub: "sub-a", username: "user-a" },
  "id-no-number": { tokenUse: "id", sub: "sub-x", username: "user-x", email: "x@example.com" },
  "access-ghost": { tokenUse: "access", sub: "sub-g", username: "ghost" },
  "id-ghost": {
    tokenUse: "id",
    sub: "sub-g",
    username: "ghost",
    customerNumber: "9600010",
    email: "alice@example.com",
  },
  "id-pending": {
    tokenUse: "id",
    sub: "sub-p",
    username: "user-p",
    customerNumber: "9600030",
    email: "p@example.com",
  },
  "id-replaced": {
    tokenUse: "id",
    sub: "sub-r",
    username: "user-r",
    customerNumber: "9600010",
    email: "old@example.com",
  },
  "id-alice-caps": { ...alice, customerNumber: "9600010", email: "Alice@Example.com" },
  "id-alice-expiring": {
    ...alice,
    customerNumber: "9600010",
    email: "alice@example.com",
    expiresAt: 1_000_060,
  },
  "id-new": {
    tokenUse: "id",
    sub: "sub-n",
    username: "user-n",
    customerNumber: "9600050",
    email: "n@example.com",
  },
};
const users: Record<string, UserIdentity> = {
  "user-a": { customerNumber: "9600010", email: "alice@example.com" },
  "user-x": { email: "x@example.com" },
  "user-p": { customerNumber: "9600030", email: "p@example.com" },
  "user-r": { customerNumber: "9600010", email: "old@example.com" },
  "user-n": { customerNumber: "9600050", email: "n@example.com" },
};
let profiles: Record<string, CustomerProfile> = {
  "9600010": { customerNumber: "9600010", status: "ACTIVE", email: "alice@example.com" },
  "9600030": { customerNumber: "9600030", status: "PENDING_CONFIRMATION", email: "p@example.com" },
};

function deps() {
  const calls = { verify: 0, lookup: [] as string[], profile: [] as string[] };
  return {
    calls,
    verifier: {
      async verify(token: string) {
        calls.verify++;
        return tokens[token] ?? null;
      },
    },
    directory: {
      async lookup(username: string) {
        calls.lookup.push(username);
        return users[username] ?? null;
      },
    },
    profiles: {
      async get(customerNumber: string) {
        calls.profile.push(customerNumber);
        return profiles[customerNumber];
      },
    },
  };
}

describe("bearerToken", () => {
  it("takes the token of a Bearer header, the scheme in any case", () => {
    expect(bearerToken("Bearer abc.def.ghi")).toBe("abc.def.ghi");
    expect(bearerToken("bearer abc.def.ghi")).toBe("abc.def.ghi");
    expect(bearerToken("  Bearer   abc  ")).toBe("abc");
  });

  it("refuses anything else", () => {
    for (const header of [
      undefined,
      null,
      "",
      "Bearer",
      "Bearer ",
      "Basic abc",
      "abc.def.ghi",
      "Bearer a b",
    ]) {
      expect(bearerToken(header), String(header)).toBeNull();
    }
  });
});

describe("authorize", () => {
  it("allows an id token of an ACTIVE profile with the customer number of its claim, once the pool knows its user", async () => {
    const d = deps();
    expect(await authorize("Bearer id-alice", d)).toEqual({
      outcome: "allow",
      principalId: "sub-a",
      customerNumber: "9600010",
    });
    expect(d.calls.lookup).toEqual(["user-a"]);
    expect(d.calls.profile).toEqual(["9600010"]);
  });

  it("401 for an id token whose user the pool no longer has or disabled, however valid the token", async () => {
    const d = deps();
    expect(await authorize("Bearer id-ghost", d)).toEqual({
      outcome: "unauthorized",
      reason: "unknown or disabled user",
    });
    expect(d.calls.profile).toEqual([]);
  });

  it("maps an access token to its user's customer number through the directory", async () => {
    const d = deps();
    expect(await authorize("Bearer access-alice", d)).toMatchObject({
      outcome: "allow",
      customerNumber: "9600010",
    });
    expect(d.calls.lookup).toEqual(["user-a"]);
  });

  it("compares the e-mail with the profile's whatever its case", async () => {
    expect(await authorize("Bearer id-alice-caps", deps())).toMatchObject({ outcome: "allow" });
  });

  it("401 for no header, another scheme, or a token the verifier refuses; nothing else is asked", async () => {
    for (const header of [undefined, "Basic dXNlcjpwYXNz", "Bearer forged"]) {
      const d = deps();
      expect(await authorize(header, d)).toMatchObject({ outcome: "unauthorized" });
      expect(d.calls.profile).toEqual([]);
    }
  });

  it("401 for an unknown user or a user without a customer number", async () => {
    expect(await authorize("Bearer access-ghost", deps())).toMatchObject({
      outcome: "unauthorized",
      reason: "unknown or disabled user",
    });
    expect(await authorize("Bearer id-no-number", deps())).toMatchObject({ outcome: "unauthorized" });
  });

  it("403 for a valid token whose account is not ACTIVE, or whose user is not the profile's", async () => {
    expect(await authorize("Bearer id-pending", deps())).toEqual({
      outcome: "forbidden",
      principalId: "sub-p",
      reason: "profile not active",
    });
    expect(await authorize("Bearer id-replaced", deps())).toMatchObject({
      outcome: "forbidden",
      reason: "not the profile's user",
    });
  });
});

describe("authorize: the sign-out mark (tokensRevokedAt)", () => {
  const MARK = "2026-11-26T12:00:00.500Z";
  const markSeconds = Math.floor(Date.parse(MARK) / 1000);
  /** Alice's tokens of a sign-in at `authenticatedAt` (seconds), against a profile marked at MARK. */
  async function outcome(authenticatedAt: number | undefined, mark: string | null = MARK) {
    const at = authenticatedAt === undefined ? {} : { authenticatedAt };
    const marked: CustomerProfile = {
      customerNumber: "9600010",
      status: "ACTIVE",
      email: "alice@example.com",
      ...(mark === null ? {} : { tokensRevokedAt: mark }),
    };
    const results = [];
    for (const token of [tokens["id-alice"], tokens["access-alice"]] as VerifiedToken[]) {
      results.push(
        await authorize("Bearer t", {
          verifier: { verify: async () => ({ ...token, ...at }) },
          directory: { lookup: async (username) => users[username] ?? null },
          profiles: { get: async () => marked },
        }),
      );
    }
    return results;
  }

  it("401 for a token of a sign-in before the mark, or in its second; id and access tokens alike", async () => {
    for (const signedIn of [markSeconds - 3600, markSeconds - 1, markSeconds]) {
      for (const result of await outcome(signedIn)) {
        expect(result, String(signedIn - markSeconds)).toEqual({
          outcome: "unauthorized",
          reason: "token revoked",
        });
      }
    }
  });

  it("allows a token of a sign-in after the mark's second", async () => {
    for (const result of await outcome(markSeconds + 1)) expect(result).toMatchObject({ outcome: "allow" });
  });

  it("refuses a token that does not say when its user signed in, or a mark it cannot read", async () => {
    for (const result of await outcome(undefined)) expect(result).toMatchObject({ outcome: "unauthorized" });
    for (const result of await outcome(markSeconds + 60, "not a date")) {
      expect(result).toMatchObject({ outcome: "unauthorized" });
    }
  });

  it("without a mark, when the user signed in does not matter", async () => {
    for (const result of await outcome(undefined, null)) expect(result).toMatchObject({ outcome: "allow" });
  });
});

describe("cachedAuthorize (the authorizer instance's memory)", () => {
  const TTL = 300;

  it("remembers an allow for the TTL, per token, and then decides again", async () => {
    let clock = 1_000_000_000;
    const d = deps();
    const cached = cachedAuthorize(d, { ttlSeconds: TTL, now: () => clock });
    for (let i = 0; i < 3; i++)
      expect(await cached.authorize("Bearer id-alice")).toMatchObject({ outcome: "allow" });
    expect(d.calls.verify).toBe(1);
    expect(d.calls.profile).toEqual(["9600010"]);
    clock += TTL * 1000 - 1;
    await cached.authorize("bearer id-alice");
    expect(d.calls.verify).toBe(1);
    clock += 1;
    await cached.authorize("Bearer id-alice");
    expect(d.calls.verify).toBe(2);
  });

  it("never remembers an allow past the token's expiry", async () => {
    let clock = 1_000_000 * 1000;
    const d = deps();
    const cached = cachedAuthorize(d, { ttlSeconds: TTL, now: () => clock });
    await cached.authorize("Bearer id-alice-expiring");
    clock += 59_999;
    await cached.authorize("Bearer id-alice-expiring");
    expect(d.calls.verify).toBe(1);
    clock += 1;
    await cached.authorize("Bearer id-alice-expiring");
    expect(d.calls.verify).toBe(2);
  });

  it("never remembers a refusal: the enrollment confirmed, the same token is allowed on the next request", async () => {
    const saved = profiles;
    try {
      profiles = {
        ...saved,
        "9600050": { customerNumber: "9600050", status: "PENDING_CONFIRMATION", email: "n@example.com" },
      };
      const d = deps();
      const cached = cachedAuthorize(d, { ttlSeconds: TTL });
      expect(await cached.authorize("Bearer id-new")).toMatchObject({ outcome: "forbidden" });
      expect(await cached.authorize("Bearer id-new")).toMatchObject({ outcome: "forbidden" });
      expect(await cached.authorize("Bearer forged")).toMatchObject({ outcome: "unauthorized" });
      expect(await cached.authorize("Bearer forged")).toMatchObject({ outcome: "unauthorized" });
      expect(cached.size()).toBe(0);
      profiles = {
        ...saved,
        "9600050": { customerNumber: "9600050", status: "ACTIVE", email: "n@example.com" },
      };
      expect(await cached.authorize("Bearer id-new")).toMatchObject({
        outcome: "allow",
        customerNumber: "9600050",
      });
      expect(d.calls.profile).toEqual(["9600050", "9600050", "9600050"]);
    } finally {
      profiles = saved;
    }
  });

  it("keeps at most maxEntries allows, the oldest forgotten first", async () => {
    const d = deps();
    const cached = cachedAuthorize(d, { ttlSeconds: TTL, maxEntries: 1 });
    await cached.authorize("Bearer id-alice");
    await cached.authorize("Bearer access-alice");
    expect(cached.size()).toBe(1);
    await cached.authorize("Bearer access-alice");
    expect(d.calls.verify).toBe(2);
    await cached.authorize("Bearer id-alice");
    expect(d.calls.verify).toBe(3);
  });
});
