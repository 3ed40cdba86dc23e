import * as apigw from "aws-cdk-lib/aws-apigateway";
import { type ErrorCode, errors } from "../../lambdas/definitions/error-codes";
import { gatewayHeaders } from "../../lambdas/definitions/gateway-headers";

/**
 * What API Gateway answers by itself (before or instead of a function) in the contract's error shape.
 * `keepStatus`: the response type covers several statuses, or its own status is the right one.
 */
interface GatewayError {
  readonly type: apigw.ResponseType;
  readonly code: ErrorCode;
  readonly keepStatus?: boolean;
}

export const gatewayErrors: readonly GatewayError[] = [
  // What is left of DEFAULT_4XX once the types below are mapped: invalid API keys and signatures,
  // expired SigV4 tokens; all refusals.
  { type: apigw.ResponseType.DEFAULT_4XX, code: "FORBIDDEN", keepStatus: true },
  { type: apigw.ResponseType.DEFAULT_5XX, code: "INTERNAL_ERROR", keepStatus: true },
  // Not what a signed-in route answers for a missing or bad token (401) or a profile that is not
  // ACTIVE (403): its authorizer never refuses, and the function answers both, in the request's
  // language and with CORS for the web origin only (stateless-stack.ts). Kept for any other cause.
  { type: apigw.ResponseType.UNAUTHORIZED, code: "UNAUTHORIZED" },
  { type: apigw.ResponseType.ACCESS_DENIED, code: "FORBIDDEN" },
  // A managed WAF rule blocked the request (the enrollment rate rule answers 429 itself).
  { type: apigw.ResponseType.WAF_FILTERED, code: "FORBIDDEN" },
  { type: apigw.ResponseType.THROTTLED, code: "TOO_MANY_REQUESTS" },
  { type: apigw.ResponseType.QUOTA_EXCEEDED, code: "TOO_MANY_REQUESTS" },
  // Over API Gateway's own 10 MB cap: certainly over the contract's 16 KiB.
  { type: apigw.ResponseType.REQUEST_TOO_LARGE, code: "PAYLOAD_TOO_LARGE" },
  { type: apigw.ResponseType.UNSUPPORTED_MEDIA_TYPE, code: "UNSUPPORTED_MEDIA_TYPE" },
  { type: apigw.ResponseType.BAD_REQUEST_BODY, code: "VALIDATION_FAILED" },
  { type: apigw.ResponseType.BAD_REQUEST_PARAMETERS, code: "VALIDATION_FAILED" },
  // API Gateway's answer for a path or method it has no method for. Every resource has an ANY method
  // to the fallback function, so this should not happen; if it does, it is still an unknown route.
  { type: apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN, code: "NOT_FOUND" },
  { type: apigw.ResponseType.RESOURCE_NOT_FOUND, code: "NOT_FOUND" },
  { type: apigw.ResponseType.INTEGRATION_TIMEOUT, code: "SERVICE_UNAVAILABLE", keepStatus: true },
  { type: apigw.ResponseType.INTEGRATION_FAILURE, code: "SERVICE_UNAVAILABLE", keepStatus: true },
];

/**
 * The JSON body of a gateway response. The message is the French one: API Gateway cannot weigh
 * Accept-Language the way the functions do, and French is the contract's default.
 */
export function gatewayErrorBody(code: ErrorCode): string {
  const body = JSON.stringify({ error: { code, message: errors[code].fr } });
  // The body is a VTL template: "$" or "#" would be evaluated rather than sent.
  if (/[$#]/.test(body)) throw new Error(`The message of ${code} cannot be used as a VTL template.`);
  return body;
}

/** Header values of a gateway response are literals in single quotes. */
function literal(value: string): string {
  if (value.includes("'")) throw new Error(`Header value ${value} cannot contain a single quote.`);
  return `'${value}'`;
}

/**
 * Adds the gateway responses. They carry the contract's security headers and, so that the website
 * can read a throttling 429 or a 5xx at all, the stage's web origin in Access-Control-Allow-Origin
 * (gatewayHeaders): API Gateway cannot echo the origin conditionally, and a header naming the
 * website grants nothing to another origin.
 */
export function addGatewayResponses(api: apigw.RestApi, webOrigin: string): void {
  const responseHeaders = Object.fromEntries(
    Object.entries(gatewayHeaders(webOrigin)).map(([name, value]) => [name, literal(value)]),
  );
  for (const { type, code, keepStatus } of gatewayErrors) {
    api.addGatewayResponse(`GatewayResponse${type.responseType}`, {
      type,
      statusCode: keepStatus ? undefined : String(errors[code].status),
      responseHeaders,
      templates: { "application/json": gatewayErrorBody(code) },
    });
  }
}
