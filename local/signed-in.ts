import { readFile } from "node:fs/promises";
import { extname, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayRequestAuthorizerEvent,
  Context,
} from "aws-lambda";
import { checkLocalDocumentLink, readLocalDocumentsKey } from "../lambdas/adapters/document-links";
import { authorizerFunction } from "../lambdas/definitions/authorizer";
import { handlerEntry } from "../lambdas/definitions/bundling";
import { LOCAL_DOCUMENTS_PATH } from "../lambdas/definitions/documents";
import { env, localEnv } from "../lambdas/definitions/environment";
import { type ErrorCode, errors } from "../lambdas/definitions/error-codes";
import { gatewayHeaders } from "../lambdas/definitions/gateway-headers";
import { DEFAULT_WEB_ORIGIN } from "../lambdas/definitions/limits";
import { policyAllows } from "../lambdas/middleware/authorizer-policy";
import { invoke, lambdaContext } from "./lambda-runtime";

/**
 * What API Gateway does in front of the signed-in routes, done locally: the same authorizer module
 * (lambdas/handlers/authorizer.ts), invoked as the REQUEST authorizer of the stack (no identity
 * source, no API Gateway cache: for every request, header or not), its policy evaluated, its context
 * handed to the route. Also the local stand-in for presigned S3 links: the documents folder, served
 * only through signed, unexpired links.
 */

type RequestAuthorizer = (
  event: APIGatewayRequestAuthorizerEvent,
  context: Context,
) => Promise<APIGatewayAuthorizerResult>;

let authorizerModule: Promise<RequestAuthorizer> | undefined;
function loadAuthorizer(): Promise<RequestAuthorizer> {
  authorizerModule ??= import(pathToFileURL(resolve(handlerEntry(authorizerFunction.entry))).href).then(
    (module: { handler: RequestAuthorizer }) => module.handler,
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
  /** The authorizer function; by default the module API Gateway invokes. */
  readonly authorizer?: RequestAuthorizer;
}

/** The REQUEST authorizer event of a proxy event, as API Gateway builds it. */
export function authorizerEvent(event: APIGatewayProxyEvent): APIGatewayRequestAuthorizerEvent {
  return {
    type: "REQUEST",
    methodArn: `arn:aws:execute-api:ca-central-1:000000000000:local/local/${event.httpMethod}${event.path}`,
    resource: event.resource,
    path: event.path,
    httpMethod: event.httpMethod,
    headers: event.headers,
    multiValueHeaders: event.multiValueHeaders,
    pathParameters: event.pathParameters,
    queryStringParameters: event.queryStringParameters,
    multiValueQueryStringParameters: event.multiValueQueryStringParameters,
    stageVariables: event.stageVariables,
    requestContext: { ...event.requestContext, authorizer: undefined },
  };
}

/**
 * Authorizes a request for a signed-in route as API Gateway does with the stack's authorizer: the
 * function runs for every request (in its own invocation, with its own request id); a policy that
 * does not allow the method is a 403 and a failing function a 500 (gateway responses; neither
 * happens with this authorizer, which always Allows and says what it judged in the context).
 */
export function createLocalAuthorizer(options: LocalAuthorizerOptions = {}) {
  let invocations = 0;
  return {
    /** How many times the authorizer function ran. */
    invocations: () => invocations,
    async authorize(event: APIGatewayProxyEvent): Promise<LocalAuthorization> {
      const request = authorizerEvent(event);
      const authorizer = options.authorizer ?? (await loadAuthorizer());
      let decision: APIGatewayAuthorizerResult;
      try {
        invocations++;
        decision = await invoke(authorizer, request, lambdaContext(authorizerFunction.name));
      } catch (error) {
        process.stderr.write(`local API: the authorizer failed: ${String(error)}\n`);
        return { allowed: false, result: gatewayError("INTERNAL_ERROR") };
      }
      if (!policyAllows(decision, request.methodArn))
        return { allowed: false, result: gatewayError("FORBIDDEN") };
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
