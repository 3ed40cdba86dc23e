import { readFile } from "node:fs/promises";
import { getSecret } from "@aws-lambda-powertools/parameters/secrets";
import { env } from "../definitions/environment";

/**
 * The HMAC pepper of the verification hashes. In AWS: the stage's Secrets Manager secret, read once
 * per cold start through Powertools parameters (cached). Locally: PEPPER_FILE, a file under .local/.
 */
let cached: Promise<Uint8Array> | undefined;

export function loadPepper(source: NodeJS.ProcessEnv = process.env): Promise<Uint8Array> {
  cached ??= readPepper(source).catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

async function readPepper(source: NodeJS.ProcessEnv): Promise<Uint8Array> {
  const file = source.PEPPER_FILE;
  if (file) return decodePepper((await readFile(file, "utf8")).trim());
  const name = source[env.pepperSecretName];
  if (!name)
    throw new Error(`Neither PEPPER_FILE nor ${env.pepperSecretName} is set: no pepper for the hashes.`);
  const secret = await getSecret<string>(name, { maxAge: 3600 });
  if (typeof secret !== "string") throw new Error("The pepper secret has no string value.");
  return decodePepper(secret);
}

/** The secret is base64 (local file) or any string of at least 32 characters (generated secret). */
export function decodePepper(value: string): Uint8Array {
  if (value.length < 32) throw new Error("The pepper is too short: at least 32 characters are needed.");
  return new TextEncoder().encode(value);
}
