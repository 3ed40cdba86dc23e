import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { cognitoTokenVerifier, tokenVerifierConfigFromEnv } from "../../../lambdas/adapters/token-verifier";
import { CUSTOMER_NUMBER_CLAIM } from "../../../lambdas/definitions/user-pool";
import { signJwt, startTestIssuer, unsignedJwt, withBadSignature, withClaims } from "../../support/jwt";

/**
 * The verifier with a test issuer on 127.0.0.1: its own RSA key, served as a JWKS like a user pool's,
 * so that every flaw of a token can be crafted (the emulator's tokens are tested end to end in
 * test/integration/me-api.test.ts).
 */
const CLIENT_ID = "web-client-id";
let issuer: Awaited<ReturnType<typeof startTestIssuer>>;
beforeAll(async () => {
  issuer = await startTestIssuer();
});
afterAll(() => issuer.close());
afterEach(() => vi.useRealTimers());

const now = () => Math.floor(Date.now() / 1000);
const idClaims = () => ({
  sub: "11111111-2222-4333-8444-555555555555",
  iss: issuer.issuer,
  aud: CLIENT_ID,
  token_use: "id",
  email: "alice@example.com",
  [CUSTOMER_NUMBER_CLAIM]: "9600010",
  "cognito:username": "11111111-2222-4333-8444-555555555555",
  iat: now(),
  exp: now() + 3600,
});
const accessClaims = () => ({
  sub: "11111111-2222-4333-8444-555555555555",
  iss: issuer.issuer,
  client_id: CLIENT_ID,
  token_use: "access",
  username: "11111111-2222-4333-8444-555555555555",
  scope: "aws.cognito.signin.user.admin",
  iat: now(),
  exp: now() + 3600,
});

function verifier() {
  return cognitoTokenVerifier({
    userPoolId: "ca-central-1_TestPool",
    clientId: CLIENT_ID,
    issuer: issuer.issuer,
  });
}

describe("cognitoTokenVerifier (local issuer, JwtRsaVerifier with Cognito's claim checks)", () => {
  it("accepts an id token: its customer number and e-mail", async () => {
    const claims = idClaims();
    expect(await verifier().verify(signJwt(claims, issuer.key))).toEqual({
      tokenUse: "id",
      sub: "11111111-2222-4333-8444-555555555555",
      username: "11111111-2222-4333-8444-555555555555",
      customerNumber: "9600010",
      email: "alice@example.com",
      expiresAt: claims.exp,
      authenticatedAt: claims.iat,
    });
  });

  it("accepts an access token: its user name, and no customer number even if one were slipped in", async () => {
    const claims = { ...accessClaims(), [CUSTOMER_NUMBER_CLAIM]: "9600020" };
    expect(await verifier().verify(signJwt(claims, issuer.key))).toEqual({
      tokenUse: "access",
      sub: "11111111-2222-4333-8444-555555555555",
      username: "11111111-2222-4333-8444-555555555555",
      expiresAt: claims.exp,
      authenticatedAt: claims.iat,
    });
  });

  it("tells when the user signed in: auth_time, which a refresh keeps, before iat, which it does not", async () => {
    const signedIn = now() - 1800;
    for (const claims of [idClaims(), accessClaims()]) {
      const refreshed = { ...claims, auth_time: signedIn };
      expect(await verifier().verify(signJwt(refreshed, issuer.key))).toMatchObject({
        authenticatedAt: signedIn,
      });
    }
  });

  it("refuses an expired token, and a valid one once the clock passes its expiry", async () => {
    const v = verifier();
    expect(
      await v.verify(signJwt({ ...idClaims(), iat: now() - 7200, exp: now() - 3600 }, issuer.key)),
    ).toBeNull();
    const token = signJwt({ ...idClaims(), exp: now() + 60 }, issuer.key);
    expect(await v.verify(token)).not.toBeNull();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 61_000);
    expect(await v.verify(token)).toBeNull();
  });

  it("refuses a forged signature, changed claims, alg none, and another key", async () => {
    const v = verifier();
    const good = signJwt(idClaims(), issuer.key);
    const other = await startTestIssuer();
    try {
      for (const token of [
        withBadSignature(good),
        withClaims(good, { [CUSTOMER_NUMBER_CLAIM]: "9600020" }),
        unsignedJwt(idClaims(), issuer.key.kid),
        `${unsignedJwt(idClaims(), issuer.key.kid)}${good.split(".")[2]}`,
        signJwt(idClaims(), { ...other.key, kid: issuer.key.kid }),
        signJwt(idClaims(), other.key),
        signJwt(idClaims(), issuer.key, { alg: "HS256" }),
        "not.a.jwt",
        "",
      ]) {
        expect(await v.verify(token), token.slice(0, 40)).toBeNull();
      }
    } finally {
      await other.close();
    }
  });

  it("refuses another client, another issuer, another token use, and a token without one", async () => {
    const v = verifier();
    for (const claims of [
      { ...idClaims(), aud: "another-client" },
      { ...accessClaims(), client_id: "another-client" },
      { ...idClaims(), iss: "https://cognito-idp.ca-central-1.amazonaws.com/ca-central-1_Other" },
      { ...idClaims(), token_use: "refresh" },
      { ...idClaims(), token_use: undefined },
      { ...idClaims(), sub: undefined },
      { ...idClaims(), exp: undefined },
    ]) {
      expect(await v.verify(signJwt(claims, issuer.key)), JSON.stringify(claims)).toBeNull();
    }
  });

  it("fetches the JWKS once and keeps it", async () => {
    const v = verifier();
    const before = issuer.jwksRequests();
    for (let i = 0; i < 5; i++) await v.verify(signJwt(idClaims(), issuer.key));
    expect(issuer.jwksRequests() - before).toBe(1);
  });

  it("throws (an outage, not a 401) when the JWKS cannot be fetched", async () => {
    const v = cognitoTokenVerifier({
      userPoolId: "p",
      clientId: CLIENT_ID,
      issuer: "http://127.0.0.1:9/pool",
    });
    const token = signJwt({ ...idClaims(), iss: "http://127.0.0.1:9/pool" }, issuer.key);
    await expect(v.verify(token)).rejects.toThrow();
  });
});

describe("tokenVerifierConfigFromEnv", () => {
  it("uses the user pool (CognitoJwtVerifier) unless the local stack names an issuer", () => {
    expect(
      tokenVerifierConfigFromEnv({ USER_POOL_ID: "ca-central-1_abc", USER_POOL_CLIENT_ID: "c" }),
    ).toEqual({
      userPoolId: "ca-central-1_abc",
      clientId: "c",
    });
    expect(
      tokenVerifierConfigFromEnv({
        USER_POOL_ID: "local_1",
        USER_POOL_CLIENT_ID: "c",
        LOCAL_TOKEN_ISSUER: "http://localhost:9229/local_1",
      }),
    ).toMatchObject({ issuer: "http://localhost:9229/local_1" });
    expect(() => tokenVerifierConfigFromEnv({ USER_POOL_ID: "x" })).toThrow(/USER_POOL_CLIENT_ID/);
  });
});

describe("cognitoTokenVerifier with prefetchKeys (the authorizer's init)", () => {
  const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

  it("fetches the JWKS before any token, and the first token needs no fetch of its own", async () => {
    const before = issuer.jwksRequests();
    const failed = vi.fn();
    const prefetched = cognitoTokenVerifier(
      { userPoolId: "ca-central-1_TestPool", clientId: CLIENT_ID, issuer: issuer.issuer },
      { prefetchKeys: failed },
    );
    await settle();
    expect(issuer.jwksRequests()).toBe(before + 1);
    expect(await prefetched.verify(signJwt(idClaims(), issuer.key))).not.toBeNull();
    expect(issuer.jwksRequests()).toBe(before + 1);
    expect(failed).not.toHaveBeenCalled();
  });

  it("a failed prefetch is only reported: the first token fetches the JWKS again", async () => {
    const before = issuer.jwksRequests();
    const failed = vi.fn();
    const fetchSpy = vi.spyOn(globalThis, "fetch").mockRejectedValueOnce(new TypeError("fetch failed"));
    try {
      const prefetched = cognitoTokenVerifier(
        { userPoolId: "ca-central-1_TestPool", clientId: CLIENT_ID, issuer: issuer.issuer },
        { prefetchKeys: failed },
      );
      await settle();
      expect(failed).toHaveBeenCalledTimes(1);
      expect(issuer.jwksRequests()).toBe(before);
      expect(await prefetched.verify(signJwt(idClaims(), issuer.key))).not.toBeNull();
      expect(issuer.jwksRequests()).toBe(before + 1);
    } finally {
      fetchSpy.mockRestore();
    }
  });
});
