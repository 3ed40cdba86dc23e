import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import { Construct } from "constructs";

export interface EmailReputationAlarmsProps {
  readonly prefix: string;
}

/**
 * The rates at which SES puts an account under review (its published limits), and ours, below them:
 * the alarm must leave time to act before SES does. Ratios, as SES publishes them (0.05 = 5 %).
 */
export const sesReview = { bounceRate: 0.05, complaintRate: 0.001 } as const;
export const reputationAlarmRates = { bounceRate: 0.04, complaintRate: 0.0008 } as const;

/** SES's account-wide reputation metrics (the rates SES itself reviews, not per configuration set). */
function reputationMetric(
  metricName: "Reputation.BounceRate" | "Reputation.ComplaintRate",
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: "AWS/SES",
    metricName,
    statistic: cloudwatch.Stats.MAXIMUM,
    period: Duration.hours(1),
  });
}

const percent = (ratio: number) => `${+(ratio * 100).toFixed(2)} %`;

/**
 * The SES account's bounce and complaint rates, before SES reviews the account (and may pause its
 * sending: no confirmation, step-up code or notice e-mail would leave). They assume one stage per
 * account and region, as the functions' metrics do (README "AWS edge").
 */
export class EmailReputationAlarms extends Construct {
  readonly bounceRate: cloudwatch.Alarm;
  readonly complaintRate: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: EmailReputationAlarmsProps) {
    super(scope, id);
    const { prefix } = props;
    this.bounceRate = new cloudwatch.Alarm(this, "BounceRate", {
      alarmName: `${prefix}-ses-bounce-rate`,
      alarmDescription:
        `The SES account's bounce rate is above ${percent(reputationAlarmRates.bounceRate)}; SES reviews ` +
        `the account at ${percent(sesReview.bounceRate)} (RUNBOOK.md).`,
      metric: reputationMetric("Reputation.BounceRate"),
      threshold: reputationAlarmRates.bounceRate,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.complaintRate = new cloudwatch.Alarm(this, "ComplaintRate", {
      alarmName: `${prefix}-ses-complaint-rate`,
      alarmDescription:
        `The SES account's complaint rate is above ${percent(reputationAlarmRates.complaintRate)}; SES ` +
        `reviews the account at ${percent(sesReview.complaintRate)} (RUNBOOK.md).`,
      metric: reputationMetric("Reputation.ComplaintRate"),
      threshold: reputationAlarmRates.complaintRate,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  get all(): readonly cloudwatch.Alarm[] {
    return [this.bounceRate, this.complaintRate];
  }
}
