import type { CfnElement } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import type { IConstruct } from "constructs";
import { afterAll, describe, expect, it } from "vitest";
import { accountsTable, profilesTable, securityTable } from "../../lambdas/definitions/tables";
import { CHALLENGE_TTL_SECONDS } from "../../lambdas/domain/enrollment/step-up";
import { buildApp } from "../../lib/app";
import { stageNames } from "../../lib/config/stages";
import { STEP_UP_LATE_AFTER_SECONDS, stepUpCodesFunction } from "../../lib/constructs/step-up-pipeline";
import { testApp } from "./infra-app";

type Json = Record<string, unknown>;
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Json };

describe.each(stageNames)("step-up code pipeline, stage %s", (name) => {
  const test = testApp();
  afterAll(test.dispose);
  const { stateless } = buildApp(name, test.app);
  const template = Template.fromStack(stateless);
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Json }>;
  const properties = (id: string): Json => {
    const found = resources[id];
    if (!found) throw new Error(`no resource ${id}`);
    return found.Properties;
  };
  const idOf = (construct: IConstruct) => stateless.getLogicalId(construct.node.defaultChild as CfnElement);
  const queueId = idOf(stateless.stepUp.queue);
  const dlqId = idOf(stateless.stepUp.deadLetterQueue);
  const senderId = idOf(stateless.stepUp.sender.function);

  /** Every statement of the policies attached to the role of the function with this logical id. */
  function statementsOf(functionId: string): Statement[] {
    const role = (properties(functionId).Role as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"][0];
    return Object.values(template.findResources("AWS::IAM::Policy"))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${role}"`))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
  }
  const actions = (statements: Statement[]) => statements.flatMap((s) => s.Action);
  const onResource = (statements: Statement[], fragment: string) =>
    statements.filter((s) => JSON.stringify(s.Resource).includes(fragment)).flatMap((s) => s.Action);

  it("keeps a message no longer than its code lives, encrypted, with a dead-letter queue", () => {
    const queue = properties(queueId);
    expect(queue).toMatchObject({
      QueueName: `enrollment-${name}-step-up-codes`,
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: CHALLENGE_TTL_SECONDS,
      // Six times the sender's timeout, as AWS advises for a Lambda consumer.
      VisibilityTimeout: 6 * Number(properties(senderId).Timeout),
      RedrivePolicy: { deadLetterTargetArn: { "Fn::GetAtt": [dlqId, "Arn"] }, maxReceiveCount: 5 },
    });
    // Five receives a visibility timeout apart fit well inside the code's life.
    expect(5 * Number(queue.VisibilityTimeout)).toBeLessThanOrEqual(CHALLENGE_TTL_SECONDS / 2);
    const dlq = properties(dlqId);
    expect(dlq.SqsManagedSseEnabled).toBe(true);
    // A message keeps its first enqueue time when moved: the DLQ must keep it far longer.
    expect(Number(dlq.MessageRetentionPeriod)).toBeGreaterThan(24 * 3600);
  });

  it("refuses any access to either queue without TLS", () => {
    for (const id of [queueId, dlqId]) {
      template.hasResourceProperties("AWS::SQS::QueuePolicy", {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: "Deny",
              Action: "sqs:*",
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            }),
          ]),
        },
      });
    }
  });

  it("feeds step-up-codes from the queue in small batches with partial batch responses", () => {
    expect(properties(senderId)).toMatchObject({
      FunctionName: `enrollment-${name}-${stepUpCodesFunction.entry}`,
    });
    template.resourcePropertiesCountIs(
      "AWS::Lambda::EventSourceMapping",
      { EventSourceArn: { "Fn::GetAtt": [queueId, "Arn"] } },
      1,
    );
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      EventSourceArn: { "Fn::GetAtt": [queueId, "Arn"] },
      FunctionName: { Ref: senderId },
      BatchSize: 5,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });

  it("lets step-up-codes read a challenge and an account by key, take the pepper and send e-mail, nothing more", () => {
    const statements = statementsOf(senderId);
    const dynamo = statements.filter((s) => actions([s]).some((a) => a.startsWith("dynamodb:")));
    expect(actions(dynamo)).toEqual(["dynamodb:GetItem"]);
    const tables = JSON.stringify(dynamo.map((s) => s.Resource));
    expect(tables).toContain(accountsTable.id);
    expect(tables).toContain(securityTable.id);
    expect(tables).not.toContain(profilesTable.id);
    expect(tables).not.toContain("/index/");
    expect(actions(statements).sort()).toEqual(
      [
        "dynamodb:GetItem",
        // The pepper's customer-managed key, through Secrets Manager only.
        "kms:Decrypt",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "secretsmanager:GetSecretValue",
        "ses:SendEmail",
        "sqs:ChangeMessageVisibility",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:GetQueueUrl",
        "sqs:ReceiveMessage",
        "xray:PutTelemetryRecords",
        "xray:PutTraceSegments",
      ].sort(),
    );
    // From the stage's identity, through its configuration set.
    const ses = JSON.stringify(statements.filter((s) => actions([s]).includes("ses:SendEmail")));
    expect(ses).toContain(":identity/");
    expect(ses).toContain(":configuration-set/");
    expect(onResource(statements, queueId)).toContain("sqs:ReceiveMessage");
    const kms = statements.filter((s) => actions([s]).includes("kms:Decrypt"));
    expect(JSON.stringify(kms.map((s) => s.Condition))).toContain("secretsmanager.");
    const variables = properties(senderId).Environment as { Variables: Json };
    expect(variables.Variables).toHaveProperty(accountsTable.envVar);
    expect(variables.Variables).toHaveProperty(securityTable.envVar);
    expect(variables.Variables).not.toHaveProperty(profilesTable.envVar);
  });

  it("lets the verifications function queue challenges, consume them and read the budget", () => {
    const verifications = statementsOf(idOf(stateless.functions.verifications.function));
    expect(onResource(verifications, queueId)).toContain("sqs:SendMessage");
    expect(onResource(verifications, queueId)).not.toContain("sqs:ReceiveMessage");
    const security = onResource(verifications, securityTable.id);
    for (const action of [
      "dynamodb:DeleteItem",
      "dynamodb:BatchGetItem",
      "dynamodb:UpdateItem",
      "dynamodb:PutItem",
    ])
      expect(security).toContain(action);
    expect(actions(verifications)).not.toContain("ses:SendEmail");
    expect(actions(verifications)).not.toContain("dynamodb:Scan");
  });

  it("lets no other function send to the step-up queue", () => {
    const senders = Object.keys(template.findResources("AWS::Lambda::Function")).filter((id) =>
      onResource(statementsOf(id), queueId).includes("sqs:SendMessage"),
    );
    expect(senders).toEqual([idOf(stateless.functions.verifications.function)]);
  });

  it("alarms on dead letters and on codes waiting a third of their life", () => {
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      AlarmName: `enrollment-${name}-step-up-codes-dead-letters`,
      Namespace: "AWS/SQS",
      MetricName: "ApproximateNumberOfMessagesVisible",
      Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [dlqId, "QueueName"] } }],
      Threshold: 0,
      ComparisonOperator: "GreaterThanThreshold",
    });
    expect(STEP_UP_LATE_AFTER_SECONDS).toBe(CHALLENGE_TTL_SECONDS / 3);
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      AlarmName: `enrollment-${name}-step-up-codes-late`,
      Namespace: "AWS/SQS",
      MetricName: "ApproximateAgeOfOldestMessage",
      Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [queueId, "QueueName"] } }],
      Statistic: "Maximum",
      Threshold: STEP_UP_LATE_AFTER_SECONDS,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      TreatMissingData: "notBreaching",
    });
  });
});
