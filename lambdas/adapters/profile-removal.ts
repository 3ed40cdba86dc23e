import type { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { RemovalDeps } from "../domain/customer/remove-profile";
import { cognitoIdentity } from "./cognito-identity";
import { customerProfiles } from "./customer-profiles";
import { profileRemovals } from "./profile-store";

/**
 * What removeProfile works with, from the profiles table and the user pool: one wiring for the `me`
 * function, the support CLI and the import. A module of its own, so that no other function's
 * bundle carries the Cognito commands of a removal.
 */
export function profileRemovalDeps(
  client: DynamoDBDocumentClient,
  profilesTable: string,
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  now: () => Date = () => new Date(),
): RemovalDeps {
  return {
    profiles: customerProfiles(client, profilesTable),
    removals: profileRemovals(client, profilesTable),
    identity: cognitoIdentity(cognito, userPoolId),
    now,
  };
}
