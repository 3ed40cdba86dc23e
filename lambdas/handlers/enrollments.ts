import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { cognitoClient, cognitoUsers } from "../adapters/cognito-identity";
import { documentClient } from "../adapters/dynamodb";
import { enrollmentEmailQuota } from "../adapters/enrollment-quota";
import { logger, maskCustomerNumber, metrics } from "../adapters/observability";
import { loadConfirmationKey } from "../adapters/pepper";
import { enrollmentProfiles } from "../adapters/profile-store";
import { customerFacing, sesSettings, tableNames, userPoolId } from "../adapters/runtime-config";
import { confirmationTokenWriter, verificationTokenConsumer } from "../adapters/security-store";
import { sesClient, sesMailer } from "../adapters/ses-mailer";
import * as codes from "../definitions/error-codes";
import { enrollmentMetrics } from "../definitions/metrics";
import { enrollmentRequest } from "../definitions/request-schemas";
import { profilesTable, securityTable } from "../definitions/tables";
import { ApiError } from "../domain/api-error";
import { ENROLLMENT_EMAIL_QUOTA, enroll } from "../domain/enrollment/enroll";
import { httpApi } from "../middleware/http-api";

const tables = tableNames({ profiles: profilesTable, security: securityTable });
const { webBaseUrl, supportPhone } = customerFacing();
const client = documentClient();
const deps = {
  verificationTokens: verificationTokenConsumer(client, tables.security),
  confirmationTokens: confirmationTokenWriter(client, tables.security),
  profiles: enrollmentProfiles(client, tables.profiles),
  identity: cognitoUsers(cognitoClient(), userPoolId()),
  mailer: sesMailer(sesClient(), { ...sesSettings(), supportPhone }),
  emailQuota: enrollmentEmailQuota(client, tables.security, ENROLLMENT_EMAIL_QUOTA),
  webBaseUrl,
  now: () => new Date(),
};

/** POST /v1/enrollments: create the authentication profile of a verified account. */
export const handler = httpApi({ body: enrollmentRequest }, async ({ body, event }) => {
  const result = await enroll(body, { ...deps, confirmationKey: await loadConfirmationKey() });
  logger.info("enrollment", {
    audit: "enrollment",
    outcome: result.outcome,
    ...("customerNumber" in result ? { customer: maskCustomerNumber(result.customerNumber) } : {}),
    sourceIp: event.requestContext?.identity?.sourceIp,
    requestId: event.requestContext?.requestId,
  });
  switch (result.outcome) {
    case "created":
    case "address-taken":
      // One answer for both: whether another account uses the address is not revealed.
      metrics.addMetric(
        result.outcome === "created" ? enrollmentMetrics.created : enrollmentMetrics.addressTaken,
        MetricUnit.Count,
        1,
      );
      return {
        statusCode: 201,
        body: { customerNumber: result.customerNumber, email: result.email, status: result.status },
      };
    case "invalid-token":
      throw new ApiError(codes.INVALID_TOKEN);
    case "already-enrolled":
      throw new ApiError(codes.ALREADY_ENROLLED);
    case "in-progress":
      throw new ApiError(codes.ENROLLMENT_IN_PROGRESS, { headers: { "Retry-After": "5" } });
    case "too-many-enrollments":
      throw new ApiError(codes.TOO_MANY_ENROLLMENTS, {
        headers: { "Retry-After": String(result.retryAfterSeconds) },
      });
  }
});
