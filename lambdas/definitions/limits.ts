/** Limits of the HTTP API that the handlers, the local adapter and the CDK stacks share. */

/** Largest JSON body a handler accepts (contract: over 16 KiB is a 413). */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * API Gateway's own cap on a request (10 MB): above it the gateway answers 413 itself (its
 * REQUEST_TOO_LARGE response); below it the request reaches the function, which answers 413 over
 * MAX_BODY_BYTES. The local adapter draws the same line.
 */
export const API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

export const DEFAULT_SUPPORT_PHONE = "1 800 567-6353";
export const DEFAULT_WEB_ORIGIN = "http://localhost:5173";

/**
 * Bills per page of GET /v1/me/bills: two years of monthly bills, so that most customers never see a
 * second page, and one page is a single small Query.
 */
export const BILLS_PAGE_SIZE = 24;

/**
 * Longest `next` cursor the API accepts. A cursor it issues is ~130 characters (base64url of the
 * customer number, a date and a bill id of at most 64 characters); anything longer is not one of them.
 */
export const MAX_BILLS_CURSOR_LENGTH = 256;

/**
 * Contract §4 (v2): a profile that support revoked, that was closed, or whose account the billing
 * system closed, loses API access within 5 minutes whatever tokens it still holds; a customer who
 * signs out everywhere loses it within the same bound. ACCESS_LOSS_BOUND_SECONDS (authorizer.ts),
 * the sum of every cache between such a change and a refusal, must stay within it.
 */
export const ACCESS_LOSS_DEADLINE_SECONDS = 5 * 60;

/**
 * How long a confirmation link works, and so how long an unconfirmed enrollment holds its address:
 * past it the enrollment expires (its Cognito user deleted, the profile back to not enrolled).
 */
export const CONFIRMATION_TTL_SECONDS = 24 * 60 * 60;

/**
 * E-mails that enrollments of one account may send in any 24 hours (confirmation links and "this
 * address already has a profile" alike): past it, 429 TOO_MANY_ENROLLMENTS. Without a cap, an
 * account that verifies over and over would be a relay to any address.
 */
export const ENROLLMENT_EMAILS_PER_DAY = 3;
export const ENROLLMENT_EMAILS_WINDOW_SECONDS = 24 * 60 * 60;

/**
 * Longer than the enrollment function's timeout (10 s), so that a lock outlives the request that
 * holds it: no request can lose its lock while still running.
 */
export const ENROLLMENT_LOCK_SECONDS = 30;

/**
 * How often unconfirmed enrollments are swept (the schedule on AWS, a timer under `npm start`). An
 * enrollment that another account needs is expired on the spot; the sweep bounds how long any other
 * expired one lingers (24 hours plus this).
 */
export const ENROLLMENT_SWEEP_INTERVAL_MINUTES = 60;
