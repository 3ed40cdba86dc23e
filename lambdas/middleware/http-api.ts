import middy from "@middy/core";
import httpHeaderNormalizer from "@middy/http-header-normalizer";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import type * as z from "zod/v4/core";
import { logger } from "../adapters/observability";
import * as env from "../definitions/environment";
import * as codes from "../definitions/error-codes";
import { DEFAULT_SUPPORT_PHONE, DEFAULT_WEB_ORIGIN, MAX_BODY_BYTES } from "../definitions/limits";
import { corsAllowedHeaders, corsExposedHeaders } from "../definitions/routes";
import { ApiError, type FieldError } from "../domain/api-error";
import { DependencyUnavailableError, PasswordRejectedError } from "../domain/enrollment/ports";
import { type Language, preferredLanguage } from "../domain/language";
import { observability } from "./observability";

export interface HttpConfig {
  /** The one browser origin allowed to call the API (CORS). */
  readonly webOrigin: string;
  readonly supportPhone: string;
}

export function httpConfigFromEnv(source: NodeJS.ProcessEnv = process.env): HttpConfig {
  return {
    webOrigin: source[env.webOrigin] ?? DEFAULT_WEB_ORIGIN,
    supportPhone: source[env.supportPhone] ?? DEFAULT_SUPPORT_PHONE,
  };
}

export interface ApiRequest<B> {
  readonly body: B;
  readonly language: Language;
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly event: APIGatewayProxyEvent;
}

export interface ApiResult {
  readonly statusCode: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Headers every response carries, whatever its status. */
const baseHeaders = {
  "Content-Type": "application/json; charset=utf-8",
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
  "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
  "Referrer-Policy": "no-referrer",
} as const;

function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  // httpHeaderNormalizer lower-cases header names; read them lower-case, whatever the source.
  return event.headers?.[name.toLowerCase()] ?? undefined;
}

/** CORS headers for the stage's web origin only; any other origin gets none. */
export function corsHeaders(event: APIGatewayProxyEvent, config: HttpConfig): Record<string, string> {
  const origin = header(event, "origin");
  if (origin === undefined || origin !== config.webOrigin) return {};
  return {
    "Access-Control-Allow-Origin": origin,
    "Access-Control-Expose-Headers": corsExposedHeaders.join(", "),
    Vary: "Origin",
  };
}

export function preflightHeaders(methods: readonly string[]): Record<string, string> {
  return {
    "Access-Control-Allow-Methods": [...methods, "OPTIONS"].join(", "),
    "Access-Control-Allow-Headers": corsAllowedHeaders.join(", "),
    "Access-Control-Max-Age": "600",
  };
}

/** The contract's error body, in the request's language. */
export function errorBody(error: ApiError, language: Language, supportPhone: string): unknown {
  const template: string = error.options.message?.[language] ?? error.definition[language];
  const message = template.replaceAll("{supportPhone}", supportPhone);
  return {
    error: {
      code: error.code,
      message,
      ...(error.options.fields && error.options.fields.length > 0 ? { fields: error.options.fields } : {}),
    },
  };
}

/** The value at a path of the parsed body (zod 4 issues do not carry their input). */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** Maps zod issues to the contract's `fields`: a schema may name its own code as the issue message. */
export function fieldErrors(issues: readonly z.$ZodIssue[], input: unknown): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys)
        out.push({ field: [...issue.path, key].join("."), code: "UNKNOWN_FIELD" });
      continue;
    }
    const field = issue.path.map(String).join(".") || "body";
    let code = "INVALID_FORMAT";
    // A missing field is REQUIRED whatever the check that noticed it (a discriminated union reports
    // a missing discriminator as invalid_union, not invalid_type).
    if (issue.path.length > 0 && valueAt(input, issue.path) === undefined) code = "REQUIRED";
    else if (/^[A-Z][A-Z_]+$/.test(issue.message)) code = issue.message;
    else if (issue.code === "invalid_type") code = "INVALID_TYPE";
    out.push({ field, code });
  }
  return out;
}

/**
 * A schema that parses itself, zod/mini's (request-schemas.ts) as classic zod's: no zod code is
 * imported here, so a function that parses no body nor query bundles none of it.
 */
export type RequestSchema = z.$ZodType & {
  safeParse(data: unknown): z.util.SafeParseResult<unknown>;
};

/**
 * Reads the JSON body: 413 over 16 KiB, 415 when the content type is not JSON, 400 MALFORMED_JSON
 * when it does not parse, 400 VALIDATION_FAILED with fields when the schema refuses it.
 */
export function parseBody<S extends RequestSchema>(event: APIGatewayProxyEvent, schema: S): z.output<S> {
  const raw = event.body ?? "";
  const text = event.isBase64Encoded ? Buffer.from(raw, "base64").toString("utf8") : raw;
  if (Buffer.byteLength(text, "utf8") > MAX_BODY_BYTES) throw new ApiError(codes.PAYLOAD_TOO_LARGE);
  const contentType = (header(event, "content-type") ?? "").split(";")[0]?.trim().toLowerCase();
  if (contentType !== "application/json") throw new ApiError(codes.UNSUPPORTED_MEDIA_TYPE);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiError(codes.MALFORMED_JSON);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new ApiError(codes.VALIDATION_FAILED, { fields: fieldErrors(parsed.error.issues, json) });
  return parsed.data as z.output<S>;
}

/**
 * Reads the query string with its schema: 400 VALIDATION_FAILED with fields when refused. Each
 * parameter once: API Gateway's queryStringParameters keep the last of repeated ones.
 */
export function parseQuery<S extends RequestSchema>(event: APIGatewayProxyEvent, schema: S): z.output<S> {
  const query = event.queryStringParameters ?? {};
  const parsed = schema.safeParse(query);
  if (!parsed.success)
    throw new ApiError(codes.VALIDATION_FAILED, { fields: fieldErrors(parsed.error.issues, query) });
  return parsed.data as z.output<S>;
}

function respond(
  event: APIGatewayProxyEvent,
  config: HttpConfig,
  statusCode: number,
  body: unknown,
  extra: Readonly<Record<string, string>> = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { ...baseHeaders, ...corsHeaders(event, config), ...extra },
    body: body === undefined ? "" : JSON.stringify(body),
  };
}

export interface HttpApiOptions<S extends RequestSchema | undefined> {
  /** The body's schema; routes without one ignore the body. */
  readonly body?: S;
  readonly config?: HttpConfig;
}

/** Domain failures that have an HTTP meaning: a throttled dependency is a 503, never a 500. */
function asApiError(error: unknown): unknown {
  if (error instanceof DependencyUnavailableError) {
    return new ApiError(codes.SERVICE_UNAVAILABLE, {
      headers: { "Retry-After": String(error.retryAfterSeconds) },
    });
  }
  if (error instanceof PasswordRejectedError) {
    return new ApiError(codes.VALIDATION_FAILED, { fields: [{ field: "password", code: "WEAK_PASSWORD" }] });
  }
  return error;
}

type BodyOf<S> = S extends RequestSchema ? z.output<S> : undefined;

/**
 * Wraps a route's logic into an API Gateway REST proxy handler: header normalization, language,
 * JSON body and schema, security and CORS headers, and the contract's error shape for every failure
 * (an unexpected error is logged and answered as a generic 500, never with its stack).
 */
export function httpApi<S extends RequestSchema | undefined = undefined>(
  options: HttpApiOptions<S>,
  fn: (request: ApiRequest<BodyOf<S>>) => Promise<ApiResult>,
) {
  const config = options.config ?? httpConfigFromEnv();
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>()
    .use(observability())
    .use(httpHeaderNormalizer())
    .handler(async (event) => {
      const language = preferredLanguage(header(event, "accept-language"));
      try {
        const body = (options.body ? parseBody(event, options.body) : undefined) as BodyOf<S>;
        const result = await fn({
          body,
          language,
          pathParameters: (event.pathParameters ?? {}) as Record<string, string>,
          headers: event.headers ?? {},
          event,
        });
        return respond(event, config, result.statusCode, result.body, result.headers);
      } catch (caught) {
        const error = asApiError(caught);
        if (error instanceof ApiError) {
          return respond(
            event,
            config,
            error.status,
            errorBody(error, language, config.supportPhone),
            error.options.headers,
          );
        }
        // The stack goes to the log (for operators), never to the response.
        logger.error("Unexpected error", error as Error);
        const internal = new ApiError(codes.INTERNAL_ERROR);
        return respond(event, config, internal.status, errorBody(internal, language, config.supportPhone));
      }
    });
}
