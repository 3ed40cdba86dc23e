import { CognitoJwtVerifier, JwtRsaVerifier } from "aws-jwt-verify";
import { validateCognitoJwtFields } from "aws-jwt-verify/cognito-verifier";
import { FetchError, JwtBaseError } from "aws-jwt-verify/error";
import type { Fetcher } from "aws-jwt-verify/https";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";
import type { JwtPayload } from "aws-jwt-verify/jwt-model";
import { localEnv } from "../definitions/environment";
import { CUSTOMER_NUMBER_CLAIM, userPoolEnv } from "../definitions/user-pool";
import type { TokenVerifier, VerifiedToken } from "../domain/customer/ports";

/**
 * Verifies the Cognito tokens of the stage's user pool with aws-jwt-verify: signature against the
 * pool's JWKS (fetched once, then cached; fetched again for an unknown key id), expiry, issuer, token
 * use (id or access), and the web client (the audience of an id token, the client_id of an access
 * token). Algorithms other than the pool's (`none` included) are refused by the library.
 *
 * In AWS it is a CognitoJwtVerifier for the pool. Locally (LOCAL_TOKEN_ISSUER set by the local stack)
 * it is a JwtRsaVerifier for the emulator's issuer with the same Cognito claim checks:
 * CognitoJwtVerifier only accepts AWS issuers, and the emulator serves its JWKS over plain HTTP.
 */
export interface TokenVerifierConfig {
  readonly userPoolId: string;
  readonly clientId: string;
  /** A non-AWS issuer (the emulator's, or a test's); its JWKS is `${issuer}/.well-known/jwks.json`. */
  readonly issuer?: string;
}

export function tokenVerifierConfigFromEnv(source: NodeJS.ProcessEnv = process.env): TokenVerifierConfig {
  const userPoolId = source[userPoolEnv.userPoolId];
  const clientId = source[userPoolEnv.webClientId];
  if (!userPoolId || !clientId) {
    throw new Error(`${userPoolEnv.userPoolId} and ${userPoolEnv.webClientId} must be set.`);
  }
  const issuer = source[localEnv.tokenIssuer];
  return { userPoolId, clientId, ...(issuer ? { issuer } : {}) };
}

/** JWKS over plain HTTP too (the library's own fetcher speaks HTTPS only), with a short timeout. */
const httpFetcher: Fetcher = {
  async fetch(uri) {
    const response = await fetch(uri, { signal: AbortSignal.timeout(3000) });
    if (!response.ok) throw new Error(`JWKS ${uri}: HTTP ${response.status}`);
    return response.arrayBuffer();
  },
};

function claims(payload: JwtPayload): VerifiedToken | null {
  const tokenUse = payload.token_use;
  const sub = payload.sub;
  if ((tokenUse !== "id" && tokenUse !== "access") || typeof sub !== "string" || sub === "") return null;
  // The library checks `exp` only when present; a token that never expires is not one Cognito issues.
  if (typeof payload.exp !== "number") return null;
  const text = (name: string) => (typeof payload[name] === "string" ? (payload[name] as string) : undefined);
  const username = text("username") ?? text("cognito:username");
  const customerNumber = text(CUSTOMER_NUMBER_CLAIM);
  const email = text("email");
  const seconds = (name: string) =>
    typeof payload[name] === "number" ? (payload[name] as number) : undefined;
  // auth_time survives a refresh, iat does not: the sign-in's own time is what a sign-out mark ends.
  const authenticatedAt = seconds("auth_time") ?? seconds("iat");
  return {
    tokenUse,
    sub,
    ...(username ? { username } : {}),
    ...(tokenUse === "id" && customerNumber ? { customerNumber } : {}),
    ...(tokenUse === "id" && email ? { email } : {}),
    expiresAt: payload.exp,
    ...(authenticatedAt !== undefined ? { authenticatedAt } : {}),
  };
}

export interface TokenVerifierOptions {
  /**
   * Fetch the pool's JWKS now (in Lambda: the init phase, before the first request) instead of at
   * the first token. A failed fetch is reported here and kept by nothing: the first token fetches
   * again, and a JWKS still unreachable is an outage as it always was (the route answers 503).
   */
  readonly prefetchKeys?: (error: unknown) => void;
}

/** The emulator's (or a test's) issuer: a JwtRsaVerifier with the Cognito claim checks; else the pool's. */
function jwtVerifier(config: TokenVerifierConfig) {
  if (config.issuer) {
    const issuer = config.issuer.replace(/\/+$/, "");
    return JwtRsaVerifier.create(
      {
        issuer,
        jwksUri: `${issuer}/.well-known/jwks.json`,
        // Checked below the Cognito way: `aud` for id tokens, `client_id` for access tokens.
        audience: null,
        customJwtCheck: ({ payload }) =>
          validateCognitoJwtFields(payload, { tokenUse: null, clientId: config.clientId }),
      },
      { jwksCache: new SimpleJwksCache({ fetcher: httpFetcher }) },
    );
  }
  return CognitoJwtVerifier.create({
    userPoolId: config.userPoolId,
    tokenUse: null,
    clientId: config.clientId,
  });
}

export function cognitoTokenVerifier(
  config: TokenVerifierConfig,
  options: TokenVerifierOptions = {},
): TokenVerifier {
  const verifier = jwtVerifier(config);
  if (options.prefetchKeys) verifier.hydrate().catch(options.prefetchKeys);
  const verify = (token: string): Promise<JwtPayload> => verifier.verify(token);

  return {
    async verify(token) {
      try {
        return claims(await verify(token));
      } catch (error) {
        // A JWKS that cannot be fetched is an outage, not a bad token: it surfaces (a 500, retried).
        if (error instanceof JwtBaseError && !(error instanceof FetchError)) return null;
        throw error;
      }
    },
  };
}
