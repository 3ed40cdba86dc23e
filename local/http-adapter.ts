import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { handlerEntry } from "../lambdas/definitions/bundling";
import { API_GATEWAY_MAX_BODY_BYTES, MAX_BODY_BYTES } from "../lambdas/definitions/limits";
import { type ApiFunctionName, apiFunctions, matchRoute } from "../lambdas/definitions/routes";
import { invoke, lambdaContext } from "./lambda-runtime";
import { createLocalAuthorizer, gatewayError, isLocalDocumentPath, localDocument } from "./signed-in";
import { installLocalStepUpQueue } from "./step-up-queue";

type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const loaded = new Map<ApiFunctionName, Promise<ProxyHandler>>();

/** Imports a handler module once, the same module API Gateway's Lambda runs (bundled there). */
function loadHandler(name: ApiFunctionName): Promise<ProxyHandler> {
  let handler = loaded.get(name);
  if (!handler) {
    const url = pathToFileURL(resolve(handlerEntry(apiFunctions[name].entry))).href;
    handler = import(url).then((module: { handler: ProxyHandler }) => module.handler);
    loaded.set(name, handler);
  }
  return handler;
}

/**
 * Reads the body, keeping at most one byte more than the handlers accept (so that they answer 413
 * themselves, as on AWS) and refusing to read past API Gateway's cap, as API Gateway does.
 */
async function readBody(req: IncomingMessage): Promise<{ body: string | null; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let kept = 0;
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > API_GATEWAY_MAX_BODY_BYTES) return { body: null, tooLarge: true };
    if (kept <= MAX_BODY_BYTES) {
      chunks.push(chunk);
      kept += chunk.length;
    }
  }
  if (total === 0) return { body: null, tooLarge: false };
  return { body: Buffer.concat(chunks).toString("utf8"), tooLarge: false };
}

/** The API Gateway REST proxy event for a request, as the Lambda integration would receive it. */
export function toProxyEvent(
  req: IncomingMessage,
  url: URL,
  body: string | null,
  resource: string,
  pathParameters: Record<string, string> | null,
  requestId: string,
): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] as string;
    const value = req.rawHeaders[i + 1] as string;
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
    const list = multiValueHeaders[name] ?? [];
    list.push(value);
    multiValueHeaders[name] = list;
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [key, value] of url.searchParams) {
    query[key] = value;
    const list = multiQuery[key] ?? [];
    list.push(value);
    multiQuery[key] = list;
  }
  const method = req.method ?? "GET";
  const hasQuery = Object.keys(query).length > 0;
  return {
    resource,
    path: url.pathname,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      authorizer: null,
      protocol: `HTTP/${req.httpVersion}`,
      httpMethod: method,
      path: url.pathname,
      stage: "local",
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: "local",
      resourcePath: resource,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: req.socket.remoteAddress ?? "127.0.0.1",
        user: null,
        userAgent: req.headers["user-agent"] ?? null,
        userArn: null,
      },
    },
  };
}

function send(res: ServerResponse, result: APIGatewayProxyResult): void {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
  for (const [k, v] of Object.entries(result.multiValueHeaders ?? {})) headers[k] = v.map(String);
  const body = result.isBase64Encoded
    ? Buffer.from(result.body, "base64")
    : Buffer.from(result.body ?? "", "utf8");
  headers["Content-Length"] = String(body.length);
  res.writeHead(result.statusCode, headers);
  res.end(body);
}

/**
 * The local API: turns each HTTP request into a REST proxy event for the handler that the route table
 * names (or the fallback handler: 404, 405, preflight), exactly as API Gateway does in the cloud.
 */
export function createApiServer(): Server {
  installLocalStepUpQueue();
  // The signed-in routes' authorizer, with its decision cache: one per server, like one per API.
  const authorizer = createLocalAuthorizer();
  return createServer(async (req, res) => {
    const requestId = randomUUID();
    try {
      const url = new URL(req.url ?? "/", "http://localhost");
      const { body, tooLarge } = await readBody(req);
      if (tooLarge) {
        // What API Gateway answers itself (its REQUEST_TOO_LARGE gateway response).
        send(res, gatewayError("PAYLOAD_TOO_LARGE"));
        return;
      }
      // Local only (no such route in AWS): the stand-in for presigned S3 links to documents.
      if (isLocalDocumentPath(url.pathname)) {
        send(res, await localDocument(req.method ?? "GET", url));
        return;
      }
      const match = matchRoute(req.method ?? "GET", url.pathname);
      const name: ApiFunctionName = match ? match.route.function : "fallback";
      const resource = match ? match.route.path : "/{proxy+}";
      const event = toProxyEvent(req, url, body, resource, match ? match.pathParameters : null, requestId);
      if (match?.route.auth) {
        // As API Gateway: the authorizer first; its context reaches the handler, its refusal the client.
        const authorization = await authorizer.authorize(event);
        if (!authorization.allowed) {
          send(res, authorization.result);
          return;
        }
        event.requestContext.authorizer = authorization.authorizer;
      }
      const handler = await loadHandler(name);
      send(res, await invoke(handler, event, lambdaContext(name, requestId)));
    } catch (error) {
      // What API Gateway gives when the integration fails: a 502 with no detail.
      process.stderr.write(`local API: ${req.method} ${req.url} failed: ${String(error)}\n`);
      if (!res.headersSent) {
        send(res, {
          statusCode: 502,
          headers: { "Content-Type": "application/json", "Cache-Control": "no-store" },
          body: JSON.stringify({ error: { code: "INTERNAL_ERROR", message: "Erreur interne." } }),
        });
      }
    }
  });
}
