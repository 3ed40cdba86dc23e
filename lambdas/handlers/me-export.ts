import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { customerDataSource } from "../adapters/customer-export";
import { documentClient } from "../adapters/dynamodb";
import { logger, maskCustomerNumber, metrics } from "../adapters/observability";
import { runtimeConfig } from "../adapters/runtime-config";
import * as codes from "../definitions/error-codes";
import { ApiError } from "../domain/api-error";
import { exportCustomerData, exportFileName } from "../domain/customer/export";
import { httpApi } from "../middleware/http-api";
import { signedInCustomer } from "../middleware/signed-in";

const config = runtimeConfig();
/** Table names are read on first use: a function receives the names of the tables it is granted. */
let source: ReturnType<typeof customerDataSource> | undefined;
const deps = {
  get source() {
    source ??= customerDataSource(documentClient(), {
      accounts: config.tables.accounts,
      profiles: config.tables.profiles,
      bills: config.tables.bills,
      contracts: config.tables.contracts,
      notices: config.tables.notices,
      accountEvents: config.tables.accountEvents,
    });
    return source;
  },
  now: () => new Date(),
};

/**
 * GET /v1/me/export: everything held about the signed-in customer, as one JSON file to download
 * (the portability right of Québec's privacy law). A profile that is no longer ACTIVE is a 403.
 */
export const handler = httpApi({}, async ({ event, language }) => {
  const customerNumber = signedInCustomer(event);
  const document = await exportCustomerData(customerNumber, language, deps);
  if (document === null) throw new ApiError(codes.FORBIDDEN);
  logger.info("personal information exported", {
    audit: "export",
    customer: maskCustomerNumber(customerNumber),
    requestId: event.requestContext?.requestId,
  });
  metrics.addMetric("PersonalInformationExported", MetricUnit.Count, 1);
  return {
    statusCode: 200,
    headers: {
      "Content-Disposition": `attachment; filename="${exportFileName(customerNumber, new Date(document.exportedAt))}"`,
    },
    body: document,
  };
});
