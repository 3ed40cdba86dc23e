import { MetricUnit } from "@aws-lambda-powertools/metrics";
import middy from "@middy/core";
import { cognitoClient, cognitoIdentity } from "../adapters/cognito-identity";
import { documentClient } from "../adapters/dynamodb";
import { logger, maskCustomerNumber, metrics } from "../adapters/observability";
import { pendingEnrollments, profileStore } from "../adapters/profile-store";
import { runtimeConfig } from "../adapters/runtime-config";
import { sweepExpiredEnrollments } from "../domain/enrollment/expire-enrollments";
import { observability } from "../middleware/observability";

const config = runtimeConfig();
const client = documentClient();
const deps = {
  profiles: profileStore(client, config.tables.profiles),
  pending: pendingEnrollments(client, config.tables.profiles),
  identity: cognitoIdentity(cognitoClient(), config.userPoolId()),
  now: () => new Date(),
};

/**
 * On a schedule (EventBridge Scheduler): unconfirmed enrollments 24 hours old expire, their users
 * deleted and their addresses free (contract §4). The input is ignored.
 */
export const handler = middy()
  .use(observability())
  .handler(async () => {
    const summary = await sweepExpiredEnrollments(deps, {
      onError: (customerNumber, error) =>
        logger.error("enrollment expiry failed for one account", {
          customer: maskCustomerNumber(customerNumber),
          error: error as Error,
        }),
    });
    metrics.addMetric("EnrollmentsExpired", MetricUnit.Count, summary.expired);
    metrics.addMetric("EnrollmentExpiriesFailed", MetricUnit.Count, summary.failed);
    logger.info("enrollment sweep", { ...summary });
    return summary;
  });
