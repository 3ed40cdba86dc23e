import { Duration, Validations } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { CHALLENGE_TTL_SECONDS } from "../../lambdas/domain/enrollment/step-up";
import type { StageConfig } from "../config/stages";
import { applyGrants, type GrantableResources, stepUpCodesGrants } from "../stacks/function-grants";
import { ApiFunction } from "./api-function";

export interface StepUpPipelineProps {
  readonly stage: StageConfig;
  readonly prefix: string;
}

export interface StepUpSenderProps {
  readonly resources: GrantableResources;
  /** The variables every function receives (lambdas/definitions/environment.ts). */
  readonly environment: Readonly<Record<string, string>>;
}

/** The consumer of the step-up queue, by handler module. */
export const stepUpCodesFunction = {
  entry: "step-up-codes",
  description: "Step-up: e-mails the code of each matched challenge to the account's contact address",
} as const;

const SENDER_TIMEOUT_SECONDS = 10;
/** AWS's advice for a Lambda consumer: six times the function's timeout. */
const VISIBILITY_TIMEOUT_SECONDS = 6 * SENDER_TIMEOUT_SECONDS;
/**
 * Receives before a message goes to the dead-letter queue: about five minutes of retries, which
 * leaves the customer two thirds of the code's life once it arrives.
 */
const MAX_RECEIVES = 5;
/** A code still queued after a third of its life arrives too late to be of much use. */
export const STEP_UP_LATE_AFTER_SECONDS = CHALLENGE_TTL_SECONDS / 3;
/** Code senders at once: Lambda's minimum for an SQS event source (see addSender). */
const CODE_SENDERS = 2;

/**
 * Step-up codes, off the verification's critical path (contract §4, v2): the verification queues
 * each new challenge (by its stored hash, nothing secret), and `step-up-codes` e-mails the code of
 * those whose data matched. The queue keeps a message no longer than the code lives; what fails
 * every retry ends in a dead-letter queue watched by an alarm, like a late code.
 *
 * Two steps, because every function's environment holds the queue's URL, the sender's included:
 * the queue first (`queue`), then the sender once the environment exists (`addSender`).
 */
export class StepUpPipeline extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly deadLetterAlarm: cloudwatch.Alarm;
  readonly lateAlarm: cloudwatch.Alarm;
  private senderFunction?: ApiFunction;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: StepUpPipelineProps,
  ) {
    super(scope, id);
    const { prefix } = props;

    // Not for redrive (the codes have expired by then): kept so that whoever answers the alarm,
    // a weekend later too, can read what failed.
    this.deadLetterQueue = new sqs.Queue(this, "DeadLetterQueue", {
      queueName: `${prefix}-step-up-codes-dlq`,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // A message keeps its first enqueue time in the dead-letter queue: far longer than the source.
      retentionPeriod: Duration.days(4),
    });
    this.queue = new sqs.Queue(this, "Queue", {
      queueName: `${prefix}-step-up-codes`,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // A code lives as long as its challenge: a message older than that is worth nothing.
      retentionPeriod: Duration.seconds(CHALLENGE_TTL_SECONDS),
      visibilityTimeout: Duration.seconds(VISIBILITY_TIMEOUT_SECONDS),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVES },
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: "AwsSolutions-SQS3",
      reason:
        "This is the dead-letter queue of the step-up code queue; it has no dead-letter queue of its own.",
    });

    this.deadLetterAlarm = new cloudwatch.Alarm(this, "DeadLetterAlarm", {
      alarmName: `${prefix}-step-up-codes-dead-letters`,
      alarmDescription:
        "Step-up code e-mails failed every retry (see the step-up-codes function's logs: SES refusals, " +
        "throttling, a missing permission): those customers got no code and must verify again.",
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.lateAlarm = new cloudwatch.Alarm(this, "LateAlarm", {
      alarmName: `${prefix}-step-up-codes-late`,
      alarmDescription:
        `A step-up code waited ${STEP_UP_LATE_AFTER_SECONDS / 60} minutes or more in the queue (a code lives ` +
        `${CHALLENGE_TTL_SECONDS / 60}): the sender is failing, throttled or not consuming.`,
      metric: this.queue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: STEP_UP_LATE_AFTER_SECONDS,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      // An idle queue publishes no age at all.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /** The `step-up-codes` function (once `addSender` has made it). */
  get sender(): ApiFunction {
    if (!this.senderFunction) throw new Error(`${this.node.path} has no sender yet (addSender).`);
    return this.senderFunction;
  }

  /** The `step-up-codes` function, fed by the queue. */
  addSender(props: StepUpSenderProps): ApiFunction {
    if (this.senderFunction) throw new Error(`${this.node.path} already has its sender.`);
    const { stage, prefix } = this.props;
    const sender = new ApiFunction(this, "Sender", {
      stage,
      functionName: `${prefix}-${stepUpCodesFunction.entry}`,
      entry: stepUpCodesFunction.entry,
      description: stepUpCodesFunction.description,
      environment: props.environment,
      timeout: Duration.seconds(SENDER_TIMEOUT_SECONDS),
      // Its share of the SES send rate, beside the notice sender's: never more, however invoked.
      concurrency: { reserved: CODE_SENDERS },
      withoutDeadLetterQueue:
        "Fed by the step-up code queue, whose redrive policy moves a message that fails every receive to " +
        "the code dead-letter queue (alarmed); a Lambda DLQ only takes asynchronous invocations.",
    });
    applyGrants(sender.function, stepUpCodesGrants, props.resources);
    sender.function.addEventSource(
      new SqsEventSource(this.queue, {
        // Few messages at a time, sent in parallel (processInParallel): a code is wanted now, and a
        // failed one comes back alone (partial batch response), not with the whole batch.
        batchSize: 5,
        reportBatchItemFailures: true,
        // Codes are few (only matched challenges, only under attack). Two consumers (Lambda's
        // minimum) keep them from crowding the notice sender's paced share of the SES send rate.
        maxConcurrency: CODE_SENDERS,
      }),
    );
    this.senderFunction = sender;
    return sender;
  }
}
