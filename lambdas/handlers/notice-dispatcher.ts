import { randomUUID } from "node:crypto";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import middy from "@middy/core";
import * as z from "zod";
import { documentClient } from "../adapters/dynamodb";
import { noticeStores } from "../adapters/notice-stores";
import { logger, metrics } from "../adapters/observability";
import { runtimeConfig } from "../adapters/runtime-config";
import { sqsClient, sqsNoticeQueue } from "../adapters/sqs-queue";
import { noticeDispatchMetrics } from "../definitions/metrics";
import { dateInTimeZone, isCalendarDate } from "../domain/dates";
import { dispatchNotices } from "../domain/notices/dispatch";
import { observability } from "../middleware/observability";

const config = runtimeConfig();
const deps = noticeStores(config, documentClient());

/** The schedule sends `{}`; an operator re-running a day sends `{ "date": "YYYY-MM-DD" }`. */
const dispatchEvent = z
  .object({
    date: z.string().refine(isCalendarDate, "date must be YYYY-MM-DD").optional(),
    dryRun: z.boolean().optional(),
  })
  .passthrough();

/** The daily "your bill is available" run (EventBridge Scheduler, America/Toronto). */
export const handler = middy()
  .use(observability())
  .handler(async (event: unknown) => {
    const input = dispatchEvent.parse(event ?? {});
    const today = input.date ?? dateInTimeZone(new Date());
    const runId = randomUUID();
    const summary = await dispatchNotices(
      today,
      runId,
      { ...deps, queue: sqsNoticeQueue(sqsClient(), config.notices.queueUrl()) },
      {
        dryRun: input.dryRun ?? false,
        onError: (bill, error) =>
          logger.error("notice dispatch failed for one bill", { billId: bill.billId, error: error as Error }),
      },
    );
    metrics.addMetric(noticeDispatchMetrics.queued, MetricUnit.Count, summary.queued);
    metrics.addMetric(noticeDispatchMetrics.skippedCredit, MetricUnit.Count, summary.skippedCredit);
    metrics.addMetric(noticeDispatchMetrics.skippedInactive, MetricUnit.Count, summary.skippedInactive);
    metrics.addMetric(noticeDispatchMetrics.alreadySent, MetricUnit.Count, summary.alreadySent);
    metrics.addMetric(noticeDispatchMetrics.notQueued, MetricUnit.Count, summary.notQueued);
    metrics.addMetric(noticeDispatchMetrics.failed, MetricUnit.Count, summary.failed);
    logger.info("notice dispatch", { today, runId, ...summary });
    return { today, runId, ...summary };
  });
