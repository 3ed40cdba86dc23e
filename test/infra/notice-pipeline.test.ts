import { Match, Template } from "aws-cdk-lib/assertions";
import { afterAll, describe, expect, it } from "vitest";
import { senderSettings } from "../../lambdas/definitions/notices";
import { buildApp } from "../../lib/app";
import { stageNames } from "../../lib/config/stages";
import { testApp } from "./infra-app";

describe("sender settings from the SES send rate", () => {
  it.each([1, 14, 50, 200, 1000])("never exceed %i e-mails per second together", (rate) => {
    const { batchSize, maxConcurrency } = senderSettings(rate);
    expect(maxConcurrency).toBeGreaterThanOrEqual(2); // Lambda's SQS minimum
    expect(batchSize).toBeGreaterThanOrEqual(1);
    expect(batchSize).toBeLessThanOrEqual(10);
    // Each sender paces at rate / maxConcurrency: together exactly the rate.
    expect((rate / maxConcurrency) * maxConcurrency).toBeCloseTo(rate);
  });
});

describe.each(stageNames)("notice pipeline, stage %s", (name) => {
  const test = testApp();
  afterAll(test.dispose);
  const { stage, stateful, stateless } = buildApp(name, test.app);
  const template = Template.fromStack(stateless);
  const functions = template.findResources("AWS::Lambda::Function");
  const fnId = (fragment: string) => {
    const id = Object.keys(functions).find((k) => k.startsWith(`Notices${fragment}`));
    if (!id) throw new Error(`no function Notices${fragment}`);
    return id;
  };

  it("runs the dispatcher daily at the stage's time in America/Toronto", () => {
    const [hour, minute] = stage.notices.scheduleTime.split(":").map(Number);
    template.hasResourceProperties("AWS::Scheduler::Schedule", {
      ScheduleExpression: `cron(${minute} ${hour} * * ? *)`,
      ScheduleExpressionTimezone: "America/Toronto",
      Target: Match.objectLike({ Arn: { "Fn::GetAtt": [fnId("Dispatcher"), "Arn"] } }),
    });
  });

  it("feeds the sender from SQS with batch size and concurrency derived from the send rate", () => {
    const { batchSize, maxConcurrency } = senderSettings(stage.sesMaxSendRatePerSecond);
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      FunctionName: { Ref: fnId("Sender") },
      BatchSize: batchSize,
      ScalingConfig: { MaximumConcurrency: maxConcurrency },
      FunctionResponseTypes: ["ReportBatchItemFailures"],
    });
  });

  it("sends poison messages to a dead-letter queue watched by an alarm", () => {
    template.hasResourceProperties("AWS::SQS::Queue", {
      RedrivePolicy: Match.objectLike({ maxReceiveCount: 10 }),
    });
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      MetricName: "ApproximateNumberOfMessagesVisible",
      Threshold: 0,
      ComparisonOperator: "GreaterThanThreshold",
    });
  });

  it("routes SES bounces and complaints of the configuration set to the flagging function", () => {
    template.hasResourceProperties("AWS::Events::Rule", {
      EventPattern: Match.objectLike({
        source: ["aws.ses"],
        "detail-type": ["Email Bounced", "Email Complaint Received"],
      }),
      Targets: Match.arrayWith([Match.objectLike({ Arn: { "Fn::GetAtt": [fnId("SesEvents"), "Arn"] } })]),
    });
    Template.fromStack(stateful).hasResourceProperties("AWS::SES::ConfigurationSetEventDestination", {
      EventDestination: Match.objectLike({ MatchingEventTypes: ["bounce", "complaint"], Enabled: true }),
    });
  });

  it("lets only the sender send e-mail, and no notice function Scan a table", () => {
    const policies = Object.values(template.findResources("AWS::IAM::Policy"));
    const text = (fragment: string) =>
      JSON.stringify(
        policies.filter((p) => JSON.stringify(p.Properties.Roles).includes(`Notices${fragment}`)),
      );
    expect(text("Sender")).toContain("ses:SendEmail");
    expect(text("Dispatcher")).not.toContain("ses:SendEmail");
    expect(text("Dispatcher")).toContain("sqs:SendMessage");
    for (const fragment of ["Sender", "Dispatcher", "SesEvents"])
      expect(text(fragment)).not.toContain("dynamodb:Scan");
  });
});
