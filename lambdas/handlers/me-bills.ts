import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { customerBilling } from "../adapters/customer-billing";
import { documentLinksFromEnv } from "../adapters/document-links";
import { documentClient } from "../adapters/dynamodb";
import { metrics } from "../adapters/observability";
import { runtimeConfig } from "../adapters/runtime-config";
import { ApiError } from "../domain/api-error";
import { getBill, listBills } from "../domain/customer/me";
import { httpApi } from "../middleware/http-api";
import { signedInCustomer } from "../middleware/signed-in";

const config = runtimeConfig();
const deps = {
  billing: customerBilling(documentClient(), { bills: config.tables.bills }),
  documents: documentLinksFromEnv(),
};

/**
 * GET /v1/me/bills: the signed-in customer's bills, newest first. GET /v1/me/bills/{billId}: one of
 * them, with a 5-minute link to its PDF when there is one; any other id (another customer's bill
 * included) is a 404.
 */
export const handler = httpApi({}, async ({ event, pathParameters }) => {
  const customerNumber = signedInCustomer(event);
  const billId = pathParameters.billId;
  if (billId === undefined) {
    const body = await listBills(customerNumber, deps);
    metrics.addMetric("BillsListed", MetricUnit.Count, 1);
    return { statusCode: 200, body };
  }
  const bill = await getBill(customerNumber, billId, deps);
  if (bill === null) throw new ApiError("NOT_FOUND");
  metrics.addMetric(bill.documentUrl ? "BillDocumentLinked" : "BillViewed", MetricUnit.Count, 1);
  return { statusCode: 200, body: bill };
});
