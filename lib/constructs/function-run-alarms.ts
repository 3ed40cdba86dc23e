import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import { Construct } from "constructs";

export interface FunctionRunAlarmsProps {
  readonly fn: lambda.IFunction;
  /** The function's timeout: IFunction does not expose it. */
  readonly timeout: Duration;
  /** The alarms' names start with it: "enrollment-prod-notice-dispatcher". */
  readonly alarmNamePrefix: string;
  /** What the function does, for the alarm descriptions ("the daily notice dispatcher"). */
  readonly role: string;
}

/** A run past this share of the timeout is one busy day away from being cut off. */
export const NEAR_TIMEOUT_SHARE = 0.8;
const PERIOD = Duration.minutes(5);

/**
 * The alarms of a function that runs in the background (the notice dispatcher's fan-out and its
 * dispatch workers): it failed, or one of its runs took
 * NEAR_TIMEOUT_SHARE of its timeout or more. Both fire and do not send OK: the next quiet period
 * says nothing about the run that failed.
 */
export class FunctionRunAlarms extends Construct {
  readonly failed: cloudwatch.Alarm;
  readonly nearTimeout: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: FunctionRunAlarmsProps) {
    super(scope, id);
    const { fn, alarmNamePrefix, role } = props;
    const limitMs = Math.floor(props.timeout.toMilliseconds() * NEAR_TIMEOUT_SHARE);

    this.failed = new cloudwatch.Alarm(this, "Failed", {
      alarmName: `${alarmNamePrefix}-failed`,
      alarmDescription:
        `A run of ${role} failed (an error or a timeout). Read its log group, then re-run the day ` +
        "(RUNBOOK.md).",
      metric: fn.metricErrors({ period: PERIOD, statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.nearTimeout = new cloudwatch.Alarm(this, "NearTimeout", {
      alarmName: `${alarmNamePrefix}-near-timeout`,
      alarmDescription:
        `A run of ${role} took ${Math.round(NEAR_TIMEOUT_SHARE * 100)} % of its ` +
        `${props.timeout.toSeconds()}-second timeout or more: a busier day will cut it off ` +
        "(RUNBOOK.md).",
      metric: fn.metricDuration({ period: PERIOD, statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: limitMs,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  get all(): readonly cloudwatch.Alarm[] {
    return [this.failed, this.nearTimeout];
  }
}
