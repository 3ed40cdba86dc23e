import { createHmac, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import {
  DOCUMENT_LINK_TTL_SECONDS,
  DOCUMENTS_BUCKET_ENV,
  LOCAL_DOCUMENTS_PATH,
} from "../definitions/documents";
import { localEnv } from "../definitions/environment";
import type { DocumentLinks } from "../domain/customer/ports";

/**
 * Short-lived links to the bill and contract PDFs. In AWS: presigned GETs of the stage's private
 * documents bucket (the function's role must be able to read the object; S3 checks the signature,
 * the expiry and TLS). Locally: links to the local adapter, signed with a key under .local/, which
 * the adapter checks the same way before serving the file from its folder.
 */

let shared: S3Client | undefined;
/** The function's one S3 client; presigning makes no call, it only signs with the role's credentials. */
export function s3Client(): S3Client {
  shared ??= new S3Client({});
  return shared;
}

/** `inline; filename="B-2026-11-1234567.pdf"`: shown in the browser, printable, with its own name. */
function disposition(documentKey: string): string {
  const name = documentKey.slice(documentKey.lastIndexOf("/") + 1).replace(/[^A-Za-z0-9._-]/g, "_");
  return `inline; filename="${name}"`;
}

export function s3DocumentLinks(
  client: S3Client,
  bucket: string,
  ttlSeconds = DOCUMENT_LINK_TTL_SECONDS,
): DocumentLinks {
  return {
    urlFor: (documentKey) =>
      getSignedUrl(
        client,
        new GetObjectCommand({
          Bucket: bucket,
          Key: documentKey,
          ResponseContentType: "application/pdf",
          ResponseContentDisposition: disposition(documentKey),
        }),
        { expiresIn: ttlSeconds },
      ),
  };
}

/** The signature of a local link: HMAC-SHA256 of the method, the key and the expiry, base64url. */
export function localDocumentSignature(secret: Uint8Array, documentKey: string, expires: number): string {
  return createHmac("sha256", secret).update(`GET\n${documentKey}\n${expires}`).digest("base64url");
}

export interface LocalLinkOptions {
  /** The local API's base URL, e.g. http://localhost:3000. */
  readonly baseUrl: string;
  readonly secret: Uint8Array;
  readonly ttlSeconds?: number;
  readonly now?: () => Date;
}

export function localDocumentLinks(options: LocalLinkOptions): DocumentLinks {
  const base = options.baseUrl.replace(/\/+$/, "");
  const ttl = options.ttlSeconds ?? DOCUMENT_LINK_TTL_SECONDS;
  const now = options.now ?? (() => new Date());
  return {
    async urlFor(documentKey) {
      const expires = Math.floor(now().getTime() / 1000) + ttl;
      const path = documentKey.split("/").map(encodeURIComponent).join("/");
      const signature = localDocumentSignature(options.secret, documentKey, expires);
      return `${base}${LOCAL_DOCUMENTS_PATH}${path}?expires=${expires}&signature=${signature}`;
    },
  };
}

export type LocalLinkCheck = "valid" | "expired" | "invalid";

/** The local adapter's check of a link, in constant time for the signature. */
export function checkLocalDocumentLink(
  secret: Uint8Array,
  documentKey: string,
  expires: string | null,
  signature: string | null,
  now: Date = new Date(),
): LocalLinkCheck {
  if (!expires || !/^\d{1,12}$/.test(expires) || !signature) return "invalid";
  const expected = Buffer.from(localDocumentSignature(secret, documentKey, Number(expires)));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return "invalid";
  return Number(expires) * 1000 <= now.getTime() ? "expired" : "valid";
}

/** The local link key, read from its file (made by the local stack). */
export function readLocalDocumentsKey(file: string): Uint8Array {
  const text = readFileSync(file, "utf8").trim();
  if (text.length < 32) throw new Error(`${file}: the local documents key is too short.`);
  return new TextEncoder().encode(text);
}

/**
 * The links of this function: S3 when it was granted the documents bucket (DOCUMENTS_BUCKET), the
 * local adapter's when the local stack set its variables. Settled at the first link, so that a
 * route without documents never needs either.
 */
export function documentLinksFromEnv(source: NodeJS.ProcessEnv = process.env): DocumentLinks {
  let links: DocumentLinks | undefined;
  const resolve = (): DocumentLinks => {
    const bucket = source[DOCUMENTS_BUCKET_ENV];
    if (bucket) return s3DocumentLinks(s3Client(), bucket);
    const keyFile = source[localEnv.documentsKeyFile];
    const baseUrl = source[localEnv.apiUrl];
    if (keyFile && baseUrl) return localDocumentLinks({ baseUrl, secret: readLocalDocumentsKey(keyFile) });
    throw new Error(
      `Neither ${DOCUMENTS_BUCKET_ENV} nor ${localEnv.documentsKeyFile} and ${localEnv.apiUrl} are set: ` +
        "no way to link to documents.",
    );
  };
  return {
    async urlFor(documentKey) {
      links ??= resolve();
      return links.urlFor(documentKey);
    },
  };
}
