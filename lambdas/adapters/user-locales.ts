import {
  AdminUpdateUserAttributesCommand,
  type CognitoIdentityProviderClient,
} from "@aws-sdk/client-cognito-identity-provider";
import { cognitoLocale } from "../definitions/user-pool";
import type { UserLocales } from "../domain/customer/ports";
import { translate } from "./cognito-identity";

/** The user's `locale` in the pool (AdminUpdateUserAttributes, granted to the me function alone). */
export function cognitoUserLocales(client: CognitoIdentityProviderClient, userPoolId: string): UserLocales {
  return {
    async setLanguage(username, language) {
      try {
        await client.send(
          new AdminUpdateUserAttributesCommand({
            UserPoolId: userPoolId,
            Username: username,
            UserAttributes: [{ Name: "locale", Value: cognitoLocale(language) }],
          }),
        );
        return true;
      } catch (error) {
        if ((error as { name?: string })?.name === "UserNotFoundException") return false;
        return translate(error);
      }
    },
  };
}
