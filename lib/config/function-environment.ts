import { type EnvName, env } from "../../lambdas/definitions/environment";
import type { StageConfig } from "./stages";

/** Values that only exist once the stateful stack is deployed. */
export interface StatefulNames {
  readonly sesConfigurationSetName: string;
  readonly pepperSecretName: string;
  readonly confirmationKeySecretName: string;
  /** The step-up code queue of the stateless stack. */
  readonly stepUpQueueUrl: string;
}

/**
 * Every variable of lambdas/definitions/environment.ts, filled for one stage. The return type is a
 * Record over all the names, so a variable added to the definition fails to compile here until it
 * gets a value: a function can never start with a variable missing.
 */
export function functionEnvironment(stage: StageConfig, names: StatefulNames): Record<EnvName, string> {
  return {
    [env.stage]: stage.name,
    [env.webOrigin]: stage.webOrigin,
    [env.webBaseUrl]: stage.webBaseUrl,
    [env.supportPhone]: stage.supportPhone,
    [env.sesFrom]: stage.sesFromAddress,
    [env.sesConfigurationSet]: names.sesConfigurationSetName,
    [env.pepperSecretName]: names.pepperSecretName,
    [env.confirmationKeySecretName]: names.confirmationKeySecretName,
    [env.verifyMaxFailures]: String(stage.verification.maxFailures),
    [env.verifyWindowSeconds]: String(stage.verification.windowSeconds),
    [env.verifyLockoutSeconds]: String(stage.verification.lockoutSeconds),
    [env.verifyDailyMaxFailures]: String(stage.verification.dailyMaxFailures),
    [env.verifyGlobalFailuresPerHour]: String(stage.verification.globalFailuresPerHour),
    [env.stepUpQueueUrl]: names.stepUpQueueUrl,
    [env.noticeDelayDays]: String(stage.notices.delayDays),
  };
}
