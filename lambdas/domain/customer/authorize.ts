import { createHash } from "node:crypto";
import type { CustomerProfiles, TokenVerifier, UserDirectory, VerifiedToken } from "./ports";

/**
 * The decision of the signed-in routes' authorizer, for one `Authorization` header.
 *
 * - `unauthorized` (401): no header, not `Bearer`, or a token that is not one of the stage's pool for
 *   the web client (signature, expiry, issuer, client, token use), or whose user no longer exists or
 *   is disabled in the pool, or has no account, or a token of a sign-in at or before the profile's
 *   `tokensRevokedAt` (the customer signed out everywhere since).
 * - `forbidden` (403): a valid token whose account has no ACTIVE profile (the enrollment is not
 *   confirmed, or the profile was revoked or closed), or whose user is not the one the profile was
 *   confirmed with (a replaced enrollment).
 * - `allow`: the customer number the routes will serve, and only that one (and the token's expiry).
 */
export type AuthorizeOutcome =
  | {
      readonly outcome: "allow";
      readonly principalId: string;
      readonly customerNumber: string;
      readonly expiresAt?: number;
    }
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

  // Every token's user is asked about (through the directory's cache), id tokens too: a token is
  // signed for its whole life, and only the pool knows that its user was disabled or deleted since.
  const user = await deps.directory.lookup(claims.username ?? claims.sub);
  if (user === null) return { outcome: "unauthorized", reason: "unknown or disabled user" };
  // Access tokens carry neither the customer number nor the e-mail: the user pool has them.
  const { customerNumber, email } = claims.tokenUse === "access" ? user : claims;
  if (!customerNumber) return { outcome: "unauthorized", reason: "user without a customer number" };

  const principalId = claims.sub;
  const profile = await deps.profiles.get(customerNumber);
  if (profile !== undefined && signedInBeforeRevocation(claims, profile.tokensRevokedAt)) {
    return { outcome: "unauthorized", reason: "token revoked" };
  }
  if (profile?.status !== "ACTIVE")
    return { outcome: "forbidden", principalId, reason: "profile not active" };
  if (!email || profile.email?.toLowerCase() !== email.toLowerCase()) {
    return { outcome: "forbidden", principalId, reason: "not the profile's user" };
  }
  return {
    outcome: "allow",
    principalId,
    customerNumber,
    ...(claims.expiresAt !== undefined ? { expiresAt: claims.expiresAt } : {}),
  };
}

/**
 * Whether the token comes from a sign-in at or before the mark. Claims are whole seconds: a token of
 * the mark's own second is refused, even one issued just after it (signing in again a second later
 * works), so that no token issued before the mark ever passes. A token that does not say when its
 * user signed in is refused once there is a mark.
 */
function signedInBeforeRevocation(claims: VerifiedToken, tokensRevokedAt: string | undefined): boolean {
  if (tokensRevokedAt === undefined) return false;
  const markMs = Date.parse(tokensRevokedAt);
  // An unreadable mark refuses rather than lets in: it was written to take access away.
  if (Number.isNaN(markMs)) return true;
  if (claims.authenticatedAt === undefined) return true;
  return claims.authenticatedAt <= Math.floor(markMs / 1000);
}

export interface CachedAuthorizeOptions {
  /** How long an allow is reused (the token's expiry is the limit whatever this says). */
  readonly ttlSeconds: number;
  readonly now?: () => number;
  /** Allows remembered at most (the oldest is forgotten first). */
  readonly maxEntries?: number;
}

/**
 * `authorize`, with the allows of the last `ttlSeconds` remembered per token (under its SHA-256: no
 * token is kept), never past the token's expiry. Refusals are decided afresh on every request, so
 * that the change that lifts one (the enrollment confirmed) takes effect at once; a change that takes
 * access away (a profile revoked or closed) takes effect within `ttlSeconds` (plus what the
 * directory's own cache adds: ACCESS_LOSS_BOUND_SECONDS in definitions/authorizer.ts).
 */
export function cachedAuthorize(deps: AuthorizeDeps, options: CachedAuthorizeOptions) {
  const ttlMs = options.ttlSeconds * 1000;
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 10_000;
  const allows = new Map<string, { outcome: AuthorizeOutcome; until: number }>();
  return {
    /** Allows remembered now. */
    size: () => allows.size,
    async authorize(header: string | undefined | null): Promise<AuthorizeOutcome> {
      const token = bearerToken(header);
      if (token === null) return authorize(header, deps);
      const key = createHash("sha256").update(token).digest("base64url");
      const hit = allows.get(key);
      if (hit && hit.until > now()) return hit.outcome;
      allows.delete(key);
      // The TTL counts from before the reads: what they saw is at most ttlSeconds old when reused.
      const decidedAt = now();
      const outcome = await authorize(header, deps);
      if (outcome.outcome === "allow") {
        const expiry = outcome.expiresAt === undefined ? Infinity : outcome.expiresAt * 1000;
        const until = Math.min(decidedAt + ttlMs, expiry);
        if (allows.size >= maxEntries) allows.delete(allows.keys().next().value as string);
        if (until > now()) allows.set(key, { outcome, until });
      }
      return outcome;
    },
  };
}
