import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { ChangeMessageVisibilityCommand } from "@aws-sdk/client-sqs";
import middy from "@middy/core";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { documentClient } from "../adapters/dynamodb";
import { noticeDeps } from "../adapters/notice-deps";
import { metrics } from "../adapters/observability";
import { runtimeConfig } from "../adapters/runtime-config";
import { sesClient } from "../adapters/ses-mailer";
import { sqsClient } from "../adapters/sqs-queue";
import { noticeSendMetrics } from "../definitions/metrics";
import { noticeMessage } from "../definitions/notice-message";
import { pacedMailer, pacer } from "../domain/notices/pacer";
import { sendNotice } from "../domain/notices/send";
import { observability } from "../middleware/observability";

const config = runtimeConfig();
const client = documentClient();
const wired = noticeDeps(config, { dynamodb: client, ses: sesClient() });
/** This sender's share of the SES send rate: all concurrent senders together stay under it. */
const deps = {
  ...wired,
  mailer: pacedMailer(wired.mailer, pacer(config.notices.sesMaxSendRate / config.notices.senderConcurrency)),
};
const processor = new BatchProcessor(EventType.SQS);

/** A message that failed for a passing reason comes back later, later each time (up to 15 min). */
async function backOff(record: SQSRecord, seconds: number): Promise<void> {
  const receives = Number(record.attributes?.ApproximateReceiveCount ?? 1);
  const queueUrl = process.env.NOTICE_QUEUE_URL;
  if (!queueUrl || !record.receiptHandle) return;
  await sqsClient()
    .send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: record.receiptHandle,
        VisibilityTimeout: Math.min(900, seconds * 2 ** Math.min(receives, 8)),
      }),
    )
    .catch(() => undefined);
}

export class RetryLaterError extends Error {}

async function processRecord(record: SQSRecord): Promise<void> {
  const parsed = noticeMessage.safeParse(JSON.parse(record.body));
  // A malformed message fails every time: after the queue's maxReceiveCount it lands in the DLQ.
  if (!parsed.success) throw new Error("malformed notice message");
  const outcome = await sendNotice(parsed.data, deps);
  metrics.addMetric(noticeSendMetrics[outcome], MetricUnit.Count, 1);
  if (outcome === "throttled") {
    await backOff(record, 5);
    throw new RetryLaterError("SES throttled");
  }
  if (outcome === "busy") {
    await backOff(record, 30);
    throw new RetryLaterError("another sender holds the bill");
  }
}

/** SQS → one e-mail per message, with partial batch responses (only failed messages come back). */
export const handler = middy<SQSEvent, unknown, Error, Context>()
  .use(observability())
  .handler(async (event, context) =>
    processPartialResponse(event, processRecord, processor, { context, processInParallel: false }),
  );
