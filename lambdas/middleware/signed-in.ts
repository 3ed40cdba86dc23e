import type { APIGatewayProxyEvent } from "aws-lambda";
import { AUTHORIZER_CUSTOMER_KEY } from "../definitions/authorizer";
import { ApiError } from "../domain/api-error";
import { CUSTOMER_NUMBER } from "../domain/normalize";

/**
 * The signed-in customer's number, as the authorizer put it in the request context (API Gateway
 * passes the authorizer's context; the local adapter does the same). Never read from the client's
 * request: a customer only ever reaches their own account. A request that did not go through the
 * authorizer has none and gets 401.
 */
export function signedInCustomer(event: APIGatewayProxyEvent): string {
  const value = (event.requestContext?.authorizer as Record<string, unknown> | null | undefined)?.[
    AUTHORIZER_CUSTOMER_KEY
  ];
  if (typeof value !== "string" || !CUSTOMER_NUMBER.test(value)) throw new ApiError("UNAUTHORIZED");
  return value;
}
