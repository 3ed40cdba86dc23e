import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CfnElement } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { afterAll, describe, expect, it } from "vitest";
import {
  emailEventMetrics,
  enrollmentMetrics,
  noticeDispatchMetrics,
  noticeSendMetrics,
  stepUpCodeMetrics,
  verificationMetrics,
} from "../../lambdas/definitions/metrics";
import { buildApp } from "../../lib/app";
import { powertools } from "../../lib/config/observability";
import { repoRoot } from "../../lib/config/paths";
import { stageNames } from "../../lib/config/stages";
import { testApp } from "./infra-app";

type Json = Record<string, unknown>;

describe.each(stageNames)("alarms, stage %s", (name) => {
  const test = testApp();
  afterAll(test.dispose);
  const { stage, stateless } = buildApp(name, test.app);
  const template = Template.fromStack(stateless);
  const topicId = stateless.getLogicalId(stateless.alarms.topic.node.defaultChild as CfnElement);
  const alarms = template.findResources("AWS::CloudWatch::Alarm");
  const alarmNamed = (suffix: string): Json => {
    const found = Object.values(alarms).find(
      (a) => a.Properties.AlarmName === `enrollment-${name}-${suffix}`,
    );
    if (!found) throw new Error(`no alarm enrollment-${name}-${suffix}`);
    return found.Properties as Json;
  };

  it("has one alarm topic, TLS only, that only this stage's CloudWatch alarms may publish to", () => {
    template.resourceCountIs("AWS::SNS::Topic", 1);
    template.hasResourceProperties("AWS::SNS::Topic", { TopicName: `enrollment-${name}-alarms` });
    template.hasResourceProperties("AWS::SNS::TopicPolicy", {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
          Match.objectLike({
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: "sns:Publish",
            Condition: {
              StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } },
              ArnLike: { "aws:SourceArn": Match.objectLike({ "Fn::Join": Match.anyValue() }) },
            },
          }),
        ]),
      },
    });
    const policy = JSON.stringify(template.findResources("AWS::SNS::TopicPolicy"));
    expect(policy).toContain(`:alarm:enrollment-${name}-*`);
    template.hasOutput("AlarmTopicArn", { Value: { Ref: topicId } });
  });

  it("points every alarm of the stage at the topic, the notices' dead letters included", () => {
    expect(Object.keys(alarms).length).toBeGreaterThanOrEqual(6);
    for (const alarm of Object.values(alarms)) {
      expect(alarm.Properties.AlarmActions, String(alarm.Properties.AlarmName)).toEqual([{ Ref: topicId }]);
      expect(String(alarm.Properties.AlarmName)).toMatch(new RegExp(`^enrollment-${name}-`));
      expect(alarm.Properties.AlarmDescription).toEqual(expect.any(String));
    }
    expect(alarmNamed("notices-dead-letters").AlarmActions).toEqual([{ Ref: topicId }]);
    // OK as well, except where OK only means "nothing new for a while": an entry into step-up, a
    // failed or long run of the dispatcher or of a dispatch worker, a run's undecided bills.
    const onlyFire = [
      "step-up-entered",
      "notice-dispatcher-failed",
      "notice-dispatcher-near-timeout",
      "notice-dispatch-worker-failed",
      "notice-dispatch-worker-near-timeout",
      "notices-dispatch-failed",
    ];
    for (const alarm of Object.values(alarms)) {
      const ok = alarm.Properties.OKActions;
      const suffix = String(alarm.Properties.AlarmName).slice(`enrollment-${name}-`.length);
      if (onlyFire.includes(suffix)) expect(ok, suffix).toBeUndefined();
      else expect(ok, suffix).toEqual([{ Ref: topicId }]);
    }
  });

  /** The metric of the functions' own (Powertools) metrics, as every function is told to emit them. */
  const functionMetric = (metricName: string) => ({
    Namespace: powertools.metricsNamespace,
    MetricName: metricName,
    Dimensions: [{ Name: "service", Value: powertools.serviceName }],
    Statistic: "Sum",
  });

  it("watches the metrics under the namespace and service the functions emit them with", () => {
    const fn = template.toJSON().Resources[
      stateless.getLogicalId(stateless.functions.verifications.function.node.defaultChild as CfnElement)
    ] as { Properties: { Environment: { Variables: Json } } };
    expect(fn.Properties.Environment.Variables).toMatchObject({
      POWERTOOLS_METRICS_NAMESPACE: powertools.metricsNamespace,
      POWERTOOLS_SERVICE_NAME: powertools.serviceName,
    });
    expect(powertools.serviceDimension).toBe("service");
  });

  it("alarms when the hour's failed verifications reach the stage's failure budget", () => {
    expect(alarmNamed("verification-failure-budget")).toMatchObject({
      ...functionMetric(verificationMetrics.failed),
      Period: 3600,
      EvaluationPeriods: 1,
      Threshold: stage.verification.globalFailuresPerHour,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      TreatMissingData: "notBreaching",
    });
  });

  it("alarms on locked-out customer numbers still tried, above the stage's threshold", () => {
    expect(alarmNamed("verification-lockouts")).toMatchObject({
      ...functionMetric(verificationMetrics.lockedOut),
      Period: 3600,
      Threshold: stage.alarms.lockedOutAnswersPerHour,
      ComparisonOperator: "GreaterThanThreshold",
      TreatMissingData: "notBreaching",
    });
  });

  it("alarms as soon as verification enters step-up", () => {
    expect(alarmNamed("step-up-entered")).toMatchObject({
      ...functionMetric(verificationMetrics.stepUpEntered),
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      TreatMissingData: "notBreaching",
    });
  });
});

describe("metric names", () => {
  it("are the handlers' only spelling of the metrics that alarms and the dashboard read", () => {
    const handlers = [
      "verifications",
      "step-up-codes",
      "enrollments",
      "confirmation",
      "notice-dispatch-worker",
      "notice-sender",
      "ses-events",
    ];
    for (const handler of handlers) {
      const source = readFileSync(join(repoRoot, "lambdas", "handlers", `${handler}.ts`), "utf8");
      // Every addMetric names its metric through lambdas/definitions/metrics.ts, never a literal.
      expect(source, handler).not.toMatch(/addMetric\(\s*["'`]/);
      expect(source, handler).not.toMatch(/addMetric\([^,]*\?\s*["'`]/);
      expect(source, handler).toContain('from "../definitions/metrics"');
    }
    const names = [
      ...Object.values(verificationMetrics),
      ...Object.values(stepUpCodeMetrics),
      ...Object.values(enrollmentMetrics),
      ...Object.values(noticeDispatchMetrics),
      ...Object.values(noticeSendMetrics),
      ...Object.values(emailEventMetrics),
    ];
    expect(new Set(names).size).toBe(names.length);
    // CloudWatch metric names: at most 255 characters of ASCII, no leading colon.
    for (const metric of names) expect(metric).toMatch(/^[A-Za-z][A-Za-z0-9_-]{0,254}$/);
  });
});
