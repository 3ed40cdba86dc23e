import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  CognitoIdentityProviderClient,
} from "@aws-sdk/client-cognito-identity-provider";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { CUSTOMER_NUMBER_CLAIM, cognitoLocale } from "../definitions/user-pool";
import {
  DependencyUnavailableError,
  type EnrollmentIdentity,
  type IdentityProvider,
  PasswordRejectedError,
} from "../domain/enrollment/ports";

/** The function's one Cognito client; locally AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER points it at the emulator. */
let shared: CognitoIdentityProviderClient | undefined;
export function cognitoClient(): CognitoIdentityProviderClient {
  shared ??= new CognitoIdentityProviderClient({
    maxAttempts: 2,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 1000, requestTimeout: 3000 }),
  });
  return shared;
}

const THROTTLED = new Set(["TooManyRequestsException", "LimitExceededException", "ThrottlingException"]);
const UNAVAILABLE = new Set([
  "InternalErrorException",
  "ServiceUnavailableException",
  "TimeoutError",
  "RequestTimeout",
]);

/** Throttling and outages become DependencyUnavailableError (503 + Retry-After), never a 500. */
export function translate(error: unknown): never {
  const name = (error as { name?: string })?.name ?? "";
  if (THROTTLED.has(name)) throw new DependencyUnavailableError("Cognito", 2);
  if (UNAVAILABLE.has(name) || (error as { code?: string })?.code === "ECONNREFUSED") {
    throw new DependencyUnavailableError("Cognito", 5);
  }
  if (name === "InvalidPasswordException") throw new PasswordRejectedError();
  throw error;
}

const isNotFound = (error: unknown) => (error as { name?: string })?.name === "UserNotFoundException";

/**
 * Customers in the user pool: the e-mail is the sign-in name, `custom:customerNumber` links the user
 * to its account and is set once at creation (immutable; no app client may write it).
 */
export function cognitoUsers(client: CognitoIdentityProviderClient, userPoolId: string): EnrollmentIdentity {
  return {
    async createUser(email, customerNumber, language) {
      try {
        await client.send(
          new AdminCreateUserCommand({
            UserPoolId: userPoolId,
            Username: email,
            MessageAction: "SUPPRESS",
            UserAttributes: [
              { Name: "email", Value: email },
              { Name: "email_verified", Value: "false" },
              { Name: "locale", Value: cognitoLocale(language) },
              { Name: CUSTOMER_NUMBER_CLAIM, Value: customerNumber },
            ],
          }),
        );
        return "created";
      } catch (error) {
        if ((error as { name?: string })?.name === "UsernameExistsException") return "exists";
        return translate(error);
      }
    },

    async customerNumberOf(email) {
      try {
        const out = await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: email }));
        return out.UserAttributes?.find((a) => a.Name === CUSTOMER_NUMBER_CLAIM)?.Value ?? null;
      } catch (error) {
        if (isNotFound(error)) return null;
        return translate(error);
      }
    },

    async setPassword(email, password) {
      try {
        await client.send(
          new AdminSetUserPasswordCommand({
            UserPoolId: userPoolId,
            Username: email,
            Password: password,
            Permanent: true,
          }),
        );
      } catch (error) {
        translate(error);
      }
    },

    async deleteUser(email) {
      try {
        await client.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: email }));
      } catch (error) {
        if (!isNotFound(error)) translate(error);
      }
    },
  };
}

/**
 * The user pool as confirmation and removal use it too: the enrollment's calls, and marking the
 * address verified or disabling a user. Apart from cognitoUsers so that the enrollments function
 * bundles neither these methods nor their commands' schemas.
 */
export function cognitoIdentity(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
): IdentityProvider & { disableUser(email: string): Promise<void> } {
  return {
    ...cognitoUsers(client, userPoolId),

    /** The user can no longer sign in (nor refresh); harmless for a user that does not exist. */
    async disableUser(email: string) {
      try {
        await client.send(new AdminDisableUserCommand({ UserPoolId: userPoolId, Username: email }));
      } catch (error) {
        if (!isNotFound(error)) translate(error);
      }
    },

    async markEmailVerified(email) {
      try {
        await client.send(
          new AdminUpdateUserAttributesCommand({
            UserPoolId: userPoolId,
            Username: email,
            // The e-mail with it: the same value, so nothing changes but the flag (the emulator needs it too).
            UserAttributes: [
              { Name: "email", Value: email },
              { Name: "email_verified", Value: "true" },
            ],
          }),
        );
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        return translate(error);
      }
    },
  };
}
