import {
  AdminUserGlobalSignOutCommand,
  type CognitoIdentityProviderClient,
} from "@aws-sdk/client-cognito-identity-provider";
import type { UserSessions } from "../domain/customer/ports";
import { translate } from "./cognito-identity";
import { logger } from "./logger";

export interface UserSessionsOptions {
  /**
   * The pool is the local emulator (cognito-local 5.3), which has no AdminUserGlobalSignOut: it
   * answers 500 `Unsupported`. There, refresh tokens survive a sign-out; the profile's mark still
   * refuses every token of an earlier sign-in, which is what the API enforces.
   */
  readonly emulator?: boolean;
}

/** The user pool's sessions: AdminUserGlobalSignOut, which revokes every refresh token of the user. */
export function cognitoUserSessions(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  options: UserSessionsOptions = {},
): UserSessions {
  return {
    async signOutEverywhere(username) {
      try {
        await client.send(new AdminUserGlobalSignOutCommand({ UserPoolId: userPoolId, Username: username }));
      } catch (error) {
        const name = (error as { name?: string })?.name;
        // No user: no session left to end (deleted meanwhile, e.g. by support's revoke).
        if (name === "UserNotFoundException") return;
        if (options.emulator && name === "Unsupported") {
          logger.warn("the Cognito emulator cannot revoke refresh tokens; the sign-out mark still applies");
          return;
        }
        translate(error);
      }
    },
  };
}
