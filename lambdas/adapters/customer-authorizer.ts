import { AUTHORIZER_CACHE_TTL_SECONDS, USER_DIRECTORY_CACHE_TTL_SECONDS } from "../definitions/authorizer";
import { cachedAuthorize } from "../domain/customer/authorize";
import { cognitoClient } from "./cognito-identity";
import { customerProfiles } from "./customer-profiles";
import { documentClient } from "./dynamodb";
import { runtimeConfig } from "./runtime-config";
import { cognitoTokenVerifier, tokenVerifierConfigFromEnv } from "./token-verifier";
import { cognitoUserDirectory } from "./user-directory";

/**
 * The authorizer's decisions as the handler makes them: the stage's verifier, user pool and profiles
 * table, behind both cache layers with the TTLs that ACCESS_LOSS_BOUND_SECONDS adds up. One clock for
 * both, so that a test can move it and see the bound hold with the very caches that run in AWS.
 */
export function customerAuthorizer(
  options: { readonly now?: () => number; readonly prefetchKeys?: (error: unknown) => void } = {},
) {
  const config = runtimeConfig();
  const verifierConfig = tokenVerifierConfigFromEnv();
  const now = options.now ?? Date.now;
  return cachedAuthorize(
    {
      verifier: cognitoTokenVerifier(
        verifierConfig,
        options.prefetchKeys ? { prefetchKeys: options.prefetchKeys } : {},
      ),
      directory: cognitoUserDirectory(cognitoClient(), verifierConfig.userPoolId, {
        ttlSeconds: USER_DIRECTORY_CACHE_TTL_SECONDS,
        now,
      }),
      profiles: customerProfiles(documentClient(), config.tables.profiles),
    },
    { ttlSeconds: AUTHORIZER_CACHE_TTL_SECONDS, now },
  );
}
