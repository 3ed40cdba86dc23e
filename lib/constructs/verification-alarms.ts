import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import { Construct } from "constructs";
import { verificationMetrics } from "../../lambdas/definitions/metrics";
import type { StageConfig } from "../config/stages";
import { functionMetric } from "./function-metric";

export interface VerificationAlarmsProps {
  readonly stage: StageConfig;
  readonly prefix: string;
}

/**
 * The alarms of an attack on verification (contract §4, v2: entering step-up is measured and
 * alarmed): the stage's failure budget spent, locked-out customer numbers still hammered, and
 * step-up entered. A quiet stage emits none of these metrics: missing data is not breaching.
 */
export class VerificationAlarms extends Construct {
  readonly failureBudget: cloudwatch.Alarm;
  readonly lockouts: cloudwatch.Alarm;
  readonly stepUpEntered: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: VerificationAlarmsProps) {
    super(scope, id);
    const { stage, prefix } = props;
    const budget = stage.verification.globalFailuresPerHour;

    // CloudWatch sums hour-long periods while the functions count the last twelve 5-minute buckets:
    // the two need not agree at every minute. stepUpEntered is the exact signal of the mode.
    this.failureBudget = new cloudwatch.Alarm(this, "FailureBudget", {
      alarmName: `${prefix}-verification-failure-budget`,
      alarmDescription:
        `${budget} or more failed verifications in an hour: the stage's failure budget ` +
        "(VERIFY_GLOBAL_FAILURES_PER_HOUR) is spent, verification answers with step-up challenges. " +
        "Someone is probably guessing: look at the WAF logs and the verification audit lines.",
      metric: functionMetric(verificationMetrics.failed, Duration.hours(1)),
      threshold: budget,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    const lockedOut = stage.alarms.lockedOutAnswersPerHour;
    this.lockouts = new cloudwatch.Alarm(this, "Lockouts", {
      alarmName: `${prefix}-verification-lockouts`,
      alarmDescription:
        `More than ${lockedOut} verifications in an hour were refused because their customer number ` +
        "is locked out (429): someone keeps trying locked accounts.",
      metric: functionMetric(verificationMetrics.lockedOut, Duration.hours(1)),
      threshold: lockedOut,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.stepUpEntered = new cloudwatch.Alarm(this, "StepUpEntered", {
      alarmName: `${prefix}-step-up-entered`,
      alarmDescription:
        "Verification entered step-up: the last hour's failed verifications reached the stage's budget. " +
        "Every verification now answers 202 with a challenge; only a code e-mailed to the contact " +
        "address on file gives a token. It ends by itself once the hour's failures fall below the budget.",
      metric: functionMetric(verificationMetrics.stepUpEntered, Duration.minutes(5)),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}
