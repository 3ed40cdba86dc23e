import type { APIGatewayProxyEvent } from "aws-lambda";
import {
  AUTHORIZER_CUSTOMER_KEY,
  AUTHORIZER_OUTCOME_KEY,
  AUTHORIZER_RETRY_AFTER_KEY,
} from "../definitions/authorizer";
import * as codes from "../definitions/error-codes";
import { ApiError } from "../domain/api-error";
import { DependencyUnavailableError } from "../domain/enrollment/ports";
import { CUSTOMER_NUMBER } from "../domain/normalize";

/**
 * The signed-in customer's number, as the authorizer put it in the request context (API Gateway
 * passes the authorizer's context; the local adapter does the same). Never read from the client's
 * request: a customer only ever reaches their own account.
 *
 * The authorizer never refuses (authorizer-policy.ts): this is where its judgement is enforced, and
 * every signed-in route calls it before anything else. Thrown inside `httpApi`, the refusals are the
 * contract's errors in the request's language, with CORS for the web origin only: `forbidden` is a
 * 403, `unavailable` a 503 with Retry-After, anything else (no context at all included) a 401.
 */
export function signedInCustomer(event: APIGatewayProxyEvent): string {
  const context = (event.requestContext?.authorizer ?? {}) as Record<string, unknown>;
  const outcome = context[AUTHORIZER_OUTCOME_KEY];
  const customerNumber = context[AUTHORIZER_CUSTOMER_KEY];
  if (outcome === "allow" && typeof customerNumber === "string" && CUSTOMER_NUMBER.test(customerNumber)) {
    return customerNumber;
  }
  if (outcome === "forbidden") throw new ApiError(codes.FORBIDDEN);
  if (outcome === "unavailable") {
    const retryAfter = Number(context[AUTHORIZER_RETRY_AFTER_KEY]);
    throw new DependencyUnavailableError(
      "sign-in",
      Number.isInteger(retryAfter) && retryAfter > 0 ? retryAfter : 2,
    );
  }
  throw new ApiError(codes.UNAUTHORIZED);
}
