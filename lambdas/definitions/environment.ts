/**
 * Names of the environment variables the functions read. The CDK function construct sets them
 * from the stage config, the local stack from its own settings; the handlers read them here.
 *
 * One constant per name, and the record `env` of them all (the CDK and the tests list every name):
 * a function reads the names as a namespace (`import * as env`), so that it bundles the names it
 * reads, not every function's.
 */
export const stage = "STAGE";
export const webOrigin = "WEB_ORIGIN";
export const webBaseUrl = "WEB_BASE_URL";
export const supportPhone = "SUPPORT_PHONE";
export const sesFrom = "SES_FROM_ADDRESS";
export const sesConfigurationSet = "SES_CONFIGURATION_SET";
export const pepperSecretName = "PEPPER_SECRET_NAME";
/** The key of the confirmation tokens: its own secret, so the enrollments function needs no pepper. */
export const confirmationKeySecretName = "CONFIRMATION_KEY_SECRET_NAME";
export const verifyMaxFailures = "VERIFY_MAX_FAILURES";
export const verifyWindowSeconds = "VERIFY_WINDOW_SECONDS";
export const verifyLockoutSeconds = "VERIFY_LOCKOUT_SECONDS";
export const verifyDailyMaxFailures = "VERIFY_DAILY_MAX_FAILURES";
export const verifyGlobalFailuresPerHour = "VERIFY_GLOBAL_FAILURES_PER_HOUR";
/** The queue of step-up challenges whose code e-mail is sent off the answer's critical path. */
export const stepUpQueueUrl = "STEP_UP_QUEUE_URL";
export const noticeDelayDays = "NOTICE_DELAY_DAYS";

/** Every name, by its key. */
export const env = {
  stage,
  webOrigin,
  webBaseUrl,
  supportPhone,
  sesFrom,
  sesConfigurationSet,
  pepperSecretName,
  confirmationKeySecretName,
  verifyMaxFailures,
  verifyWindowSeconds,
  verifyLockoutSeconds,
  verifyDailyMaxFailures,
  verifyGlobalFailuresPerHour,
  stepUpQueueUrl,
  noticeDelayDays,
} as const;

export type EnvName = (typeof env)[keyof typeof env];

export { localEnv } from "./local-environment";
