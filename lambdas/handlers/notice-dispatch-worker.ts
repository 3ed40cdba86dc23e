import { MetricUnit } from "@aws-lambda-powertools/metrics";
import middy from "@middy/core";
import type { Context, SQSEvent } from "aws-lambda";
import { documentClient } from "../adapters/dynamodb";
import { noticeStores } from "../adapters/notice-stores";
import { logger, metrics } from "../adapters/observability";
import { noticeSettings, tableNames } from "../adapters/runtime-config";
import { sqsClient, sqsDispatchQueue, sqsNoticeQueue } from "../adapters/sqs-queue";
import { type DispatchTask, dispatchTask } from "../definitions/dispatch-task";
import { NOTICE_DISPATCH_CONTINUATIONS, noticeDispatchMetrics } from "../definitions/metrics";
import { DISPATCH_HANDOFF_REMAINING_MS } from "../definitions/notices";
import { billsTable, noticesTable, profilesTable } from "../definitions/tables";
import { type DispatchSummary, dispatchShard } from "../domain/notices/dispatch";
import { observability } from "../middleware/observability";

// Only the tables and settings this function reads, so that its bundle holds no other's definitions.
const config = {
  tables: tableNames({ bills: billsTable, profiles: profilesTable, notices: noticesTable }),
  notices: noticeSettings(),
};
const deps = {
  ...noticeStores(config, documentClient()),
  queue: sqsNoticeQueue(sqsClient(), config.notices.queueUrl()),
};

/** What a direct invocation returns: this part's counts, and the task to invoke next (if any). */
export interface WorkerResult {
  readonly summary: DispatchSummary;
  readonly next?: DispatchTask;
}

/** The summary's every count has its metric (one spelling: definitions/metrics.ts). */
const metricNames: Record<keyof DispatchSummary, string> = noticeDispatchMetrics;

/** One shard from the task's cursor, until the shard ends or the time left runs low. */
async function work(task: DispatchTask, context: Context): Promise<WorkerResult> {
  const result = await dispatchShard(task.date, task.runId, task.shard, task.cursor, deps, {
    dryRun: task.dryRun ?? false,
    shouldStop: () => context.getRemainingTimeInMillis() < DISPATCH_HANDOFF_REMAINING_MS,
    onError: (bill, error) =>
      logger.error("notice dispatch failed for one bill", { billId: bill.billId, error: error as Error }),
  });
  for (const [key, name] of Object.entries(metricNames) as [keyof DispatchSummary, string][])
    metrics.addMetric(name, MetricUnit.Count, result.summary[key]);
  // The index key holds strings only; parsing it checks so before it travels.
  const next = result.next ? dispatchTask.parse({ ...task, cursor: result.next }) : undefined;
  logger.info("notice dispatch part", {
    today: task.date,
    runId: task.runId,
    shard: task.shard,
    continues: next !== undefined,
    ...result.summary,
  });
  return next ? { summary: result.summary, next } : { summary: result.summary };
}

function isSqsEvent(event: unknown): event is SQSEvent {
  return typeof event === "object" && event !== null && Array.isArray((event as SQSEvent).Records);
}

/**
 * The dispatch worker. From the dispatch queue (batch size 1): one shard's task, walked until less
 * than half the timeout is left, then the rest put back on the queue as a continuation; a worker cut
 * off (timeout, crash) is retried by SQS from its own task's cursor, with the same run id, so its
 * claims are `resumed`, never lost. Invoked directly (`npm run notices -- --stage`), it takes the
 * same task and returns `{ summary, next? }`: the caller invokes `next` itself.
 */
export const handler = middy<unknown, WorkerResult | undefined, Error, Context>()
  .use(observability())
  .handler(async (event, context) => {
    if (!isSqsEvent(event)) return work(dispatchTask.parse(event), context);
    for (const record of event.Records) {
      const result = await work(dispatchTask.parse(JSON.parse(record.body)), context);
      if (result.next) {
        await sqsDispatchQueue(sqsClient(), config.notices.dispatchQueueUrl()).send([result.next]);
        metrics.addMetric(NOTICE_DISPATCH_CONTINUATIONS, MetricUnit.Count, 1);
      }
    }
    return undefined;
  });
