import { readFile } from "node:fs/promises";
import { extname, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayTokenAuthorizerEvent,
} from "aws-lambda";
import { checkLocalDocumentLink, readLocalDocumentsKey } from "../lambdas/adapters/document-links";
import {
  AUTHORIZER_CACHE_TTL_SECONDS,
  AUTHORIZER_HEADER,
  AUTHORIZER_HEADER_PATTERN,
  authorizerFunction,
} from "../lambdas/definitions/authorizer";
import { handlerEntry } from "../lambdas/definitions/bundling";
import { LOCAL_DOCUMENTS_PATH } from "../lambdas/definitions/documents";
import { env, localEnv } from "../lambdas/definitions/environment";
import { type ErrorCode, errors } from "../lambdas/definitions/error-codes";
import { gatewayHeaders } from "../lambdas/definitions/gateway-headers";
import { DEFAULT_WEB_ORIGIN } from "../lambdas/definitions/limits";
import { policyAllows } from "../lambdas/middleware/authorizer-policy";

/**
 * What API Gateway does in front of the signed-in routes, done locally: the same authorizer module
 * (lambdas/handlers/authorizer.ts) with a decision cache keyed on the Authorization header and the
 * same TTL, and the gateway responses' 401/403 in the contract's shape. Also the local stand-in for
 * presigned S3 links: the documents folder, served only through signed, unexpired links.
 */

type TokenAuthorizer = (event: APIGatewayTokenAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;

let authorizerModule: Promise<TokenAuthorizer> | undefined;
function loadAuthorizer(): Promise<TokenAuthorizer> {
  authorizerModule ??= import(pathToFileURL(resolve(handlerEntry(authorizerFunction.entry))).href).then(
    (module: { handler: TokenAuthorizer }) => module.handler,
  );
  return authorizerModule;
}

/** An error as API Gateway's gateway responses send it (lib/api/gateway-responses.ts). */
export function gatewayError(code: ErrorCode, status: number = errors[code].status): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: {
      "Content-Type": "application/json",
      ...gatewayHeaders(process.env[env.webOrigin] ?? DEFAULT_WEB_ORIGIN),
    },
    body: JSON.stringify({ error: { code, message: errors[code].fr } }),
  };
}

export type LocalAuthorization =
  | { readonly allowed: true; readonly authorizer: Record<string, unknown> }
  | { readonly allowed: false; readonly result: APIGatewayProxyResult };

export interface LocalAuthorizerOptions {
  readonly ttlSeconds?: number;
  readonly now?: () => number;
  /** The authorizer function; by default the module API Gateway invokes. */
  readonly authorizer?: TokenAuthorizer;
  /** Decisions kept at most (the oldest is dropped first). */
  readonly maxEntries?: number;
}

/**
 * Authorizes a request for a signed-in route as API Gateway's TOKEN authorizer does: no header, or one
 * that does not match the pattern, is a 401 without invoking the function; "Unauthorized" is a 401;
 * a policy that does not allow this method is a 403; a failing authorizer is a 500. Allow and Deny
 * policies are cached per header value for the TTL.
 */
export function createLocalAuthorizer(options: LocalAuthorizerOptions = {}) {
  const ttlMs = (options.ttlSeconds ?? AUTHORIZER_CACHE_TTL_SECONDS) * 1000;
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 10_000;
  const pattern = new RegExp(AUTHORIZER_HEADER_PATTERN);
  const cache = new Map<string, { result: APIGatewayAuthorizerResult; until: number }>();
  let invocations = 0;

  async function decide(
    token: string,
    methodArn: string,
  ): Promise<APIGatewayAuthorizerResult | "unauthorized"> {
    const hit = cache.get(token);
    if (hit && hit.until > now()) return hit.result;
    cache.delete(token);
    const authorizer = options.authorizer ?? (await loadAuthorizer());
    invocations++;
    try {
      const result = await authorizer({ type: "TOKEN", authorizationToken: token, methodArn });
      if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
      cache.set(token, { result, until: now() + ttlMs });
      return result;
    } catch (error) {
      if ((error as Error)?.message === "Unauthorized") return "unauthorized";
      throw error;
    }
  }

  return {
    /** How many times the authorizer function ran (the rest came from the cache). */
    invocations: () => invocations,
    async authorize(event: APIGatewayProxyEvent): Promise<LocalAuthorization> {
      const wanted = AUTHORIZER_HEADER.toLowerCase();
      const token = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === wanted)?.[1];
      if (!token || !pattern.test(token)) return { allowed: false, result: gatewayError("UNAUTHORIZED") };
      const methodArn = `arn:aws:execute-api:ca-central-1:000000000000:local/local/${event.httpMethod}${event.path}`;
      let decision: APIGatewayAuthorizerResult | "unauthorized";
      try {
        decision = await decide(token, methodArn);
      } catch (error) {
        process.stderr.write(`local API: the authorizer failed: ${String(error)}\n`);
        return { allowed: false, result: gatewayError("INTERNAL_ERROR") };
      }
      if (decision === "unauthorized") return { allowed: false, result: gatewayError("UNAUTHORIZED") };
      if (!policyAllows(decision, methodArn)) return { allowed: false, result: gatewayError("FORBIDDEN") };
      return {
        allowed: true,
        authorizer: { ...decision.context, principalId: decision.principalId, integrationLatency: 0 },
      };
    },
  };
}

const DOCUMENT_KEY = /^[A-Za-z0-9][A-Za-z0-9/._-]{0,255}$/;
const CONTENT_TYPES: Readonly<Record<string, string>> = { ".pdf": "application/pdf" };

export function isLocalDocumentPath(pathname: string): boolean {
  return pathname.startsWith(LOCAL_DOCUMENTS_PATH);
}

/** What S3 does with a presigned GET, locally: the signature and expiry checked, then the file. */
export async function localDocument(
  method: string,
  url: URL,
  now: Date = new Date(),
): Promise<APIGatewayProxyResult> {
  if (method !== "GET" && method !== "HEAD") {
    const result = gatewayError("METHOD_NOT_ALLOWED");
    return { ...result, headers: { ...result.headers, Allow: "GET" } };
  }
  const dir = process.env[localEnv.documentsDir];
  const keyFile = process.env[localEnv.documentsKeyFile];
  let documentKey: string;
  try {
    documentKey = url.pathname
      .slice(LOCAL_DOCUMENTS_PATH.length)
      .split("/")
      .map(decodeURIComponent)
      .join("/");
  } catch {
    return gatewayError("NOT_FOUND");
  }
  if (!dir || !keyFile || !DOCUMENT_KEY.test(documentKey) || documentKey.split("/").includes("..")) {
    return gatewayError("NOT_FOUND");
  }
  const check = checkLocalDocumentLink(
    readLocalDocumentsKey(keyFile),
    documentKey,
    url.searchParams.get("expires"),
    url.searchParams.get("signature"),
    now,
  );
  if (check !== "valid") return gatewayError("FORBIDDEN");
  const root = resolve(dir);
  const file = resolve(root, documentKey);
  if (!file.startsWith(root + sep)) return gatewayError("NOT_FOUND");
  let content: Buffer;
  try {
    content = await readFile(file);
  } catch {
    return gatewayError("NOT_FOUND");
  }
  const name = documentKey.slice(documentKey.lastIndexOf("/") + 1);
  return {
    statusCode: 200,
    headers: {
      "Content-Type": CONTENT_TYPES[extname(name).toLowerCase()] ?? "application/octet-stream",
      "Content-Disposition": `inline; filename="${name}"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
    body: method === "HEAD" ? "" : content.toString("base64"),
    isBase64Encoded: true,
  };
}
