import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import {
  emailEventMetrics,
  enrollmentMetrics,
  noticeDispatchMetrics,
  noticeSendMetrics,
  verificationMetrics,
} from "../../lambdas/definitions/metrics";
import type { RouteDefinition } from "../../lambdas/definitions/routes";
import type { StageConfig } from "../config/stages";
import { routeMetric } from "./api-alarms";
import { functionMetric } from "./function-metric";

export interface StageDashboardProps {
  readonly stage: StageConfig;
  readonly prefix: string;
  readonly apiName: string;
  readonly routes: readonly RouteDefinition[];
  /** Every function of the stage, by a short label. */
  readonly functions: ReadonlyArray<{ readonly label: string; readonly fn: lambda.IFunction }>;
  readonly deadLetterQueues: ReadonlyArray<{ readonly label: string; readonly queue: sqs.IQueue }>;
  readonly alarms: readonly cloudwatch.IAlarm[];
}

const DAY = Duration.days(1);
const FIVE_MINUTES = Duration.minutes(5);
const WIDTH = 24;
const HALF = 12;
const HEIGHT = 6;

/**
 * The stage at a glance (contract §1: operators watch alarms): the alarms' states, the enrollment
 * funnel and the notices per day, errors and latency. Every graph reads the metrics the handlers
 * emit, by the names of lambdas/definitions/metrics.ts.
 */
export class StageDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: StageDashboardProps) {
    super(scope, id);
    const { prefix } = props;
    const daily = (name: string, label: string) => functionMetric(name, DAY, label);

    this.dashboard = new cloudwatch.Dashboard(this, "Dashboard", {
      dashboardName: prefix,
      defaultInterval: Duration.days(14),
    });

    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({
        title: "Alarms (RUNBOOK.md says what each one means)",
        alarms: [...props.alarms],
        width: WIDTH,
        height: HEIGHT,
      }),
    );

    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: "Enrollment funnel per day: verified, enrolled, confirmed",
        left: [
          daily(verificationMetrics.succeeded, "verified"),
          daily(enrollmentMetrics.created, "enrolled"),
          daily(enrollmentMetrics.confirmed, "confirmed"),
        ],
        view: cloudwatch.GraphWidgetView.BAR,
        width: HALF,
        height: HEIGHT,
      }),
      new cloudwatch.GraphWidget({
        title: "Notices per day: queued, sent, skipped, bounced",
        left: [
          daily(noticeDispatchMetrics.queued, "queued"),
          daily(noticeSendMetrics.sent, "sent"),
          new cloudwatch.MathExpression({
            label: "skipped",
            expression:
              "FILL(dispatchCredit, 0) + FILL(dispatchInactive, 0) + FILL(sendSkipped, 0) + FILL(sendCredit, 0)",
            usingMetrics: {
              dispatchCredit: daily(noticeDispatchMetrics.skippedCredit, "skipped (credit, at dispatch)"),
              dispatchInactive: daily(noticeDispatchMetrics.skippedInactive, "skipped (inactive)"),
              sendSkipped: daily(noticeSendMetrics.skipped, "skipped (at send)"),
              sendCredit: daily(noticeSendMetrics["skipped-credit"], "skipped (credit, at send)"),
            },
            period: DAY,
          }),
          daily(emailEventMetrics.bounced, "bounced"),
        ],
        view: cloudwatch.GraphWidgetView.BAR,
        width: HALF,
        height: HEIGHT,
      }),
    );

    const perRoute = (metricName: "5XXError" | "Latency", statistic: string) =>
      props.routes.map((route) =>
        routeMetric(props, route, metricName, statistic, FIVE_MINUTES).with({
          label: `${route.method} ${route.path}`,
        }),
      );

    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: "Errors: API 5xx per route",
        left: perRoute("5XXError", cloudwatch.Stats.SUM),
        width: HALF,
        height: HEIGHT,
      }),
      new cloudwatch.GraphWidget({
        title: "Errors: function errors, dead letters",
        left: props.functions.map(({ label, fn }) =>
          fn.metricErrors({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM, label }),
        ),
        right: props.deadLetterQueues.map(({ label, queue }) =>
          queue.metricApproximateNumberOfMessagesVisible({
            period: FIVE_MINUTES,
            statistic: cloudwatch.Stats.MAXIMUM,
            label,
          }),
        ),
        width: HALF,
        height: HEIGHT,
      }),
    );

    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: "Latency: API p99 per route (ms)",
        left: perRoute("Latency", cloudwatch.Stats.p(99)),
        leftAnnotations: [{ value: props.stage.alarms.apiP99LatencyMs, label: "alarm" }],
        width: WIDTH,
        height: HEIGHT,
      }),
    );
  }
}
