import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import { Construct } from "constructs";
import type { RouteDefinition } from "../../lambdas/definitions/routes";
import type { StageConfig } from "../config/stages";

export interface ApiAlarmsProps {
  readonly stage: StageConfig;
  readonly prefix: string;
  /** The REST API's name (the ApiName dimension of its metrics). */
  readonly apiName: string;
  readonly routes: readonly RouteDefinition[];
  /** The Lambda authorizer of the signed-in routes. */
  readonly authorizer: lambda.IFunction;
}

/** The API's own metrics per method need the stage's detailed metrics (MetricsEnabled). */
const API_NAMESPACE = "AWS/ApiGateway";
const PERIOD = Duration.minutes(5);
/** Latency periods in a row above the threshold: one cold start alone does not page anyone. */
const LATENCY_PERIODS = 3;

/** "POST /v1/me/bills/{billId}" → "post-v1-me-bills-billid": an alarm name and a construct id. */
export function routeSlug(route: RouteDefinition): string {
  return `${route.method}-${route.path}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** One of the API Gateway metrics of one route (resource path and method) of the stage. */
export function routeMetric(
  props: Pick<ApiAlarmsProps, "apiName" | "stage">,
  route: RouteDefinition,
  metricName: "5XXError" | "Latency" | "Count",
  statistic: string,
  period: Duration = PERIOD,
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: API_NAMESPACE,
    metricName,
    dimensionsMap: {
      ApiName: props.apiName,
      Stage: props.stage.name,
      Resource: route.path,
      Method: route.method,
    },
    statistic,
    period,
  });
}

/**
 * The API's alarms: per route, its 5xx answers and its p99 latency; and errors of the authorizer,
 * every one of which is a signed-in customer answered 500. A quiet route emits no data: not breaching.
 */
export class ApiAlarms extends Construct {
  readonly serverErrors: readonly cloudwatch.Alarm[];
  readonly latency: readonly cloudwatch.Alarm[];
  readonly authorizerErrors: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ApiAlarmsProps) {
    super(scope, id);
    const { stage, prefix } = props;
    const { api5xxPer5Minutes, apiP99LatencyMs } = stage.alarms;

    this.serverErrors = props.routes.map((route) => {
      const slug = routeSlug(route);
      return new cloudwatch.Alarm(this, `ServerErrors-${slug}`, {
        alarmName: `${prefix}-api-5xx-${slug}`,
        alarmDescription:
          `${api5xxPer5Minutes} or more 5xx answers in 5 minutes on ${route.method} ${route.path}: ` +
          "the function failed or timed out, or API Gateway could not reach it (RUNBOOK.md).",
        metric: routeMetric(props, route, "5XXError", cloudwatch.Stats.SUM),
        threshold: api5xxPer5Minutes,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    });

    this.latency = props.routes.map((route) => {
      const slug = routeSlug(route);
      return new cloudwatch.Alarm(this, `Latency-${slug}`, {
        alarmName: `${prefix}-api-p99-latency-${slug}`,
        alarmDescription:
          `p99 latency of ${route.method} ${route.path} above ${apiP99LatencyMs} ms for ` +
          `${LATENCY_PERIODS * PERIOD.toMinutes()} minutes (RUNBOOK.md).`,
        metric: routeMetric(props, route, "Latency", cloudwatch.Stats.p(99)),
        threshold: apiP99LatencyMs,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: LATENCY_PERIODS,
        datapointsToAlarm: LATENCY_PERIODS,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    });

    this.authorizerErrors = new cloudwatch.Alarm(this, "AuthorizerErrors", {
      alarmName: `${prefix}-authorizer-errors`,
      alarmDescription:
        "The Lambda authorizer failed (it never refuses, so each error is a signed-in request answered " +
        "500 by API Gateway): read its log group (RUNBOOK.md).",
      metric: props.authorizer.metricErrors({ period: PERIOD, statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /** Every alarm of the API. */
  get all(): readonly cloudwatch.Alarm[] {
    return [...this.serverErrors, ...this.latency, this.authorizerErrors];
  }
}
