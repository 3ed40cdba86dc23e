import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The demo PDFs, committed: npm start copies them into the local documents folder. */
export const demoDocumentsDir = join(dirname(fileURLToPath(import.meta.url)), "demo", "documents");

export interface LocalDocuments {
  /** The local stand-in for the stage's documents bucket: keys are paths under it. */
  readonly dir: string;
  /** The HMAC key of the local document links, made once. */
  readonly keyFile: string;
}

/** Makes the documents folder under the local directory, with the demo PDFs, and the link key. */
export function ensureLocalDocuments(localDir: string): LocalDocuments {
  const dir = join(localDir, "documents");
  mkdirSync(dir, { recursive: true });
  cpSync(demoDocumentsDir, dir, { recursive: true, force: true });
  const keyFile = join(localDir, "documents-key");
  if (!existsSync(keyFile)) {
    mkdirSync(dirname(keyFile), { recursive: true });
    writeFileSync(keyFile, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600 });
  }
  return { dir, keyFile };
}
