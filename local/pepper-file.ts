import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { decodeKeyRing, type KeyRing } from "../lambdas/domain/key-ring";

/**
 * The local stand-ins for the stage's pepper and confirmation-key secrets: random files under
 * .local/, made once. Each holds what the secret holds: a plain key (version "1") or, after a local
 * rotation, a JSON key ring (README "Rotating the pepper").
 */
export function localPepperFile(dir: string): string {
  return join(dir, "pepper");
}

export function localConfirmationKeyFile(dir: string): string {
  return join(dir, "confirmation-key");
}

function ensureKeyFile(file: string): string {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600 });
  }
  return file;
}

export function ensureLocalPepper(dir: string): string {
  return ensureKeyFile(localPepperFile(dir));
}

export function ensureLocalConfirmationKey(dir: string): string {
  return ensureKeyFile(localConfirmationKeyFile(dir));
}

export function readLocalPepper(dir: string): KeyRing {
  return decodeKeyRing(readFileSync(localPepperFile(dir), "utf8"));
}

export function readLocalConfirmationKey(dir: string): KeyRing {
  return decodeKeyRing(readFileSync(localConfirmationKeyFile(dir), "utf8"));
}
