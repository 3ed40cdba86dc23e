/**
 * The one declaration of the customer user pool: the CDK stateful stack builds the real pool from it
 * and the local stack creates the same pool on the Cognito emulator.
 */

/** Links a Cognito user to its account. Immutable, and writable by no app client. */
export const CUSTOMER_NUMBER_ATTRIBUTE = "customerNumber";
export const CUSTOMER_NUMBER_CLAIM = `custom:${CUSTOMER_NUMBER_ATTRIBUTE}`;

export const userPoolDefinition = {
  id: "Customers",
  /** Sign-in by e-mail; case-insensitive so that "Jean@x.ca" and "jean@x.ca" are one user. */
  signInCaseSensitive: false,
  passwordMinLength: 10,
  customAttributes: [
    { name: CUSTOMER_NUMBER_ATTRIBUTE, type: "String", mutable: false, minLength: 7, maxLength: 7 },
  ],
  webClient: {
    id: "WebClient",
    /** USER_PASSWORD_AUTH lets a person or a test sign in locally; SRP is what the website uses. */
    authFlows: ["USER_PASSWORD_AUTH", "USER_SRP_AUTH", "REFRESH_TOKEN_AUTH"],
    readAttributes: ["email", "email_verified", "locale", `custom:${CUSTOMER_NUMBER_ATTRIBUTE}`],
    /** No custom:customerNumber here: no app client can change which account a user owns. */
    writeAttributes: ["locale"],
    idTokenValidityMinutes: 60,
    accessTokenValidityMinutes: 60,
    refreshTokenValidityDays: 30,
  },
} as const;

/**
 * The user's `locale` attribute for a language: what Cognito's own messages (a custom message
 * trigger, the hosted pages) go by. Set at enrollment and on every language change of PATCH /v1/me.
 */
export function cognitoLocale(language: "fr" | "en"): "fr-CA" | "en-CA" {
  return language === "en" ? "en-CA" : "fr-CA";
}

export const userPoolEnv = {
  userPoolId: "USER_POOL_ID",
  webClientId: "USER_POOL_CLIENT_ID",
} as const;
