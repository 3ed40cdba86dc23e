import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { customerBilling } from "../adapters/customer-billing";
import { documentLinksFromEnv } from "../adapters/document-links";
import { documentClient } from "../adapters/dynamodb";
import { metrics } from "../adapters/observability";
import { tableNames } from "../adapters/runtime-config";
import * as codes from "../definitions/error-codes";
import { billsQuery } from "../definitions/request-schemas";
import { billsTable } from "../definitions/tables";
import { ApiError } from "../domain/api-error";
import { getBill, listBills } from "../domain/customer/me";
import { httpApi, parseQuery } from "../middleware/http-api";
import { signedInCustomer } from "../middleware/signed-in";

const tables = tableNames({ bills: billsTable });
const deps = {
  billing: customerBilling(documentClient(), { bills: tables.bills }),
  documents: documentLinksFromEnv(),
  now: () => new Date(),
};

/**
 * GET /v1/me/bills: the signed-in customer's available bills, newest first, 24 a page (`?next=`).
 * GET /v1/me/bills/{billId}: one of them, with a 5-minute link to its PDF when there is one; any other
 * id (another customer's bill, or one not yet available) is a 404.
 */
export const handler = httpApi({}, async ({ event, pathParameters }) => {
  const customerNumber = signedInCustomer(event);
  const billId = pathParameters.billId;
  if (billId === undefined) {
    const { next } = parseQuery(event, billsQuery);
    const body = await listBills(customerNumber, next, deps);
    metrics.addMetric("BillsListed", MetricUnit.Count, 1);
    return { statusCode: 200, body };
  }
  const bill = await getBill(customerNumber, billId, deps);
  if (bill === null) throw new ApiError(codes.NOT_FOUND);
  metrics.addMetric(bill.documentUrl ? "BillDocumentLinked" : "BillViewed", MetricUnit.Count, 1);
  return { statusCode: 200, body: bill };
});
