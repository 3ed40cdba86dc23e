import { Match, Template } from "aws-cdk-lib/assertions";
import { afterAll, describe, expect, it } from "vitest";
import {
  claimLeaseSeconds,
  DAILY_NOTICE_CAPACITY,
  DISPATCH_WORKER_MEMORY_MB,
  DISPATCH_WORKER_TIMEOUT_SECONDS,
  NOTICE_QUEUE_RETENTION_DAYS,
  NOTICE_SEND_MS,
  noticeEnv,
  senderSettings,
} from "../../lambdas/definitions/notices";
import { NOTICE_SHARDS } from "../../lambdas/definitions/tables";
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

describe.each(stageNames)("notice dispatch fan-out, stage %s", (name) => {
  const test = testApp();
  afterAll(test.dispose);
  const { stage, stateless } = buildApp(name, test.app);
  const template = Template.fromStack(stateless);
  const functions = template.findResources("AWS::Lambda::Function");
  const named = (suffix: string) => {
    const found = Object.entries(functions).find(([, f]) =>
      String(f.Properties.FunctionName).endsWith(suffix),
    );
    if (!found) throw new Error(`no function *${suffix}`);
    return { id: found[0], properties: found[1].Properties as Record<string, unknown> };
  };

  it("feeds one worker per shard from the dispatch queue, one task at a time, at the sized memory", () => {
    const worker = named("-notice-dispatch-worker");
    expect(worker.properties.MemorySize).toBe(DISPATCH_WORKER_MEMORY_MB);
    expect(worker.properties.Timeout).toBe(DISPATCH_WORKER_TIMEOUT_SECONDS);
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      FunctionName: { Ref: worker.id },
      BatchSize: 1,
      ScalingConfig: { MaximumConcurrency: NOTICE_SHARDS },
    });
    // A task cut off comes back from its own cursor; one that fails every time lands in a DLQ.
    template.hasResourceProperties("AWS::SQS::Queue", {
      QueueName: `enrollment-${name}-notices-dispatch`,
      VisibilityTimeout: 6 * DISPATCH_WORKER_TIMEOUT_SECONDS,
      RedrivePolicy: Match.objectLike({ maxReceiveCount: 5 }),
    });
  });

  it("gives the worker the claim lease that matches the stage's backlog", () => {
    const variables = (
      named("-notice-dispatch-worker").properties.Environment as { Variables: Record<string, string> }
    ).Variables;
    expect(Number(variables[noticeEnv.claimLeaseSeconds])).toBe(
      claimLeaseSeconds(stage.sesMaxSendRatePerSecond),
    );
    // Longer than a full day's backlog at the stage's rate, or the queue's retention.
    expect(Number(variables[noticeEnv.claimLeaseSeconds])).toBeGreaterThanOrEqual(
      Math.min(NOTICE_QUEUE_RETENTION_DAYS * 86_400, DAILY_NOTICE_CAPACITY / stage.sesMaxSendRatePerSecond),
    );
  });

  it("keeps the scheduled dispatcher to the fan-out: it may send to the dispatch queue only, and read no table", () => {
    const dispatcher = named("-notice-dispatcher");
    expect(dispatcher.properties.Timeout).toBeLessThanOrEqual(60);
    const roleId = (dispatcher.properties.Role as { "Fn::GetAtt": [string] })["Fn::GetAtt"][0];
    const policies = Object.values(template.findResources("AWS::IAM::Policy")).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes(roleId),
    );
    const text = JSON.stringify(policies);
    expect(text).not.toContain("dynamodb:");
    expect(text).toContain("sqs:SendMessage");
  });
});

describe("claim lease and sender concurrency from the send rate", () => {
  it("a lease outlives the largest day's backlog (within the queue's retention)", () => {
    expect(claimLeaseSeconds(1000)).toBe(1000 + 30 * 60);
    expect(claimLeaseSeconds(14)).toBeGreaterThan(DAILY_NOTICE_CAPACITY / 14);
    expect(claimLeaseSeconds(1)).toBe(NOTICE_QUEUE_RETENTION_DAYS * 86_400);
  });

  it("at 1,000/s enough senders keep up, each notice taking NOTICE_SEND_MS", () => {
    const { maxConcurrency, batchSize } = senderSettings(1000);
    expect(maxConcurrency * (1000 / NOTICE_SEND_MS)).toBeGreaterThanOrEqual(1000);
    expect(batchSize).toBeLessThanOrEqual(10);
  });
});
