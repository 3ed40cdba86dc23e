import {
  AdminGetUserCommand,
  type CognitoIdentityProviderClient,
} from "@aws-sdk/client-cognito-identity-provider";
import { USER_DIRECTORY_CACHE_TTL_SECONDS } from "../definitions/authorizer";
import { CUSTOMER_NUMBER_CLAIM } from "../definitions/user-pool";
import type { UserDirectory, UserIdentity } from "../domain/customer/ports";
import { DependencyUnavailableError } from "../domain/enrollment/ports";

export interface UserDirectoryOptions {
  /**
   * How long a user's identity is reused (the customer number never changes, the e-mail cannot):
   * also how long a user disabled or deleted in the pool may still be taken for an enabled one.
   */
  readonly ttlSeconds?: number;
  /** Users remembered at most (the oldest is forgotten first). */
  readonly maxEntries?: number;
  readonly now?: () => number;
}

const THROTTLED = new Set(["TooManyRequestsException", "LimitExceededException", "ThrottlingException"]);

/**
 * Whether a user of the pool still exists and is enabled, with its customer number and e-mail
 * (AdminGetUser), remembered per user for USER_DIRECTORY_CACHE_TTL_SECONDS: an access token carries
 * neither claim, and no token says that its user was disabled since it was issued. A missing or
 * disabled user is never remembered: the next request asks again.
 */
export function cognitoUserDirectory(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  options: UserDirectoryOptions = {},
): UserDirectory & { readonly size: () => number } {
  const ttlMs = (options.ttlSeconds ?? USER_DIRECTORY_CACHE_TTL_SECONDS) * 1000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { identity: UserIdentity; until: number }>();
  return {
    size: () => cache.size,
    async lookup(username) {
      const hit = cache.get(username);
      if (hit && hit.until > now()) return hit.identity;
      cache.delete(username);
      // The TTL counts from before the call: the answer is at most ttlSeconds old when reused.
      const askedAt = now();
      let attributes: { Name?: string; Value?: string }[];
      try {
        const out = await client.send(
          new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }),
        );
        if (out.Enabled === false) return null;
        attributes = out.UserAttributes ?? [];
      } catch (error) {
        const name = (error as { name?: string })?.name ?? "";
        if (name === "UserNotFoundException") return null;
        if (THROTTLED.has(name)) throw new DependencyUnavailableError("Cognito", 2);
        throw error;
      }
      const value = (attribute: string) => attributes.find((a) => a.Name === attribute)?.Value;
      const customerNumber = value(CUSTOMER_NUMBER_CLAIM);
      const email = value("email");
      const identity: UserIdentity = {
        ...(customerNumber ? { customerNumber } : {}),
        ...(email ? { email } : {}),
      };
      if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
      cache.set(username, { identity, until: askedAt + ttlMs });
      return identity;
    },
  };
}
