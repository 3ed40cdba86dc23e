/**
 * Variables that only the local stack sets (never the CDK): in AWS their absence selects the real
 * services (the Cognito issuer of the user pool, the documents bucket).
 *
 * Apart from environment.ts and one constant each, for the same reason as its names: a function
 * reads the one or two it needs (`import * as localEnv`).
 */

/** The emulator's token issuer (`http://localhost:PORT/POOL_ID`); its JWKS is under it. */
export const tokenIssuer = "LOCAL_TOKEN_ISSUER";
/** The local API's base URL, that document links point at. */
export const apiUrl = "LOCAL_API_URL";
/** The folder the local API serves documents from (the stand-in for the documents bucket). */
export const documentsDir = "LOCAL_DOCUMENTS_DIR";
/** The file holding the HMAC key of local document links. */
export const documentsKeyFile = "LOCAL_DOCUMENTS_KEY_FILE";
/** The files standing in for the stage's pepper and confirmation-key secrets (.local/). */
export const pepperFile = "PEPPER_FILE";
export const confirmationKeyFile = "CONFIRMATION_KEY_FILE";

/** Every local-only name, by its key. */
export const localEnv = {
  tokenIssuer,
  apiUrl,
  documentsDir,
  documentsKeyFile,
  pepperFile,
  confirmationKeyFile,
} as const;
