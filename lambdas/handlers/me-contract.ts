import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { customerBilling } from "../adapters/customer-billing";
import { documentLinksFromEnv } from "../adapters/document-links";
import { documentClient } from "../adapters/dynamodb";
import { metrics } from "../adapters/observability";
import { runtimeConfig } from "../adapters/runtime-config";
import * as codes from "../definitions/error-codes";
import { ApiError } from "../domain/api-error";
import { getContract } from "../domain/customer/me";
import { httpApi } from "../middleware/http-api";
import { signedInCustomer } from "../middleware/signed-in";

const config = runtimeConfig();
const deps = {
  billing: customerBilling(documentClient(), { contracts: config.tables.contracts }),
  documents: documentLinksFromEnv(),
};

/** GET /v1/me/contract: the signed-in customer's contract, with a 5-minute link to its PDF if any. */
export const handler = httpApi({}, async ({ event }) => {
  const contract = await getContract(signedInCustomer(event), deps);
  if (contract === null) throw new ApiError(codes.NOT_FOUND);
  metrics.addMetric("ContractViewed", MetricUnit.Count, 1);
  return { statusCode: 200, body: contract };
});
