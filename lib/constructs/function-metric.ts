import type { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import { powertools } from "../config/observability";

/**
 * One of the functions' own metrics (Powertools, EMF), summed. The stage is not a dimension: the
 * alarms and the dashboard assume one stage per account and region (README "AWS edge"), as the
 * metrics do. Name it with a constant of lambdas/definitions/metrics.ts, the handlers' spelling.
 */
export function functionMetric(metricName: string, period: Duration, label?: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: powertools.metricsNamespace,
    metricName,
    dimensionsMap: { [powertools.serviceDimension]: powertools.serviceName },
    statistic: cloudwatch.Stats.SUM,
    period,
    ...(label ? { label } : {}),
  });
}
