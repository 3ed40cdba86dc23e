/**
 * A versioned set of HMAC keys (the pepper, the confirmation key), so that a key can be rotated
 * without breaking what the old one made: new values are made with `current`, stored values name
 * the version they were made with, and every version still listed can check them.
 *
 * A secret's value is either a plain string (one key, version "1": what the stages and the local
 * .local/ files held before versions existed, so they keep working unchanged) or a JSON key ring:
 * `{"current":"2","keys":{"1":"…","2":"…"}}`. Pure (no AWS SDK), so tools and benchmarks parse
 * secrets without loading the Secrets Manager client.
 */
export interface KeyRing {
  readonly current: string;
  readonly keys: ReadonlyMap<string, Uint8Array>;
}

/** The version of a plain-string secret, and of a stored hash that names none. */
export const FIRST_KEY_VERSION = "1";

/** Digits only: short, ordered as operators count them, and never a ":" (the hash prefix ends there). */
const VERSION = /^[1-9][0-9]{0,8}$/;

export function isKeyVersion(value: string): boolean {
  return VERSION.test(value);
}

/** A key is any string of at least 32 characters (a generated secret, or base64 of 32 bytes). */
export function decodeKey(value: string): Uint8Array {
  if (value.length < 32) throw new Error("The key is too short: at least 32 characters are needed.");
  return new TextEncoder().encode(value);
}

export function singleKeyRing(key: Uint8Array): KeyRing {
  return { current: FIRST_KEY_VERSION, keys: new Map([[FIRST_KEY_VERSION, key]]) };
}

/**
 * Parses a secret's value. Errors never quote the value (JSON.parse's own message shows a piece
 * of its input, which would put key material in a log).
 */
export function decodeKeyRing(value: string): KeyRing {
  const text = value.trim();
  if (!text.startsWith("{")) return singleKeyRing(decodeKey(text));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error("The key ring is not valid JSON.");
  }
  const { current, keys } = (parsed ?? {}) as { current?: unknown; keys?: unknown };
  if (typeof current !== "string" || !isKeyVersion(current)) {
    throw new Error('The key ring needs "current": a version of digits, e.g. "2".');
  }
  if (typeof keys !== "object" || keys === null || Array.isArray(keys)) {
    throw new Error('The key ring needs "keys": an object of version → key.');
  }
  const ring = new Map<string, Uint8Array>();
  for (const [version, key] of Object.entries(keys)) {
    if (!isKeyVersion(version))
      throw new Error(`The key ring has an invalid version name (${version.length} characters).`);
    if (typeof key !== "string") throw new Error(`The key of version ${version} is not a string.`);
    try {
      ring.set(version, decodeKey(key));
    } catch (error) {
      throw new Error(`Version ${version}: ${(error as Error).message}`);
    }
  }
  if (!ring.has(current)) throw new Error(`The key ring has no key for its current version ${current}.`);
  return { current, keys: ring };
}

export function currentKey(ring: KeyRing): Uint8Array {
  const key = ring.keys.get(ring.current);
  if (!key) throw new Error(`The key ring has no key for its current version ${ring.current}.`);
  return key;
}
