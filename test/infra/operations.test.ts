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
  verificationMetrics,
} from "../../lambdas/definitions/metrics";
import { senderSettings } from "../../lambdas/definitions/notices";
import { routes } from "../../lambdas/definitions/routes";
import { tables } from "../../lambdas/definitions/tables";
import { buildApp } from "../../lib/app";
import { repoRoot } from "../../lib/config/paths";
import { resourcePrefix, stageNames } from "../../lib/config/stages";
import { routeSlug } from "../../lib/constructs/api-alarms";
import { reputationAlarmRates, sesReview } from "../../lib/constructs/email-reputation-alarms";
import { NEAR_TIMEOUT_SHARE } from "../../lib/constructs/function-run-alarms";
import { NOTICES_LATE_AFTER_HOURS } from "../../lib/constructs/notice-pipeline";
import { testApp } from "./infra-app";

type Json = Record<string, unknown>;
type Resource = { Type: string; Properties: Json; DeletionPolicy?: string };

const runbook = readFileSync(join(repoRoot, "RUNBOOK.md"), "utf8");
/** The alarm sections of RUNBOOK.md, as patterns of alarm names after the stage prefix. */
const runbookAlarms = [...runbook.matchAll(/^### `([a-z0-9<>-]+)`$/gm)].map((m) => {
  const heading = m[1] ?? "";
  const pattern = heading.replace("<route>", "[a-z0-9-]+");
  return { heading, pattern: new RegExp(`^${pattern}$`) };
});

describe.each(stageNames)("operations, stage %s", (name) => {
  const test = testApp();
  afterAll(test.dispose);
  const { stage, stateful, stateless } = buildApp(name, test.app);
  const template = Template.fromStack(stateless);
  const statefulTemplate = Template.fromStack(stateful);
  const prefix = resourcePrefix(stage);
  const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
    stateless.getLogicalId(construct.node.defaultChild as CfnElement);
  const topicRef = { Ref: logicalId(stateless.alarms.topic) };
  const alarms = Object.values(template.findResources("AWS::CloudWatch::Alarm")) as Resource[];
  const alarm = (suffix: string): Json => {
    const found = alarms.find((a) => a.Properties.AlarmName === `${prefix}-${suffix}`);
    if (!found) throw new Error(`no alarm ${prefix}-${suffix}`);
    return found.Properties;
  };
  const suffixes = alarms.map((a) => String(a.Properties.AlarmName).slice(prefix.length + 1));

  it("e-mails the stage's operator address from the alarm topic", () => {
    template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: stage.alarms.email,
      TopicArn: topicRef,
    });
  });

  it("points every alarm at the topic", () => {
    // Two per route, plus the authorizer, dispatcher, notice, step-up, verification and SES alarms.
    expect(alarms.length).toBeGreaterThanOrEqual(2 * routes.length + 13);
    for (const a of alarms)
      expect(a.Properties.AlarmActions, String(a.Properties.AlarmName)).toEqual([topicRef]);
  });

  it("alarms on the 5xx and the p99 latency of every route, by its resource and method", () => {
    for (const route of routes) {
      const dimensions = expect.arrayContaining([
        { Name: "ApiName", Value: `${prefix}-api` },
        { Name: "Stage", Value: stage.name },
        { Name: "Resource", Value: route.path },
        { Name: "Method", Value: route.method },
      ]);
      expect(alarm(`api-5xx-${routeSlug(route)}`)).toMatchObject({
        Namespace: "AWS/ApiGateway",
        MetricName: "5XXError",
        Statistic: "Sum",
        Threshold: stage.alarms.api5xxPer5Minutes,
        Dimensions: dimensions,
      });
      expect(alarm(`api-p99-latency-${routeSlug(route)}`)).toMatchObject({
        Namespace: "AWS/ApiGateway",
        MetricName: "Latency",
        ExtendedStatistic: "p99",
        Threshold: stage.alarms.apiP99LatencyMs,
        Dimensions: dimensions,
      });
    }
    // The per-method metrics exist only with the stage's detailed metrics on.
    template.hasResourceProperties("AWS::ApiGateway::Stage", {
      MethodSettings: Match.arrayWith([Match.objectLike({ MetricsEnabled: true })]),
    });
  });

  it("alarms on authorizer errors", () => {
    expect(alarm("authorizer-errors")).toMatchObject({
      Namespace: "AWS/Lambda",
      MetricName: "Errors",
      Dimensions: [
        { Name: "FunctionName", Value: { Ref: logicalId(stateless.authorizerFunction.function) } },
      ],
      Threshold: 1,
    });
  });

  it("alarms when the dispatcher fails or runs past 80 % of its timeout, without an OK that means nothing", () => {
    const dispatcher = logicalId(stateless.notices.dispatcher.function);
    const timeoutSeconds = (template.toJSON().Resources[dispatcher] as Resource).Properties.Timeout as number;
    const fnDimension = [{ Name: "FunctionName", Value: { Ref: dispatcher } }];
    expect(alarm("notice-dispatcher-failed")).toMatchObject({
      MetricName: "Errors",
      Dimensions: fnDimension,
    });
    expect(alarm("notice-dispatcher-near-timeout")).toMatchObject({
      MetricName: "Duration",
      Statistic: "Maximum",
      Dimensions: fnDimension,
      Threshold: timeoutSeconds * 1000 * NEAR_TIMEOUT_SHARE,
    });
    expect(NEAR_TIMEOUT_SHARE).toBe(0.8);
    for (const suffix of [
      "notice-dispatcher-failed",
      "notice-dispatcher-near-timeout",
      "notices-dispatch-failed",
    ])
      expect(alarm(suffix).OKActions, suffix).toBeUndefined();
  });

  it("alarms when notices queued in the morning are still not sent the next morning", () => {
    const late = alarm("notices-late");
    expect(late).toMatchObject({
      EvaluationPeriods: NOTICES_LATE_AFTER_HOURS,
      DatapointsToAlarm: NOTICES_LATE_AFTER_HOURS,
      Threshold: 0,
      ComparisonOperator: "GreaterThanThreshold",
      TreatMissingData: "notBreaching",
    });
    expect(NOTICES_LATE_AFTER_HOURS).toBeLessThan(24);
    const metrics = late.Metrics as Array<{ Id: string; Expression?: string; MetricStat?: Json }>;
    const queueRef = { "Fn::GetAtt": [logicalId(stateless.notices.queue), "QueueName"] };
    const watched = metrics.filter((m) => m.MetricStat).map((m) => m.MetricStat as Json);
    expect(watched).toHaveLength(2);
    for (const stat of watched)
      expect(stat).toMatchObject({
        Metric: { Namespace: "AWS/SQS", Dimensions: [{ Name: "QueueName", Value: queueRef }] },
        Period: 3600,
        Stat: "Maximum",
      });
    expect(metrics.find((m) => m.Expression)?.Expression).toBe("visible + inFlight");
  });

  it("alarms on the SES bounce and complaint rates before SES reviews the account", () => {
    expect(alarm("ses-bounce-rate")).toMatchObject({
      Namespace: "AWS/SES",
      MetricName: "Reputation.BounceRate",
      Threshold: 0.04,
    });
    expect(alarm("ses-complaint-rate")).toMatchObject({
      Namespace: "AWS/SES",
      MetricName: "Reputation.ComplaintRate",
      Threshold: 0.0008,
    });
    expect(reputationAlarmRates.bounceRate).toBeLessThan(sesReview.bounceRate);
    expect(reputationAlarmRates.complaintRate).toBeLessThan(sesReview.complaintRate);
  });

  it("keeps the verification alarms: failures and lockouts above normal, step-up entered", () => {
    for (const suffix of ["verification-failure-budget", "verification-lockouts", "step-up-entered"])
      expect(alarm(suffix).AlarmActions).toEqual([topicRef]);
  });

  it("has a dashboard with the funnel, the notices, errors and latency, by the handlers' metric names", () => {
    const dashboards = Object.values(template.findResources("AWS::CloudWatch::Dashboard")) as Resource[];
    expect(dashboards).toHaveLength(1);
    const dashboard = dashboards[0] as Resource;
    expect(dashboard.Properties.DashboardName).toBe(prefix);
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const metric of [
      verificationMetrics.succeeded,
      enrollmentMetrics.created,
      enrollmentMetrics.confirmed,
      noticeDispatchMetrics.queued,
      noticeSendMetrics.sent,
      noticeDispatchMetrics.skippedCredit,
      noticeSendMetrics.skipped,
      emailEventMetrics.bounced,
      "5XXError",
      "Latency",
      "Errors",
    ])
      expect(body, metric).toContain(`\\"${metric}\\"`);
    for (const route of routes) expect(body).toContain(route.path);
    template.hasOutput("DashboardName", { Value: { Ref: logicalId(stateless.dashboard.dashboard) } });
  });

  it("logs the WAF's requests to an encrypted log group", () => {
    template.hasResourceProperties("AWS::WAFv2::LoggingConfiguration", {
      ResourceArn: { "Fn::GetAtt": [stateless.getLogicalId(stateless.webAcl.webAcl), "Arn"] },
    });
    template.hasResourceProperties("AWS::Logs::LogGroup", {
      LogGroupName: `aws-waf-logs-${prefix}-api`,
      KmsKeyId: Match.anyValue(),
    });
  });

  it("encrypts every log group with the stack's customer-managed key, rotated", () => {
    const key = Object.entries(template.findResources("AWS::KMS::Key"));
    expect(key).toHaveLength(1);
    const [keyId, keyResource] = key[0] as [string, Resource];
    expect(keyResource.Properties.EnableKeyRotation).toBe(true);
    const groups = Object.values(template.findResources("AWS::Logs::LogGroup")) as Resource[];
    expect(groups.length).toBeGreaterThan(10);
    for (const group of groups) expect(group.Properties.KmsKeyId).toEqual({ "Fn::GetAtt": [keyId, "Arn"] });
    if (stage.retainData) expect(keyResource.DeletionPolicy).toBe("Retain");
  });

  it("encrypts both secrets with a customer-managed key", () => {
    const keys = Object.keys(statefulTemplate.findResources("AWS::KMS::Key"));
    expect(keys).toHaveLength(1);
    const secrets = Object.values(
      statefulTemplate.findResources("AWS::SecretsManager::Secret"),
    ) as Resource[];
    expect(secrets).toHaveLength(2);
    for (const secret of secrets)
      expect(secret.Properties.KmsKeyId).toEqual({ "Fn::GetAtt": [keys[0], "Arn"] });
  });

  it("backs up production's tables daily for 35 days, and only production's", () => {
    const plans = Object.values(statefulTemplate.findResources("AWS::Backup::BackupPlan")) as Resource[];
    if (!stage.retainData) {
      expect(plans).toHaveLength(0);
      return;
    }
    expect(plans).toHaveLength(1);
    const plan = plans[0]?.Properties.BackupPlan as { BackupPlanRule: Json[] } | undefined;
    const rules = plan?.BackupPlanRule;
    expect(rules).toEqual([
      expect.objectContaining({
        ScheduleExpression: expect.stringMatching(/^cron\(0 5 \* \* \? \*\)$/),
        Lifecycle: { DeleteAfterDays: 35 },
      }),
    ]);
    const selection = JSON.stringify(statefulTemplate.findResources("AWS::Backup::BackupSelection"));
    for (const definition of tables)
      expect(selection).toContain(
        stateful.getLogicalId(stateful.table(definition).node.defaultChild as CfnElement),
      );
  });

  it("reserves the senders' concurrency, so that together they never exceed the SES rate they pace for", () => {
    const reserved = (fn: { node: { defaultChild?: unknown } }) =>
      (template.toJSON().Resources[logicalId(fn)] as Resource).Properties.ReservedConcurrentExecutions;
    expect(reserved(stateless.notices.sender.function)).toBe(
      senderSettings(stage.sesMaxSendRatePerSecond).maxConcurrency,
    );
    expect(reserved(stateless.stepUp.sender.function)).toBe(2);
    expect(reserved(stateless.enrollmentSweep.sweeper.function)).toBe(1);
  });

  it("has a RUNBOOK.md section for every alarm, and none for an alarm that is gone", () => {
    for (const suffix of suffixes)
      expect(
        runbookAlarms.some((section) => section.pattern.test(suffix)),
        `RUNBOOK.md has no section for ${suffix}`,
      ).toBe(true);
    for (const section of runbookAlarms)
      expect(
        suffixes.some((suffix) => section.pattern.test(suffix)),
        `RUNBOOK.md section ${section.heading} matches no alarm`,
      ).toBe(true);
  });
});

describe("alarm e-mail from the CLI context", () => {
  it("replaces the stage's address with -c alarmEmail, and refuses what is not an address", () => {
    const test = testApp({ context: { alarmEmail: "oncall@example.org" } });
    try {
      const { stateless } = buildApp("dev", test.app);
      Template.fromStack(stateless).hasResourceProperties("AWS::SNS::Subscription", {
        Endpoint: "oncall@example.org",
      });
    } finally {
      test.dispose();
    }
    const bad = testApp({ context: { alarmEmail: "oncall" } });
    try {
      expect(() => buildApp("dev", bad.app)).toThrow("-c alarmEmail must be an e-mail address");
    } finally {
      bad.dispose();
    }
  });
});
