import type { StepUpSendOutcome } from "../domain/enrollment/step-up";

/**
 * Names of the verification and step-up metrics. The handlers emit them (Powertools, EMF) and the
 * CDK alarms watch them (lib/constructs/verification-alarms.ts): one spelling for both, so that a
 * renamed metric cannot leave an alarm watching nothing.
 */
export const verificationMetrics = {
  succeeded: "VerificationSucceeded",
  /** Every failed verification, a mismatched step-up one included: what the failure budget counts. */
  failed: "VerificationFailed",
  /** Every answer refused because the customer number is locked out (429), not each lockout start. */
  lockedOut: "VerificationLockedOut",
  alreadyEnrolled: "VerificationAlreadyEnrolled",
  /** Every 202 with a challenge. */
  stepUp: "VerificationStepUp",
  /** A function instance saw the stage enter step-up (one per instance that sees it). */
  stepUpEntered: "StepUpEntered",
  stepUpLeft: "StepUpLeft",
  stepUpCodeFailed: "StepUpCodeFailed",
  /** An attempt whose account event could not be written (the log line still holds it). */
  eventNotRecorded: "AccountEventNotRecorded",
} as const;

/** One metric per outcome of the code sender. */
export const stepUpCodeMetrics = {
  sent: "StepUpCode_sent",
  "not-matched": "StepUpCode_not-matched",
  "no-contact": "StepUpCode_no-contact",
  expired: "StepUpCode_expired",
} as const satisfies Record<StepUpSendOutcome, string>;
