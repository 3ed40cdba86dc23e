/**
 * Names of the environment variables the functions read. The CDK function construct sets them
 * from the stage config, the local stack from its own settings; the handlers read them here.
 */
export const env = {
  stage: "STAGE",
  webOrigin: "WEB_ORIGIN",
  webBaseUrl: "WEB_BASE_URL",
  supportPhone: "SUPPORT_PHONE",
  sesFrom: "SES_FROM_ADDRESS",
  sesConfigurationSet: "SES_CONFIGURATION_SET",
  pepperSecretName: "PEPPER_SECRET_NAME",
  verifyMaxFailures: "VERIFY_MAX_FAILURES",
  verifyWindowSeconds: "VERIFY_WINDOW_SECONDS",
  verifyLockoutSeconds: "VERIFY_LOCKOUT_SECONDS",
  noticeDelayDays: "NOTICE_DELAY_DAYS",
} as const;

export type EnvName = (typeof env)[keyof typeof env];
