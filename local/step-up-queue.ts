import { randomUUID } from "node:crypto";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { useLocalChallengeOutbox } from "../lambdas/adapters/challenge-outbox";
import { handlerEntry } from "../lambdas/definitions/bundling";

type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

/**
 * The local stand-in for the step-up SQS queue (there is no SQS emulator here): each challenge is
 * handed, after the answer has gone, to the same `step-up-codes` handler as an SQS event. A failed
 * message is retried a few times, like a queue's redelivery.
 */
let handler: Promise<SqsHandler> | undefined;
const inFlight = new Set<Promise<void>>();

async function deliver(challengeHash: string): Promise<void> {
  handler ??= import(pathToFileURL(resolve(handlerEntry("step-up-codes"))).href).then(
    (module: { handler: SqsHandler }) => module.handler,
  );
  const fn = await handler;
  const messageId = randomUUID();
  const event = {
    Records: [
      {
        messageId,
        receiptHandle: messageId,
        body: JSON.stringify({ challengeHash }),
        attributes: { ApproximateReceiveCount: "1" },
        messageAttributes: {},
        md5OfBody: "",
        eventSource: "aws:sqs",
        eventSourceARN: "arn:aws:sqs:ca-central-1:000000000000:local-step-up-codes",
        awsRegion: "ca-central-1",
      },
    ],
  } as unknown as SQSEvent;
  const context = { awsRequestId: messageId, functionName: "local-step-up-codes" } as Context;
  for (let receive = 1; receive <= 3; receive++) {
    const out = await fn(event, context).catch(() => ({
      batchItemFailures: [{ itemIdentifier: messageId }],
    }));
    if (!out?.batchItemFailures?.length) return;
    await new Promise((done) => setTimeout(done, 200 * receive));
  }
}

export function installLocalStepUpQueue(): void {
  useLocalChallengeOutbox({
    async announce(challengeHash) {
      const sending = new Promise<void>((done) => setImmediate(done))
        .then(() => deliver(challengeHash))
        .finally(() => inFlight.delete(sending));
      inFlight.add(sending);
    },
  });
}

/** Resolves once every code e-mail handed over so far was sent (tests wait on it). */
export async function stepUpQueueDrained(): Promise<void> {
  while (inFlight.size > 0) await Promise.all([...inFlight]);
}
