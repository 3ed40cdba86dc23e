import { type CfnElement, Duration, Stack, TimeZone, Validations } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as events from "aws-cdk-lib/aws-events";
import * as eventTargets from "aws-cdk-lib/aws-events-targets";
import * as iam from "aws-cdk-lib/aws-iam";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import * as scheduler from "aws-cdk-lib/aws-scheduler";
import * as schedulerTargets from "aws-cdk-lib/aws-scheduler-targets";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { noticeDispatchMetrics } from "../../lambdas/definitions/metrics";
import {
  claimLeaseSeconds,
  DISPATCH_WORKER_MEMORY_MB,
  DISPATCH_WORKER_TIMEOUT_SECONDS,
  NOTICE_DISPATCH_WORKER_ENTRY,
  NOTICE_QUEUE_RETENTION_DAYS,
  noticeEnv,
  SENDING_LEASE_SECONDS,
  senderSettings,
} from "../../lambdas/definitions/notices";
import { billsTable, NOTICE_SHARDS, noticesTable, profilesTable } from "../../lambdas/definitions/tables";
import type { StageConfig } from "../config/stages";
import { applyGrants, type GrantableResources, grantSendMessage } from "../stacks/function-grants";
import { ApiFunction, type ApiFunctionProps } from "./api-function";
import { functionMetric } from "./function-metric";
import { FunctionRunAlarms } from "./function-run-alarms";

export interface NoticePipelineProps {
  readonly stage: StageConfig;
  readonly prefix: string;
  readonly resources: GrantableResources;
  /** The variables every function receives (lambdas/definitions/environment.ts). */
  readonly environment: Readonly<Record<string, string>>;
}

/** The non-API functions of the pipeline, by handler module. */
export const noticeFunctions = {
  dispatcher: {
    entry: "notice-dispatcher",
    description: "Daily: puts one dispatch task per shard on the dispatch queue",
  },
  dispatchWorker: {
    entry: NOTICE_DISPATCH_WORKER_ENTRY,
    description: "Queues the notices of one shard's bills available today, continuing until done",
  },
  sender: {
    entry: "notice-sender",
    description: "Sends one 'your bill is available' e-mail per queued bill",
  },
  sesEvents: {
    entry: "ses-events",
    description: "Bounces and complaints: flags the address and the account",
  },
} as const;

const SENDER_TIMEOUT_SECONDS = 30;
/** The dispatcher only fans out (a few SendMessageBatch calls). */
const DISPATCHER_TIMEOUT = Duration.seconds(30);
const DISPATCH_WORKER_TIMEOUT = Duration.seconds(DISPATCH_WORKER_TIMEOUT_SECONDS);
/**
 * Hours in a row the notice queue may hold messages before "queued but not sent by the next
 * morning": one day minus an hour, so that a run's leftovers raise the alarm before the next run.
 */
export const NOTICES_LATE_AFTER_HOURS = 23;

/**
 * The monthly "your bill is available" notices: a daily schedule (America/Toronto) invokes the
 * dispatcher, which puts one task per shard of the pending-notices index on the dispatch queue;
 * dispatch workers walk their shard, claim the bills due and queue them on the notice queue, and
 * hand the rest of their shard on as a continuation before their time runs low; the sender consumes
 * the notices at no more than the SES account's send rate (batch size and maximum concurrency
 * derived from it); poison messages of either queue end in a dead-letter queue watched by an alarm;
 * SES bounces and complaints come back through EventBridge.
 */
export class NoticePipeline extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  /** One task per shard, and the continuations: consumed by the dispatch worker. */
  readonly dispatchQueue: sqs.Queue;
  readonly dispatchDeadLetterQueue: sqs.Queue;
  /** The scheduled fan-out (seconds). Alarms: its errors (the day's run did not start). */
  readonly dispatcher: ApiFunction;
  /** The shard walker; hands on at half its timeout. Alarms: errors, duration near the timeout. */
  readonly dispatchWorker: ApiFunction;
  readonly sender: ApiFunction;
  readonly sesEvents: ApiFunction;
  readonly deadLetterAlarm: cloudwatch.Alarm;
  readonly dispatchDeadLetterAlarm: cloudwatch.Alarm;
  /** Notices still queued NOTICES_LATE_AFTER_HOURS after a run. */
  readonly lateAlarm: cloudwatch.Alarm;
  /** Bills a run could neither decide nor queue. */
  readonly dispatchFailedAlarm: cloudwatch.Alarm;
  /** The fan-out failed (the day's run did not start), or came near its timeout. */
  readonly dispatcherAlarms: FunctionRunAlarms;
  /** A shard's walk failed, or an invocation came near its timeout (it hands on at half). */
  readonly dispatchWorkerAlarms: FunctionRunAlarms;

  constructor(scope: Construct, id: string, props: NoticePipelineProps) {
    super(scope, id);
    const { stage, prefix, resources } = props;
    const settings = senderSettings(stage.sesMaxSendRatePerSecond);

    this.deadLetterQueue = new sqs.Queue(this, "DeadLetterQueue", {
      queueName: `${prefix}-notices-dlq`,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, "Queue", {
      queueName: `${prefix}-notices`,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Longer than a sender's lease and six times its timeout (AWS's advice for Lambda consumers).
      visibilityTimeout: Duration.seconds(Math.max(6 * SENDER_TIMEOUT_SECONDS, 2 * SENDING_LEASE_SECONDS)),
      retentionPeriod: Duration.days(NOTICE_QUEUE_RETENTION_DAYS),
      // Throttled sends come back often before they go through; only real poison ends in the DLQ.
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 10 },
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: "AwsSolutions-SQS3",
      reason: "This is the dead-letter queue of the notice queue; it has no dead-letter queue of its own.",
    });

    this.dispatchDeadLetterQueue = new sqs.Queue(this, "DispatchDeadLetterQueue", {
      queueName: `${prefix}-notices-dispatch-dlq`,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.dispatchDeadLetterQueue).acknowledge({
      id: "AwsSolutions-SQS3",
      reason: "This is the dead-letter queue of the dispatch queue; it has no dead-letter queue of its own.",
    });
    this.dispatchQueue = new sqs.Queue(this, "DispatchQueue", {
      queueName: `${prefix}-notices-dispatch`,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Six times the worker's timeout (AWS's advice for Lambda consumers): a task cut off comes back
      // after it, from its own cursor.
      visibilityTimeout: Duration.seconds(6 * DISPATCH_WORKER_TIMEOUT_SECONDS),
      retentionPeriod: Duration.days(NOTICE_QUEUE_RETENTION_DAYS),
      deadLetterQueue: { queue: this.dispatchDeadLetterQueue, maxReceiveCount: 5 },
    });

    const tableNames = {
      bills: resources.tables.get(billsTable.id),
      notices: resources.tables.get(noticesTable.id),
      profiles: resources.tables.get(profilesTable.id),
    };
    if (!tableNames.bills || !tableNames.notices || !tableNames.profiles)
      throw new Error("notice tables missing");

    const fn = (
      key: keyof typeof noticeFunctions,
      timeout: Duration,
      nist: Pick<ApiFunctionProps, "concurrency" | "withoutDeadLetterQueue">,
      extra: Record<string, string> = {},
      memorySize?: number,
    ) =>
      new ApiFunction(this, `${key[0]?.toUpperCase()}${key.slice(1)}`, {
        stage,
        functionName: `${prefix}-${noticeFunctions[key].entry}`,
        entry: noticeFunctions[key].entry,
        description: noticeFunctions[key].description,
        environment: { ...props.environment, ...extra },
        timeout,
        ...nist,
        ...(memorySize !== undefined ? { memorySize } : {}),
      });
    const senderEnvironment = {
      [noticeEnv.queueUrl]: this.queue.queueUrl,
      [noticeEnv.sesMaxSendRate]: String(stage.sesMaxSendRatePerSecond),
      [noticeEnv.senderConcurrency]: String(settings.maxConcurrency),
    };

    // The fan-out only: a few SendMessageBatch calls, no table.
    this.dispatcher = fn(
      "dispatcher",
      DISPATCHER_TIMEOUT,
      {
        concurrency: {
          unreservedBecause:
            "Invoked once a day by its schedule, or by an operator re-running a day; it only puts one task " +
            "per shard on the dispatch queue, and claims make overlapping runs harmless.",
        },
        withoutDeadLetterQueue:
          "The schedule retries a failed invocation 3 times; a run that still fails is alarmed (dispatcher " +
          "failed) and re-run by the operator (RUNBOOK.md); its bills stay pending for the next run anyway.",
      },
      { [noticeEnv.dispatchQueueUrl]: this.dispatchQueue.queueUrl },
    );
    grantSendMessage(this.dispatcher.function, this.dispatchQueue);

    // Memory sized by the notices-scale bench (BENCHMARKS.md, "Notices at scale"): the walk is CPU
    // bound (the SDK's marshalling and signing), and Lambda gives CPU in proportion to memory.
    this.dispatchWorker = fn(
      "dispatchWorker",
      DISPATCH_WORKER_TIMEOUT,
      {
        concurrency: {
          unreservedBecause:
            "Its event source runs at most one worker per shard (NOTICE_SHARDS); it writes on-demand tables " +
            "and the notice queue, no quota downstream; the sender's reserved concurrency protects SES.",
        },
        withoutDeadLetterQueue:
          "Fed by the dispatch queue, whose redrive policy moves a task that fails every receive to the " +
          "dispatch dead-letter queue (alarmed); direct invocations are the operator's synchronous CLI.",
      },
      {
        [noticeEnv.queueUrl]: this.queue.queueUrl,
        [noticeEnv.dispatchQueueUrl]: this.dispatchQueue.queueUrl,
        [noticeEnv.claimLeaseSeconds]: String(claimLeaseSeconds(stage.sesMaxSendRatePerSecond)),
      },
      DISPATCH_WORKER_MEMORY_MB,
    );
    // Pages through the pending bills (the pendingNotices index), reads their profiles in batches,
    // claims each notice, settles the bills it decides (REMOVE noticeShard), queues the claimed ones,
    // and puts its continuation on the dispatch queue.
    applyGrants(
      this.dispatchWorker.function,
      {
        tables: {
          [billsTable.id]: { actions: ["UpdateItem"], queryIndexes: ["pendingNotices"] },
          [profilesTable.id]: { actions: ["BatchGetItem"] },
          [noticesTable.id]: { actions: ["UpdateItem"] },
        },
      },
      resources,
    );
    grantSendMessage(this.dispatchWorker.function, this.queue);
    grantSendMessage(this.dispatchWorker.function, this.dispatchQueue);
    // One task at a time per worker; one worker per shard at most (the tasks of a day are that many).
    this.dispatchWorker.function.addEventSource(
      new SqsEventSource(this.dispatchQueue, { batchSize: 1, maxConcurrency: Math.max(2, NOTICE_SHARDS) }),
    );

    this.sender = fn(
      "sender",
      Duration.seconds(SENDER_TIMEOUT_SECONDS),
      {
        // The pacing shares the SES send rate among this many senders: no more may ever run, a manual
        // invocation included (the event source's maximum bounds only the queue's).
        concurrency: { reserved: settings.maxConcurrency },
        withoutDeadLetterQueue:
          "Fed by the notice queue, whose redrive policy moves a message that fails every receive to the " +
          "notice dead-letter queue (alarmed); a Lambda DLQ only takes asynchronous invocations.",
      },
      senderEnvironment,
    );
    // Reads the bill and the profile at send time, leases and settles the notice, settles the bill.
    applyGrants(
      this.sender.function,
      {
        tables: {
          [billsTable.id]: { actions: ["GetItem", "UpdateItem"] },
          [profilesTable.id]: { actions: ["GetItem"] },
          [noticesTable.id]: { actions: ["UpdateItem"] },
        },
        sendEmail: true,
      },
      resources,
    );
    // Consume includes ChangeMessageVisibility, which the sender uses to back off when throttled.
    this.sender.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: settings.batchSize,
        maxConcurrency: settings.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );

    this.sesEvents = fn("sesEvents", Duration.seconds(30), {
      concurrency: {
        unreservedBecause:
          "One invocation per bounce or complaint, a few a day; each writes a few DynamoDB items (on-demand), " +
          "no quota downstream to protect.",
      },
      withoutDeadLetterQueue:
        "EventBridge retries each event 8 times; an event still lost leaves the address on SES's account " +
        "suppression list (BOUNCES_AND_COMPLAINTS), so SES sends it nothing more either way.",
    });
    // Finds the profiles of the address (the byEmail index) and flags each one.
    applyGrants(
      this.sesEvents.function,
      { tables: { [profilesTable.id]: { actions: ["UpdateItem"], queryIndexes: ["byEmail"] } } },
      resources,
    );
    new events.Rule(this, "SesEventsRule", {
      description: "Bounces and complaints of the stage's configuration set",
      eventPattern: {
        source: ["aws.ses"],
        detailType: ["Email Bounced", "Email Complaint Received"],
        detail: {
          mail: { tags: { "ses:configuration-set": [resources.emailConfigurationSet.configurationSetName] } },
        },
      },
      targets: [new eventTargets.LambdaFunction(this.sesEvents.function, { retryAttempts: 8 })],
    });

    // Our own role for the schedule, so that its one finding is acknowledged where it stands.
    const scheduleRole = new iam.Role(this, "ScheduleRole", {
      assumedBy: new iam.ServicePrincipal("scheduler.amazonaws.com"),
      description: "Lets the daily schedule invoke the notice dispatcher, and nothing else",
    });
    const [hour = "6", minute = "0"] = stage.notices.scheduleTime.split(":").map((p) => String(Number(p)));
    new scheduler.Schedule(this, "DailySchedule", {
      description: `Daily notices at ${stage.notices.scheduleTime} ${stage.notices.timeZone}`,
      schedule: scheduler.ScheduleExpression.cron({
        hour,
        minute,
        timeZone: TimeZone.of(stage.notices.timeZone),
      }),
      target: new schedulerTargets.LambdaInvoke(this.dispatcher.function, {
        input: scheduler.ScheduleTargetInput.fromObject({}),
        retryAttempts: 3,
        role: scheduleRole,
      }),
    });
    Validations.of(scheduleRole).acknowledge({
      id: "NIST.800.53.R5-IAMNoInlinePolicy",
      reason:
        "The schedule's own role, with one policy that invokes the dispatcher only; a managed policy would " +
        "be a second resource that other roles could attach.",
    });
    Validations.of(scheduleRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.dispatcher.function.node.defaultChild as CfnElement)}.Arn>:*]`,
      reason:
        "CDK's grantInvoke allows the dispatcher function and its versions (ARN:*); the role can invoke that one function only.",
    });

    this.deadLetterAlarm = new cloudwatch.Alarm(this, "DeadLetterAlarm", {
      alarmName: `${prefix}-notices-dead-letters`,
      alarmDescription:
        "Notices that failed every delivery are in the dead-letter queue: read them, fix, redrive.",
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.dispatchDeadLetterAlarm = new cloudwatch.Alarm(this, "DispatchDeadLetterAlarm", {
      alarmName: `${prefix}-notices-dispatch-dead-letters`,
      alarmDescription:
        "A shard's dispatch task failed every try: its bills wait. Read the task, fix, redrive (or run `npm run notices -- --stage`).",
      metric: this.dispatchDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.dispatcherAlarms = new FunctionRunAlarms(this, "DispatcherAlarms", {
      fn: this.dispatcher.function,
      timeout: DISPATCHER_TIMEOUT,
      alarmNamePrefix: `${prefix}-${noticeFunctions.dispatcher.entry}`,
      role: "the daily notice dispatcher (the fan-out)",
    });
    this.dispatchWorkerAlarms = new FunctionRunAlarms(this, "DispatchWorkerAlarms", {
      fn: this.dispatchWorker.function,
      timeout: DISPATCH_WORKER_TIMEOUT,
      alarmNamePrefix: `${prefix}-${noticeFunctions.dispatchWorker.entry}`,
      role: "a notice dispatch worker (one shard's walk)",
    });

    this.dispatchFailedAlarm = new cloudwatch.Alarm(this, "DispatchFailedAlarm", {
      alarmName: `${prefix}-notices-dispatch-failed`,
      alarmDescription:
        "The dispatcher could not decide or queue some bills (each is logged): they wait for the next " +
        "run unless the day is re-run (RUNBOOK.md).",
      metric: functionMetric(noticeDispatchMetrics.failed, Duration.minutes(15)),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    // Not the age of the oldest message: SQS leaves a message received three times or more out of
    // that metric, and a sender that SES keeps throttling receives each message many times. Messages
    // waiting (visible) or in a backoff (not visible), at any moment of each of 23 hours, are not.
    const hourly = Duration.hours(1);
    const held = new cloudwatch.MathExpression({
      label: "Notices queued or in a backoff (maximum of the hour)",
      expression: "visible + inFlight",
      usingMetrics: {
        visible: this.queue.metricApproximateNumberOfMessagesVisible({
          period: hourly,
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        inFlight: this.queue.metricApproximateNumberOfMessagesNotVisible({
          period: hourly,
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
      },
      period: hourly,
    });
    this.lateAlarm = new cloudwatch.Alarm(this, "LateAlarm", {
      alarmName: `${prefix}-notices-late`,
      alarmDescription:
        `The notice queue has held messages for ${NOTICES_LATE_AFTER_HOURS} hours in a row: notices queued ` +
        "by the morning's run are still not sent (RUNBOOK.md).",
      metric: held,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: NOTICES_LATE_AFTER_HOURS,
      datapointsToAlarm: NOTICES_LATE_AFTER_HOURS,
      // SQS stops publishing for a queue idle for hours: an idle queue is an empty one.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}
