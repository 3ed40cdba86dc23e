import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { decodePepper } from "../lambdas/adapters/pepper";

/** The local stand-in for the stage's pepper secret: a random file under .local/, made once. */
export function localPepperFile(dir: string): string {
  return join(dir, "pepper");
}

export function ensureLocalPepper(dir: string): string {
  const file = localPepperFile(dir);
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600 });
  }
  return file;
}

export function readLocalPepper(dir: string): Uint8Array {
  return decodePepper(readFileSync(localPepperFile(dir), "utf8").trim());
}
