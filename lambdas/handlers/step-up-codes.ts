import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import middy from "@middy/core";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import * as z from "zod/mini";
import { documentClient } from "../adapters/dynamodb";
import { logger, metrics } from "../adapters/observability";
import { loadPepper } from "../adapters/pepper";
import { accountContacts } from "../adapters/profile-store";
import { runtimeConfig } from "../adapters/runtime-config";
import { challengeStore } from "../adapters/security-store";
import { sesClient, sesStepUpMailer } from "../adapters/ses-mailer";
import { stepUpCodeMetrics } from "../definitions/metrics";
import { sendStepUpCode } from "../domain/enrollment/step-up";
import { observability } from "../middleware/observability";

const config = runtimeConfig();
const client = documentClient();
const challenges = challengeStore(client, config.tables.security);
const contacts = accountContacts(client, config.tables.accounts);
const mailer = sesStepUpMailer(sesClient(), { ...config.ses, supportPhone: config.supportPhone });
const processor = new BatchProcessor(EventType.SQS);

/** What the verification puts on the queue: the challenge's stored hash, nothing secret. */
const message = z.object({ challengeHash: z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/)) });

async function processRecord(record: SQSRecord): Promise<void> {
  const parsed = message.safeParse(JSON.parse(record.body));
  if (!parsed.success) {
    // Malformed: retrying cannot help; dropped with a log line.
    logger.error("malformed step-up message");
    return;
  }
  const outcome = await sendStepUpCode(parsed.data.challengeHash, {
    challenges,
    contacts,
    mailer,
    pepper: await loadPepper(),
    // A challenge naming a pepper version no longer in the secret: only the version is logged.
    onUnknownKeyVersion: (version) =>
      logger.error("pepper version unknown", { audit: "step-up", keyVersion: version }),
    now: () => new Date(),
  });
  metrics.addMetric(stepUpCodeMetrics[outcome], MetricUnit.Count, 1);
  logger.info("step-up code", { audit: "step-up", outcome });
}

/** SQS → the code e-mail of each matched challenge; only failed messages come back (partial batch). */
export const handler = middy<SQSEvent, unknown, Error, Context>()
  .use(observability())
  .handler(async (event, context) =>
    processPartialResponse(event, processRecord, processor, { context, processInParallel: true }),
  );
