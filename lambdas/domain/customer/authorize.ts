import type { CustomerProfiles, TokenVerifier, UserDirectory } from "./ports";

/**
 * The decision of the signed-in routes' authorizer, for one `Authorization` header.
 *
 * - `unauthorized` (401): no header, not `Bearer`, or a token that is not one of the stage's pool for
 *   the web client (signature, expiry, issuer, client, token use), or whose user has no account.
 * - `forbidden` (403): a valid token whose account has no ACTIVE profile (the enrollment is not
 *   confirmed), or whose user is not the one the profile was confirmed with (a replaced enrollment).
 * - `allow`: the customer number the routes will serve, and only that one.
 */
export type AuthorizeOutcome =
  | { readonly outcome: "allow"; readonly principalId: string; readonly customerNumber: string }
  | { readonly outcome: "forbidden"; readonly principalId: string; readonly reason: string }
  | { readonly outcome: "unauthorized"; readonly reason: string };

export interface AuthorizeDeps {
  readonly verifier: TokenVerifier;
  readonly directory: UserDirectory;
  readonly profiles: Pick<CustomerProfiles, "get">;
}

const BEARER = /^Bearer +(\S+)$/i;

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined | null): string | null {
  if (!header) return null;
  return BEARER.exec(header.trim())?.[1] ?? null;
}

export async function authorize(
  header: string | undefined | null,
  deps: AuthorizeDeps,
): Promise<AuthorizeOutcome> {
  const token = bearerToken(header);
  if (token === null) return { outcome: "unauthorized", reason: "no bearer token" };
  const claims = await deps.verifier.verify(token);
  if (claims === null) return { outcome: "unauthorized", reason: "invalid token" };

  let { customerNumber, email } = claims;
  if (claims.tokenUse === "access") {
    // Access tokens carry neither the customer number nor the e-mail: the user pool has them.
    const user = await deps.directory.lookup(claims.username ?? claims.sub);
    if (user === null) return { outcome: "unauthorized", reason: "unknown user" };
    ({ customerNumber, email } = user);
  }
  if (!customerNumber) return { outcome: "unauthorized", reason: "user without a customer number" };

  const principalId = claims.sub;
  const profile = await deps.profiles.get(customerNumber);
  if (profile?.status !== "ACTIVE")
    return { outcome: "forbidden", principalId, reason: "profile not active" };
  if (!email || profile.email?.toLowerCase() !== email.toLowerCase()) {
    return { outcome: "forbidden", principalId, reason: "not the profile's user" };
  }
  return { outcome: "allow", principalId, customerNumber };
}
