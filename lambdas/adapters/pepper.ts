import { readFile } from "node:fs/promises";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import * as env from "../definitions/environment";
import * as localEnv from "../definitions/local-environment";
import { DependencyUnavailableError } from "../domain/enrollment/ports";
import { currentKey, decodeKeyRing, type KeyRing } from "../domain/key-ring";

/**
 * The HMAC keys the functions read from Secrets Manager (locally: files under .local/): the pepper
 * of the verification hashes, and the confirmation key of the confirmation tokens. Each secret's
 * value is a key ring (lambdas/domain/key-ring.ts); a plain string is its version "1".
 */

/**
 * How long a read secret is used before it is read again: a rotated secret (README "Rotating the
 * pepper") reaches every warm instance within this time. The rotation procedure waits this long.
 */
export const SECRET_MAX_AGE_SECONDS = 3600;

/** Where one secret is: a local file, or the name of a stage's secret, each in its variable. */
interface SecretLocation {
  readonly fileVar: string;
  readonly nameVar: string;
  readonly what: string;
}

const PEPPER: SecretLocation = {
  fileVar: localEnv.pepperFile,
  nameVar: env.pepperSecretName,
  what: "pepper for the hashes",
};
const CONFIRMATION_KEY: SecretLocation = {
  fileVar: localEnv.confirmationKeyFile,
  nameVar: env.confirmationKeySecretName,
  what: "key for the confirmation tokens",
};

/**
 * One GetSecretValue call, not Powertools parameters: its provider, transforms and cache (which the
 * reader below bypasses anyway) cost ~6 KiB in every function that reads a key, for one call.
 */
let secrets: SecretsManagerClient | undefined;
function secretsClient(): SecretsManagerClient {
  secrets ??= new SecretsManagerClient({ maxAttempts: 5 });
  return secrets;
}

const THROTTLED = new Set(["ThrottlingException", "TooManyRequestsException"]);
const UNAVAILABLE = new Set(["InternalServiceError", "ServiceUnavailable", "TimeoutError", "RequestTimeout"]);

/** Secrets Manager throttled or down: a 503 with Retry-After (never a 500); anything else is ours. */
function translate(error: unknown): never {
  const name = (error as { name?: string })?.name ?? "";
  if (THROTTLED.has(name)) throw new DependencyUnavailableError("Secrets Manager", 2);
  if (UNAVAILABLE.has(name) || (error as { code?: string })?.code === "ECONNREFUSED") {
    throw new DependencyUnavailableError("Secrets Manager", 5);
  }
  throw error;
}

function secretReader(location: SecretLocation, source: NodeJS.ProcessEnv): () => Promise<string> {
  return async () => {
    const file = source[location.fileVar];
    if (file) return readFile(file, "utf8");
    const name = source[location.nameVar];
    if (!name)
      throw new Error(`Neither ${location.fileVar} nor ${location.nameVar} is set: no ${location.what}.`);
    // Fetched every time this module asks: the age is kept below (refreshingKeyRing).
    const { SecretString } = await secretsClient()
      .send(new GetSecretValueCommand({ SecretId: name }))
      .catch(translate);
    if (typeof SecretString !== "string") throw new Error(`The secret ${name} has no string value.`);
    return SecretString;
  };
}

/**
 * A key ring read through `read`, kept for `maxAgeSeconds` and read again after (not forever: a
 * rotated secret must reach warm instances). Callers in the meantime share the one read; a failed
 * read is forgotten at once, so the next call tries again instead of failing for an hour.
 */
export function refreshingKeyRing(
  read: () => Promise<string>,
  options: { readonly maxAgeSeconds?: number; readonly now?: () => number } = {},
): () => Promise<KeyRing> {
  const maxAgeMs = (options.maxAgeSeconds ?? SECRET_MAX_AGE_SECONDS) * 1000;
  const now = options.now ?? Date.now;
  let cached: { readonly ring: Promise<KeyRing>; readonly until: number } | undefined;
  return () => {
    const t = now();
    if (!cached || t >= cached.until) {
      const entry = { ring: read().then(decodeKeyRing), until: t + maxAgeMs };
      cached = entry;
      entry.ring.catch(() => {
        if (cached === entry) cached = undefined;
      });
    }
    return cached.ring;
  };
}

let pepper: (() => Promise<KeyRing>) | undefined;
let confirmationKey: (() => Promise<KeyRing>) | undefined;

/**
 * Starts the first read of the pepper at module load, so that it runs in Lambda's init phase (before
 * the first request, at the function's full CPU) and the first verification finds it read. A failure
 * is only reported: the ring forgets a failed read, so the first request that needs the pepper reads
 * it again, and answers the contract's 503 if Secrets Manager is still down. Init never crashes.
 */
export function prefetchPepper(onFailure: (error: unknown) => void, source: NodeJS.ProcessEnv = process.env) {
  loadPepper(source).catch(onFailure);
}

/** The pepper's key ring: the verifications and step-up-codes functions (and the local API). */
export function loadPepper(source: NodeJS.ProcessEnv = process.env): Promise<KeyRing> {
  pepper ??= refreshingKeyRing(secretReader(PEPPER, source));
  return pepper();
}

/** The current confirmation key: the enrollments function only (it never reads the pepper). */
export async function loadConfirmationKey(source: NodeJS.ProcessEnv = process.env): Promise<Uint8Array> {
  confirmationKey ??= refreshingKeyRing(secretReader(CONFIRMATION_KEY, source));
  return currentKey(await confirmationKey());
}

/** The pepper secret's value, decoded: the key ring the import hashes with (tools, tests). */
export const decodePepper: (value: string) => KeyRing = decodeKeyRing;
