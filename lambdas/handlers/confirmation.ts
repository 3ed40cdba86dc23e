import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { cognitoClient, cognitoIdentity } from "../adapters/cognito-identity";
import { documentClient } from "../adapters/dynamodb";
import { logger, metrics } from "../adapters/observability";
import { accountContacts, profileStore } from "../adapters/profile-store";
import { customerFacing, sesSettings, tableNames, userPoolId } from "../adapters/runtime-config";
import { confirmationTokenReader } from "../adapters/security-store";
import { sesClient, sesProfileCreatedNotifier } from "../adapters/ses-mailer";
import * as codes from "../definitions/error-codes";
import { enrollmentMetrics } from "../definitions/metrics";
import { confirmationRequest } from "../definitions/request-schemas";
import { accountsTable, profilesTable, securityTable } from "../definitions/tables";
import { ApiError } from "../domain/api-error";
import { confirmEmail } from "../domain/enrollment/confirm-email";
import { httpApi } from "../middleware/http-api";

const tables = tableNames({ accounts: accountsTable, profiles: profilesTable, security: securityTable });
const { supportPhone } = customerFacing();
const client = documentClient();
const deps = {
  confirmationTokens: confirmationTokenReader(client, tables.security),
  profiles: profileStore(client, tables.profiles),
  identity: cognitoIdentity(cognitoClient(), userPoolId()),
  now: () => new Date(),
  profileCreated: {
    contacts: accountContacts(client, tables.accounts),
    notifier: sesProfileCreatedNotifier(sesClient(), { ...sesSettings(), supportPhone }),
  },
};

/** POST /v1/enrollments/confirmation: the link of the confirmation e-mail. */
export const handler = httpApi({ body: confirmationRequest }, async ({ body, event }) => {
  const result = await confirmEmail(body.token, deps);
  logger.info("enrollment confirmation", {
    audit: "confirmation",
    outcome: result.outcome,
    sourceIp: event.requestContext?.identity?.sourceIp,
    requestId: event.requestContext?.requestId,
  });
  if (result.outcome === "invalid-token") throw new ApiError(codes.INVALID_TOKEN);
  metrics.addMetric(enrollmentMetrics.confirmed, MetricUnit.Count, 1);
  return { statusCode: 200, body: { status: "ACTIVE", billing: "electronic" } };
});
