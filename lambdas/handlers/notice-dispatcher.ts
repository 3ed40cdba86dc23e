import { randomUUID } from "node:crypto";
import middy from "@middy/core";
import * as z from "zod/mini";
import { logger } from "../adapters/logger";
import { noticeSettings } from "../adapters/runtime-config";
import { sqsClient, sqsDispatchQueue } from "../adapters/sqs-queue";
import { NOTICE_SHARDS } from "../definitions/tables";
import { dateInTimeZone, isCalendarDate } from "../domain/dates";
import { logContext } from "../middleware/log-context";

const notices = noticeSettings();

/** The schedule sends `{}`; an operator re-running a day sends `{ "date": "YYYY-MM-DD" }`. */
const dispatchEvent = z.object({
  date: z.optional(z.string().check(z.refine(isCalendarDate, "date must be YYYY-MM-DD"))),
  dryRun: z.optional(z.boolean()),
});

/**
 * The daily "your bill is available" run (EventBridge Scheduler, America/Toronto), fanned out: one
 * dispatch task per shard on the dispatch queue, for the workers (notice-dispatch-worker.ts). It
 * reads no table, so it ends in a second; a retry of it starts a new run, whose claims find the
 * first run's (already-queued) and queue nothing twice.
 */
export const handler = middy()
  .use(logContext())
  .handler(async (event: unknown) => {
    const input = dispatchEvent.parse(event ?? {});
    const today = input.date ?? dateInTimeZone(new Date());
    const runId = randomUUID();
    const tasks = Array.from({ length: NOTICE_SHARDS }, (_, shard) => ({
      date: today,
      shard,
      runId,
      ...(input.dryRun ? { dryRun: true } : {}),
    }));
    await sqsDispatchQueue(sqsClient(), notices.dispatchQueueUrl()).send(tasks);
    logger.info("notice dispatch fanned out", { today, runId, shards: NOTICE_SHARDS });
    return { today, runId, shards: NOTICE_SHARDS };
  });
