import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { APIGatewayProxyEvent, Context } from "aws-lambda";
import { accountEventRecorder } from "../adapters/account-events";
import { challengeOutbox } from "../adapters/challenge-outbox";
import { documentClient } from "../adapters/dynamodb";
import { failureBudget } from "../adapters/failure-budget";
import { logger, maskCustomerNumber, metrics } from "../adapters/observability";
import { loadPepper, prefetchPepper } from "../adapters/pepper";
import { accountDirectory } from "../adapters/profile-store";
import { stepUpQueueUrl, tableNames, verificationLimits } from "../adapters/runtime-config";
import { attemptLimiter, challengeStore, verificationTokenIssuer } from "../adapters/security-store";
import * as codes from "../definitions/error-codes";
import { verificationMetrics } from "../definitions/metrics";
import { challengeCodeRequest, verificationRequest } from "../definitions/request-schemas";
import { accountEventsTable, accountsTable, profilesTable, securityTable } from "../definitions/tables";
import { ApiError } from "../domain/api-error";
import { answerChallenge } from "../domain/enrollment/step-up";
import { verifyOwnership } from "../domain/enrollment/verify-ownership";
import { type AccountEvent, maskIp } from "../domain/support/account-events";
import { httpApi } from "../middleware/http-api";

const tables = tableNames({
  accounts: accountsTable,
  profiles: profilesTable,
  security: securityTable,
  accountEvents: accountEventsTable,
});
const limits = verificationLimits();
prefetchPepper((error) =>
  logger.warn("pepper not read at init; the first request reads it again", {
    audit: "verification",
    error: (error as Error)?.name,
  }),
);
const client = documentClient();
const limiter = attemptLimiter(client, tables.security, limits);
const directory = accountDirectory(client, tables);
const tokens = verificationTokenIssuer(client, tables.security);
const stepUp = {
  budget: failureBudget(client, tables.security, {
    perHour: limits.globalFailuresPerHour,
    // Entering and leaving step-up, as this instance sees it: a log line and a metric (alarmed).
    onChange: ({ stepUp: on, failuresLastHour }) => {
      logger.warn(on ? "step-up mode entered" : "step-up mode left", {
        audit: "step-up",
        stepUp: on,
        failuresLastHour,
        budgetPerHour: limits.globalFailuresPerHour,
      });
      metrics.addMetric(
        on ? verificationMetrics.stepUpEntered : verificationMetrics.stepUpLeft,
        MetricUnit.Count,
        1,
      );
    },
  }),
  challenges: challengeStore(client, tables.security),
  outbox: challengeOutbox(() => stepUpQueueUrl()),
};

const events = accountEventRecorder(client, tables.accountEvents);

/**
 * The account's own record of the attempt (support's `status`, the customer's export). A failure to
 * write it is logged and measured, never the customer's problem: the log line above already holds it.
 */
async function recordEvent(
  customerNumber: string,
  event: Omit<AccountEvent & { kind: "verification" }, "kind" | "at">,
  sourceIp: string | undefined,
) {
  const masked = maskIp(sourceIp);
  await events
    .record(customerNumber, {
      kind: "verification",
      at: new Date().toISOString(),
      ...event,
      ...(masked ? { sourceIp: masked } : {}),
    })
    .catch((error: unknown) => {
      logger.error("account event not recorded", { audit: "verification", error: (error as Error)?.name });
      metrics.addMetric(verificationMetrics.eventNotRecorded, MetricUnit.Count, 1);
    });
}

/** A stored hash or challenge names a pepper version no longer in the secret: only the version. */
const onUnknownKeyVersion = (version: string) =>
  logger.error("pepper version unknown", { audit: "verification", keyVersion: version });

/** The 200 of both routes: a verification token, straight or through the step-up code. */
function verified(result: { token: string; expiresAt: Date }) {
  metrics.addMetric(verificationMetrics.succeeded, MetricUnit.Count, 1);
  return {
    statusCode: 200,
    body: { verificationToken: result.token, expiresAt: result.expiresAt.toISOString() },
  };
}

/** POST /v1/enrollment/verifications: prove that an account is the caller's (either paper-page form). */
const verify = httpApi({ body: verificationRequest }, async ({ body, event }) => {
  const request =
    body.method === "bill"
      ? { method: "bill" as const, customerNumber: body.customerNumber, accessCode: body.accessCode }
      : {
          method: "account" as const,
          customerNumber: body.customerNumber,
          phone: body.phone,
          postalCode: body.postalCode,
          lastDebitCents: body.lastDebitAmount,
        };
  const result = await verifyOwnership(request, {
    limiter,
    directory,
    tokens,
    pepper: await loadPepper(),
    onUnknownKeyVersion,
    now: () => new Date(),
    stepUp,
  });
  // The audit trail: one line per attempt, never a secret.
  logger.info("verification attempt", {
    audit: "verification",
    outcome: result.outcome,
    method: body.method,
    customer: maskCustomerNumber(body.customerNumber),
    sourceIp: event.requestContext?.identity?.sourceIp,
    requestId: event.requestContext?.requestId,
    ...(result.outcome === "failed" ? { lockoutStarted: result.lockedOut } : {}),
    ...(result.outcome === "locked" ? { limit: result.reason } : {}),
    ...(result.outcome === "challenge" ? { stepUp: true, matched: result.matched } : {}),
  });
  await recordEvent(
    body.customerNumber,
    { outcome: result.outcome, method: body.method },
    event.requestContext?.identity?.sourceIp,
  );
  switch (result.outcome) {
    case "verified":
      return verified(result);
    case "failed":
      metrics.addMetric(verificationMetrics.failed, MetricUnit.Count, 1);
      throw new ApiError(codes.VERIFICATION_FAILED);
    case "locked":
      metrics.addMetric(verificationMetrics.lockedOut, MetricUnit.Count, 1);
      throw new ApiError(codes.TOO_MANY_ATTEMPTS, {
        headers: { "Retry-After": String(result.retryAfterSeconds) },
      });
    case "already-enrolled":
      metrics.addMetric(verificationMetrics.alreadyEnrolled, MetricUnit.Count, 1);
      throw new ApiError(codes.ALREADY_ENROLLED);
    case "challenge":
      // The same answer whether the data matched or not; a mismatch still counts as a failure.
      metrics.addMetric(verificationMetrics.stepUp, MetricUnit.Count, 1);
      if (!result.matched) metrics.addMetric(verificationMetrics.failed, MetricUnit.Count, 1);
      return {
        statusCode: 202,
        body: { challengeId: result.challengeId, expiresAt: result.expiresAt.toISOString() },
      };
  }
});

/** POST /v1/enrollment/verifications/{challengeId}/code: the step-up code from the contact e-mail. */
const answer = httpApi({ body: challengeCodeRequest }, async ({ body, pathParameters, event }) => {
  const result = await answerChallenge(pathParameters.challengeId ?? "", body.code, {
    challenges: stepUp.challenges,
    directory,
    tokens,
    pepper: await loadPepper(),
    onUnknownKeyVersion,
    now: () => new Date(),
  });
  logger.info("step-up code", {
    audit: "verification",
    stepUp: true,
    outcome: result.outcome,
    sourceIp: event.requestContext?.identity?.sourceIp,
    requestId: event.requestContext?.requestId,
  });
  if (result.customerNumber) {
    await recordEvent(
      result.customerNumber,
      {
        outcome:
          result.outcome === "verified"
            ? "code-verified"
            : result.outcome === "failed"
              ? "code-failed"
              : "already-enrolled",
        method: "step-up-code",
      },
      event.requestContext?.identity?.sourceIp,
    );
  }
  switch (result.outcome) {
    case "verified":
      return verified(result);
    case "failed":
      metrics.addMetric(verificationMetrics.stepUpCodeFailed, MetricUnit.Count, 1);
      throw new ApiError(codes.VERIFICATION_FAILED);
    case "already-enrolled":
      throw new ApiError(codes.ALREADY_ENROLLED);
  }
});

/** One function for both routes of the verification: the same tables, limits and pepper. */
export const handler = (event: APIGatewayProxyEvent, context: Context) =>
  event.pathParameters?.challengeId === undefined ? verify(event, context) : answer(event, context);
