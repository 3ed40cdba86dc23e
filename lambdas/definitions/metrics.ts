import type { StepUpSendOutcome } from "../domain/enrollment/step-up";
import type { SendOutcome } from "../domain/notices/send";

/**
 * Names of the functions' own metrics. The handlers emit them (Powertools, EMF) and the CDK alarms
 * and dashboard watch them (lib/constructs/verification-alarms.ts, stage-dashboard.ts): one spelling
 * for both, so that a renamed metric cannot leave an alarm or a graph watching nothing.
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

/** The enrollment funnel after verification (verified = verificationMetrics.succeeded). */
export const enrollmentMetrics = {
  created: "EnrollmentCreated",
  /** Answered like `created` (the address is not revealed), but no profile was made. */
  addressTaken: "EnrollmentAddressTaken",
  confirmed: "EnrollmentConfirmed",
} as const;

/** The daily dispatcher's counts of one run (each emitted once per run, zeros included). */
export const noticeDispatchMetrics = {
  queued: "NoticesQueued",
  skippedCredit: "NoticesSkippedCredit",
  skippedInactive: "NoticesSkippedInactive",
  alreadySent: "NoticesAlreadySent",
  /** Another run's live claim: waiting in the queue, not sent yet. */
  alreadyQueued: "NoticesAlreadyQueued",
  /** Part of queued: this run's own claims found again by its retry after a cut-off. */
  resumed: "NoticesResumed",
  settledUnsent: "NoticesSettledUnsent",
  notQueued: "NoticesNotQueued",
  /** Bills the run could not decide or queue (each logged): they are retried by the next run. */
  failed: "NoticesDispatchFailed",
} as const satisfies Record<string, string>;

/** A dispatch worker handed its shard's cursor on (one per continuation). */
export const NOTICE_DISPATCH_CONTINUATIONS = "NoticeDispatchContinuations";

/** One metric per outcome of the notice sender. */
export const noticeSendMetrics = {
  sent: "Notice_sent",
  "already-sent": "Notice_already-sent",
  skipped: "Notice_skipped",
  "skipped-credit": "Notice_skipped-credit",
  busy: "Notice_busy",
  throttled: "Notice_throttled",
  unknown: "Notice_unknown",
} as const satisfies Record<SendOutcome, string>;

/** SES events of the configuration set, counted by recipient. */
export const emailEventMetrics = {
  bounced: "EmailBounced",
  complained: "EmailComplained",
} as const;
