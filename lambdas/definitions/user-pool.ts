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
    /**
     * What a deployed stage allows: SRP (the password never leaves the browser, which is what the
     * website uses) and refresh. Read through webClientAuthFlows(), never directly.
     */
    authFlows: ["USER_SRP_AUTH", "REFRESH_TOKEN_AUTH"],
    /**
     * Added on the local stack only: the emulator (cognito-local) has no SRP, and a person or a test
     * signs in there with the password itself. A deployed client that accepted it would let anyone
     * who holds a password sign in without the SRP proof, and send it in clear to Cognito.
     */
    localOnlyAuthFlows: ["USER_PASSWORD_AUTH"],
    // The claim by name, not a template literal here: esbuild keeps an object holding a template
    // literal (it may call toString), so every function using the claim bundled the whole pool.
    readAttributes: ["email", "email_verified", "locale", CUSTOMER_NUMBER_CLAIM],
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

/** Where the web client is created: a deployed stage (the CDK) or the local stack (the emulator). */
export type UserPoolTarget = "deployed" | "local";

/** The web client's sign-in flows on a deployed stage, or on the local stack. */
export function webClientAuthFlows(target: UserPoolTarget): readonly string[] {
  const { authFlows, localOnlyAuthFlows } = userPoolDefinition.webClient;
  return target === "local" ? [...localOnlyAuthFlows, ...authFlows] : authFlows;
}

export const userPoolEnv = {
  userPoolId: "USER_POOL_ID",
  webClientId: "USER_POOL_CLIENT_ID",
} as const;
