import { ArnFormat, Stack, Validations } from "aws-cdk-lib";
import type * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as cloudwatchActions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as iam from "aws-cdk-lib/aws-iam";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import { Construct } from "constructs";

export interface AlarmTopicProps {
  /** The stage's resource prefix: the topic's name, and the prefix of every alarm that may publish. */
  readonly prefix: string;
  /** The operators' address (stage config `alarms.email`): subscribed by e-mail. */
  readonly email: string;
}

/**
 * The one SNS topic of a stage's alarms, with the stage's operator address subscribed; more
 * subscribers (chat, paging) can be added to it: the stateless stack outputs its ARN. Every alarm of
 * the stage notifies it through `notify`.
 */
export class AlarmTopic extends Construct {
  readonly topic: sns.Topic;
  private readonly action: cloudwatchActions.SnsAction;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.topic = new sns.Topic(this, "Topic", {
      topicName: `${props.prefix}-alarms`,
      displayName: `Online services enrollment (${props.prefix}): alarms`,
      enforceSSL: true,
    });
    // enforceSSL gives the topic a policy of its own, which replaces SNS's default one: CloudWatch
    // must then be let in explicitly, and only for this account's alarms of this stage.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "StageAlarmsPublish",
        principals: [new iam.ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["sns:Publish"],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { "aws:SourceAccount": stack.account },
          ArnLike: {
            "aws:SourceArn": stack.formatArn({
              service: "cloudwatch",
              resource: "alarm",
              resourceName: `${props.prefix}-*`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    Validations.of(this.topic).acknowledge({
      id: "AwsSolutions-SNS2",
      reason:
        "CloudWatch alarms can only publish to an encrypted topic through a customer-managed KMS key that " +
        "admits cloudwatch.amazonaws.com; the messages hold alarm names, thresholds and metric values, no " +
        "customer data, and reach the operator's e-mail unencrypted anyway. TLS in transit is enforced.",
    });
    Validations.of(this.topic).acknowledge({
      id: "NIST.800.53.R5-SNSEncryptedKMS",
      reason:
        "As for AwsSolutions-SNS2: the topic carries alarm names, thresholds and metric values only, no " +
        "customer data; a KMS key would have to admit cloudwatch.amazonaws.com. TLS in transit is enforced.",
    });
    this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
    this.action = new cloudwatchActions.SnsAction(this.topic);
  }

  /**
   * Notifies the topic when the alarm fires, and, with `ok`, when it is over. An alarm whose OK state
   * only means "nothing new for a while" (not "the problem is gone") should not send OK.
   */
  notify(alarm: cloudwatch.AlarmBase, options: { ok: boolean }): void {
    alarm.addAlarmAction(this.action);
    if (options.ok) alarm.addOkAction(this.action);
  }
}
