import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { cognitoClient } from "../adapters/cognito-identity";
import { customerProfiles } from "../adapters/customer-profiles";
import { documentClient } from "../adapters/dynamodb";
import { logger, maskCustomerNumber, metrics } from "../adapters/observability";
import { profileRemovalDeps } from "../adapters/profile-removal";
import { customerFacing, sesSettings, tableNames, userPoolId } from "../adapters/runtime-config";
import { sesClient, sesProfileRemovedNotifier } from "../adapters/ses-mailer";
import { cognitoUserLocales } from "../adapters/user-locales";
import { cognitoUserSessions } from "../adapters/user-sessions";
import { localEnv } from "../definitions/environment";
import * as codes from "../definitions/error-codes";
import { meUpdateRequest } from "../definitions/request-schemas";
import { SIGN_OUT_PATH } from "../definitions/routes";
import { profilesTable } from "../definitions/tables";
import { ApiError } from "../domain/api-error";
import { closeProfile, getMe, signOutEverywhere, updateMe } from "../domain/customer/me";
import { httpApi, parseBody } from "../middleware/http-api";
import { signedInCustomer } from "../middleware/signed-in";

const tables = tableNames({ profiles: profilesTable });
const { supportPhone } = customerFacing();
/** The pool's id is read on first use, so that a missing one is the request's 500, not a crashed init. */
let users: ReturnType<typeof cognitoUserLocales> | undefined;
const deps = {
  profiles: customerProfiles(documentClient(), tables.profiles),
  get users() {
    users ??= cognitoUserLocales(cognitoClient(), userPoolId());
    return users;
  },
  now: () => new Date(),
};
/** Made on first use: only the sign-out asks Cognito for sessions. */
const sessions = () =>
  cognitoUserSessions(cognitoClient(), userPoolId(), {
    emulator: process.env[localEnv.tokenIssuer] !== undefined,
  });

/** Made on first use: only the closing of a profile deletes users and e-mails. */
const closing = () => ({
  profiles: deps.profiles,
  removal: profileRemovalDeps(documentClient(), tables.profiles, cognitoClient(), userPoolId()),
  notifier: sesProfileRemovedNotifier(sesClient(), { ...sesSettings(), supportPhone }),
});

/**
 * GET /v1/me: the signed-in customer's profile. PATCH /v1/me: billing (paper or electronic) and
 * language, nothing else (any other field is a 400); the language also becomes the Cognito user's
 * `locale`. A profile that is no longer ACTIVE is a 403, as the authorizer would have answered.
 * POST /v1/me/sign-out: every session of the customer ends (204); their tokens are refused from then on.
 * DELETE /v1/me: the customer closes the profile (204); a repeat is 204 too, or the authorizer's 401.
 */
export const handler = httpApi({}, async ({ event }) => {
  const customerNumber = signedInCustomer(event);
  if (event.resource === SIGN_OUT_PATH) {
    const signedOut = await signOutEverywhere(customerNumber, { ...deps, sessions: sessions() });
    if (!signedOut) throw new ApiError(codes.FORBIDDEN);
    logger.info("signed out everywhere", {
      audit: "sign-out",
      customer: maskCustomerNumber(customerNumber),
      requestId: event.requestContext?.requestId,
    });
    metrics.addMetric("SignedOutEverywhere", MetricUnit.Count, 1);
    return { statusCode: 204 };
  }
  if (event.httpMethod === "DELETE") {
    await closeProfile(customerNumber, closing());
    logger.info("profile closed by the customer", {
      audit: "close-profile",
      customer: maskCustomerNumber(customerNumber),
      requestId: event.requestContext?.requestId,
    });
    metrics.addMetric("ProfileClosed", MetricUnit.Count, 1);
    return { statusCode: 204 };
  }
  if (event.httpMethod !== "PATCH") {
    const me = await getMe(customerNumber, deps);
    if (me === null) throw new ApiError(codes.FORBIDDEN);
    metrics.addMetric("ProfileViewed", MetricUnit.Count, 1);
    return { statusCode: 200, body: me };
  }
  const changes = parseBody(event, meUpdateRequest);
  const me = await updateMe(customerNumber, changes, deps);
  if (me === null) throw new ApiError(codes.FORBIDDEN);
  // The audit trail of preference changes (the notices depend on billing).
  logger.info("profile preferences", {
    audit: "preferences",
    customer: maskCustomerNumber(customerNumber),
    ...changes,
    requestId: event.requestContext?.requestId,
  });
  metrics.addMetric("ProfileUpdated", MetricUnit.Count, 1);
  return { statusCode: 200, body: me };
});
