import { createPrivateKey, createSign, generateKeyPairSync, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";

/** Crafted JWTs for the authorizer's tests: expired, forged, unsigned, or signed with a test key. */

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

export interface SigningKey {
  readonly privateKey: KeyObject;
  readonly kid: string;
}

/** An RS256 JWT of these claims, signed with the key. */
export function signJwt(
  payload: Record<string, unknown>,
  key: SigningKey,
  header: Record<string, unknown> = {},
) {
  const head = b64url({ alg: "RS256", typ: "JWT", kid: key.kid, ...header });
  const body = b64url(payload);
  const signature = createSign("RSA-SHA256")
    .update(`${head}.${body}`)
    .sign(key.privateKey)
    .toString("base64url");
  return `${head}.${body}.${signature}`;
}

/** The same claims with `alg: none` and no signature. */
export function unsignedJwt(payload: Record<string, unknown>, kid = "CognitoLocal"): string {
  return `${b64url({ alg: "none", typ: "JWT", kid })}.${b64url(payload)}.`;
}

/** The claims of a JWT, unverified. */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1] as string, "base64url").toString("utf8"));
}

/** The token with other claims but its original signature (a forgery). */
export function withClaims(token: string, changes: Record<string, unknown>): string {
  const [head, , signature] = token.split(".");
  return `${head}.${b64url({ ...claimsOf(token), ...changes })}.${signature}`;
}

/** The token with one character of its signature changed. */
export function withBadSignature(token: string): string {
  const [head, body, signature = ""] = token.split(".");
  const i = Math.floor(signature.length / 2);
  const swapped = signature[i] === "A" ? "B" : "A";
  return `${head}.${body}.${signature.slice(0, i)}${swapped}${signature.slice(i + 1)}`;
}

/**
 * The Cognito emulator's own signing key: it ships in the cognito-local package, so a test can sign
 * an expired token that is otherwise exactly what the emulator issues.
 */
export function cognitoLocalKey(): SigningKey {
  const require = createRequire(import.meta.url);
  const file = require.resolve("cognito-local/lib/keys/cognitoLocal.private.json");
  const { pem } = JSON.parse(readFileSync(file, "utf8")) as { pem: string };
  return { privateKey: createPrivateKey(pem), kid: "CognitoLocal" };
}

/** A test issuer on 127.0.0.1 with its own RSA key and `/.well-known/jwks.json`, like a user pool. */
export async function startTestIssuer(poolId = "ca-central-1_TestPool") {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const kid = "test-key-1";
  let jwksRequests = 0;
  const server = createServer((req, res) => {
    if (req.url === `/${poolId}/.well-known/jwks.json`) {
      jwksRequests++;
      const jwk = { ...publicKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" };
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ keys: [jwk] }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((done) => server.listen({ port: 0, host: "127.0.0.1" }, () => done()));
  const { port } = server.address() as AddressInfo;
  return {
    issuer: `http://127.0.0.1:${port}/${poolId}`,
    key: { privateKey, kid } as SigningKey,
    jwksRequests: () => jwksRequests,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
