import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { documentClient } from "../adapters/dynamodb";
import { logger, maskCustomerNumber, metrics } from "../adapters/observability";
import { loadPepper } from "../adapters/pepper";
import { accountDirectory } from "../adapters/profile-store";
import { runtimeConfig } from "../adapters/runtime-config";
import { attemptLimiter, verificationTokens } from "../adapters/security-store";
import { verificationRequest } from "../definitions/schemas";
import { ApiError } from "../domain/api-error";
import { verifyOwnership } from "../domain/enrollment/verify-ownership";
import { httpApi } from "../middleware/http-api";

const config = runtimeConfig();
const client = documentClient();
const limiter = attemptLimiter(client, config.tables.security, config.verification);
const directory = accountDirectory(client, config.tables);
const tokens = verificationTokens(client, config.tables.security);

/** POST /v1/enrollment/verifications: prove that an account is the caller's (either paper-page form). */
export const handler = httpApi({ body: verificationRequest }, async ({ body, event }) => {
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
    now: () => new Date(),
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
  });
  switch (result.outcome) {
    case "verified":
      metrics.addMetric("VerificationSucceeded", MetricUnit.Count, 1);
      return {
        statusCode: 200,
        body: { verificationToken: result.token, expiresAt: result.expiresAt.toISOString() },
      };
    case "failed":
      metrics.addMetric("VerificationFailed", MetricUnit.Count, 1);
      throw new ApiError("VERIFICATION_FAILED");
    case "locked":
      metrics.addMetric("VerificationLockedOut", MetricUnit.Count, 1);
      throw new ApiError("TOO_MANY_ATTEMPTS", {
        headers: { "Retry-After": String(result.retryAfterSeconds) },
      });
    case "already-enrolled":
      metrics.addMetric("VerificationAlreadyEnrolled", MetricUnit.Count, 1);
      throw new ApiError("ALREADY_ENROLLED");
  }
});
