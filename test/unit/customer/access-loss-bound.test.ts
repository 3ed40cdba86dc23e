import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
} from "@aws-sdk/client-cognito-identity-provider";
import { mockClient } from "aws-sdk-client-mock";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { cognitoUserDirectory } from "../../../lambdas/adapters/user-directory";
import {
  ACCESS_LOSS_BOUND_SECONDS,
  API_GATEWAY_AUTHORIZER_CACHE_TTL_SECONDS,
  AUTHORIZER_CACHE_TTL_SECONDS,
  USER_DIRECTORY_CACHE_TTL_SECONDS,
} from "../../../lambdas/definitions/authorizer";
import { ACCESS_LOSS_DEADLINE_SECONDS } from "../../../lambdas/definitions/limits";
import { cachedAuthorize } from "../../../lambdas/domain/customer/authorize";
import type { CustomerProfile, VerifiedToken } from "../../../lambdas/domain/customer/ports";

/**
 * The contract's "loses API access within 5 minutes", on an injected clock, with the authorizer's
 * two real cache layers (cachedAuthorize and cognitoUserDirectory, at the TTLs the handler uses) in
 * front of a mocked Cognito and an in-memory profiles table: whatever the timing of the requests,
 * once ACCESS_LOSS_BOUND_SECONDS have passed since the change, no token of the customer is allowed.
 */

describe("ACCESS_LOSS_BOUND_SECONDS", () => {
  it("is every cache layer added up, and within the contract's 5 minutes", () => {
    expect(ACCESS_LOSS_BOUND_SECONDS).toBe(
      USER_DIRECTORY_CACHE_TTL_SECONDS +
        AUTHORIZER_CACHE_TTL_SECONDS +
        API_GATEWAY_AUTHORIZER_CACHE_TTL_SECONDS,
    );
    expect(ACCESS_LOSS_DEADLINE_SECONDS).toBe(300);
    expect(ACCESS_LOSS_BOUND_SECONDS).toBeLessThanOrEqual(ACCESS_LOSS_DEADLINE_SECONDS);
  });
});

const CUSTOMER = "9600010";
const EMAIL = "alice@example.com";
const USERNAME = "user-a";
/** A sign-in long before any of the changes below; tokens that outlive every run. */
const SIGNED_IN_AT = 1_000;
const FAR = 4_000_000_000;
/** Two id tokens and two access tokens of the same user (two devices, say). */
const tokens: Record<string, VerifiedToken> = {
  "id-1": {
    tokenUse: "id",
    sub: "sub-a",
    username: USERNAME,
    customerNumber: CUSTOMER,
    email: EMAIL,
    expiresAt: FAR,
    authenticatedAt: SIGNED_IN_AT,
  },
  "id-2": {
    tokenUse: "id",
    sub: "sub-a",
    username: USERNAME,
    customerNumber: CUSTOMER,
    email: EMAIL,
    expiresAt: FAR,
    authenticatedAt: SIGNED_IN_AT,
  },
  "access-1": {
    tokenUse: "access",
    sub: "sub-a",
    username: USERNAME,
    expiresAt: FAR,
    authenticatedAt: SIGNED_IN_AT,
  },
  "access-2": {
    tokenUse: "access",
    sub: "sub-a",
    username: USERNAME,
    expiresAt: FAR,
    authenticatedAt: SIGNED_IN_AT,
  },
};
const tokenNames = Object.keys(tokens);

type Change = "user disabled" | "user deleted" | "profile revoked" | "profile removed" | "signed out";
const changes: readonly Change[] = [
  "user disabled",
  "user deleted",
  "profile revoked",
  "profile removed",
  "signed out",
];

const cognito = mockClient(CognitoIdentityProviderClient);
afterEach(() => cognito.reset());

/** One authorizer instance and the world it reads, on a clock the test moves (ms since the epoch). */
function world(startMs: number) {
  let clock = startMs;
  let user: "enabled" | "disabled" | "deleted" = "enabled";
  let profile: CustomerProfile | undefined = { customerNumber: CUSTOMER, status: "ACTIVE", email: EMAIL };
  cognito.reset();
  cognito.on(AdminGetUserCommand).callsFake(async () => {
    if (user === "deleted") {
      throw Object.assign(new Error("User does not exist."), { name: "UserNotFoundException" });
    }
    return {
      Username: USERNAME,
      Enabled: user === "enabled",
      UserAttributes: [
        { Name: "email", Value: EMAIL },
        { Name: "custom:customerNumber", Value: CUSTOMER },
      ],
    };
  });
  const now = () => clock;
  const decisions = cachedAuthorize(
    {
      verifier: { verify: async (token) => tokens[token] ?? null },
      directory: cognitoUserDirectory(new CognitoIdentityProviderClient({ region: "ca-central-1" }), "pool", {
        ttlSeconds: USER_DIRECTORY_CACHE_TTL_SECONDS,
        now,
      }),
      profiles: { get: async () => profile },
    },
    { ttlSeconds: AUTHORIZER_CACHE_TTL_SECONDS, now },
  );
  return {
    at(ms: number) {
      clock = ms;
    },
    change(kind: Change) {
      if (kind === "user disabled") user = "disabled";
      else if (kind === "user deleted") user = "deleted";
      // No longer ACTIVE: what support's revoke and the closing of an account leave.
      else if (kind === "profile revoked") profile = { customerNumber: CUSTOMER, email: EMAIL };
      else if (kind === "profile removed") profile = undefined;
      else profile = { ...(profile as CustomerProfile), tokensRevokedAt: new Date(clock).toISOString() };
    },
    outcome: async (token: string) => (await decisions.authorize(`Bearer ${token}`)).outcome,
  };
}

const T0 = 1_800_000_000_000;
const BOUND_MS = ACCESS_LOSS_BOUND_SECONDS * 1000;

describe("a token allowed before a change is refused ACCESS_LOSS_BOUND_SECONDS after it", () => {
  for (const kind of changes) {
    for (const token of ["id-1", "access-1"]) {
      it(`${kind}: ${token}, used just before the change and then at every second`, async () => {
        const w = world(T0);
        expect(await w.outcome(token)).toBe("allow");
        w.at(T0 + 1);
        w.change(kind);
        for (let ms = T0 + 1; ms <= T0 + 1 + BOUND_MS + 5_000; ms += 1_000) {
          w.at(ms);
          const outcome = await w.outcome(token);
          if (ms >= T0 + 1 + BOUND_MS) expect(outcome, `${ms - T0 - 1} ms after`).not.toBe("allow");
        }
        w.at(T0 + 1 + BOUND_MS);
        expect(["unauthorized", "forbidden"]).toContain(await w.outcome(token));
      });
    }
  }

  it("the worst case is reached: a user disabled in Cognito keeps access for both layers, and not a millisecond more", async () => {
    // The directory reads the user at T0 (first token); the user is disabled right after. Just before
    // the directory's answer expires, a second token of the same user is decided from it, and that
    // allow is then reused for the authorizer's TTL.
    const w = world(T0);
    expect(await w.outcome("access-1")).toBe("allow");
    w.change("user disabled");
    const lastAllow = T0 + USER_DIRECTORY_CACHE_TTL_SECONDS * 1000 - 1;
    w.at(lastAllow);
    expect(await w.outcome("id-2")).toBe("allow");
    w.at(lastAllow + AUTHORIZER_CACHE_TTL_SECONDS * 1000 - 1);
    expect(await w.outcome("id-2")).toBe("allow");
    w.at(lastAllow + AUTHORIZER_CACHE_TTL_SECONDS * 1000);
    expect(await w.outcome("id-2")).toBe("unauthorized");
    expect(lastAllow + AUTHORIZER_CACHE_TTL_SECONDS * 1000 - T0).toBeLessThan(BOUND_MS);
  });

  it("whatever the requests, tokens and timing: nothing is allowed from the bound on (property)", async () => {
    const request = fc.record({
      at: fc.integer({ min: 0, max: 3 * BOUND_MS }),
      token: fc.constantFrom(...tokenNames),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...changes),
        fc.integer({ min: 0, max: BOUND_MS }),
        fc.array(request, { minLength: 1, maxLength: 40 }),
        async (kind, changeAt, requests) => {
          const w = world(T0);
          let changed = false;
          for (const { at, token } of [...requests].sort((a, b) => a.at - b.at)) {
            if (!changed && at >= changeAt) {
              w.at(T0 + changeAt);
              w.change(kind);
              changed = true;
            }
            w.at(T0 + at);
            const outcome = await w.outcome(token);
            if (at < changeAt) expect(outcome).toBe("allow");
            if (at >= changeAt + BOUND_MS)
              expect(outcome, `${kind}, ${at - changeAt} ms after`).not.toBe("allow");
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
